import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { Environment, environmentSchema } from "./environment";

export const ENVIRONMENTS_DIR = join(__dirname, "environments");
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;

/** Thrown when an environment definition is invalid; the message names the environment and each field. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
    source: string,
  ) {
    super(`Invalid environment "${environment}" (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvironmentConfigError";
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".");
}

/** Validates one environment's raw settings. */
export function parseEnvironment(name: string, raw: unknown, source = `environment ${name}`): Environment {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentConfigError(name, ["name: must be 1-16 lower-case letters, digits or '-', starting with a letter"], source);
  }
  const result = environmentSchema.safeParse(raw, {
    error: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined),
  });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      return keys.map((path) => `${fieldPath(path)}: ${issue.code === "unrecognized_keys" ? "is not a known setting" : issue.message}`).join("\n  - ");
    });
    throw new EnvironmentConfigError(name, problems, source);
  }
  return { name, ...result.data };
}

/** Reads and validates every `config/environments/<name>.json`, sorted by name. */
export function loadEnvironments(dir: string = ENVIRONMENTS_DIR): Environment[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (files.length === 0) throw new Error(`no environment definitions (*.json) in ${dir}`);
  return files.map((file) => {
    const name = basename(file, ".json");
    const path = join(dir, file);
    const source = relative(process.cwd(), path) || path;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new EnvironmentConfigError(name, [`(file): is not valid JSON: ${(error as Error).message}`], source);
    }
    return parseEnvironment(name, raw, source);
  });
}

export type { Environment } from "./environment";
