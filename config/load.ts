import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { Environment, environmentSchema } from "./environment";
import { CI_SETTINGS_FILE, CiSettings, loadCiSettings } from "./ci";
import { problemsOf, SettingsError, SettingsErrors, settingsErrorMap, settingsErrorsOf } from "./problems";

export const ENVIRONMENTS_DIR = join(__dirname, "environments");
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;

/** Thrown when an environment definition is invalid; the message names the environment, its file and each field. */
export class EnvironmentConfigError extends SettingsError {
  constructor(
    readonly environment: string,
    problems: readonly string[],
    readonly source: string,
  ) {
    super(`Invalid environment "${environment}" (${source})`, problems);
    this.name = "EnvironmentConfigError";
  }
}

/** Validates one environment's raw settings. */
export function parseEnvironment(name: string, raw: unknown, source = `environment ${name}`): Environment {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentConfigError(name, ["name: must be 1-16 lower-case letters, digits or '-', starting with a letter"], source);
  }
  const result = environmentSchema.safeParse(raw, { error: settingsErrorMap });
  if (!result.success) throw new EnvironmentConfigError(name, problemsOf(result.error), source);
  return { name, ...result.data };
}

/** Reads and validates one environment file, named by its file name. */
export function loadEnvironmentFile(path: string): Environment {
  const name = basename(path, ".json");
  const source = relative(process.cwd(), path) || path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentConfigError(name, [code === "ENOENT" ? "(file): does not exist" : `(file): is not valid JSON: ${(error as Error).message}`], source);
  }
  return parseEnvironment(name, raw, source);
}

/**
 * Reads and validates every `config/environments/<name>.json`, sorted by name. Every invalid file is
 * reported at once: one EnvironmentConfigError, or SettingsErrors holding one per file.
 */
export function loadEnvironments(dir: string = ENVIRONMENTS_DIR): Environment[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (files.length === 0) throw new Error(`no environment definitions (*.json) in ${dir}`);
  const environments: Environment[] = [];
  const errors: EnvironmentConfigError[] = [];
  for (const file of files) {
    try {
      environments.push(loadEnvironmentFile(join(dir, file)));
    } catch (error) {
      if (!(error instanceof EnvironmentConfigError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new SettingsErrors(errors);
  return environments;
}

/**
 * Every environment and the CI settings (`config/ci.json`), as the app needs them; every invalid file
 * is reported at once (SettingsErrors when there are several).
 */
export function loadSettings(dir: string = ENVIRONMENTS_DIR, ciFile: string = CI_SETTINGS_FILE): { environments: Environment[]; ci: CiSettings } {
  const errors: SettingsError[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      const invalid = settingsErrorsOf(error);
      if (invalid.length === 0) throw error;
      errors.push(...invalid);
      return undefined;
    }
  };
  const environments = attempt(() => loadEnvironments(dir));
  const ci = attempt(() => loadCiSettings(ciFile));
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new SettingsErrors(errors);
  return { environments: environments!, ci: ci! };
}

export type { Environment } from "./environment";
