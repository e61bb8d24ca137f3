import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { problemsOf, SettingsError, settingsErrorMap } from "./problems";

export const CI_SETTINGS_FILE = join(__dirname, "ci.json");

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const numericId = z.number().int().positive();

/**
 * Settings of CI and of the per-account bootstrap (`config/ci.json`), validated like the
 * environments: an invalid value fails synth with the field named.
 */
export const ciSettingsSchema = z.strictObject({
  github: z
    .strictObject({
      /** `owner/name` of the GitHub repository whose workflows may assume the CI roles. */
      repository: z
        .string()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, "must be the GitHub repository as owner/name"),
      /**
       * The numeric owner and repository ids. Repositories created on or after 2026-07-15 (and older ones
       * that opted in) put them in the OIDC `sub` claim, `repo:owner@ownerId/name@repositoryId:...`;
       * give both here and the roles trust that immutable form instead of the name-only one.
       */
      ownerId: numericId.optional(),
      repositoryId: numericId.optional(),
    })
    .refine((g) => (g.ownerId === undefined) === (g.repositoryId === undefined), {
      message: "give both ownerId and repositoryId (the immutable subject claim holds both), or neither",
      path: ["repositoryId"],
    }),
  bootstrap: z
    .strictObject({
      /** Accounts that already have the GitHub OIDC provider (one per account and URL): the bootstrap looks it up instead of creating it. */
      accountsWithGithubOidcProvider: z.array(accountId).default([]),
      /** Accounts whose bootstrap state was moved into the state bucket it created (docs/first-deploy.md). */
      accountsWithRemoteState: z.array(accountId).default([]),
    })
    .prefault({}),
});

export type CiSettings = z.output<typeof ciSettingsSchema>;

export class CiSettingsError extends SettingsError {
  constructor(
    problems: readonly string[],
    readonly source: string,
  ) {
    super(`Invalid CI settings (${source})`, problems);
    this.name = "CiSettingsError";
  }
}

export function parseCiSettings(raw: unknown, source = "CI settings"): CiSettings {
  const result = ciSettingsSchema.safeParse(raw, { error: settingsErrorMap });
  if (result.success) return result.data;
  throw new CiSettingsError(problemsOf(result.error), source);
}

export function loadCiSettings(path: string = CI_SETTINGS_FILE): CiSettings {
  const source = relative(process.cwd(), path) || path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CiSettingsError([`(file): is not valid JSON: ${(error as Error).message}`], source);
  }
  return parseCiSettings(raw, source);
}

/** The OIDC `sub` claim GitHub issues to a job that runs in `environment` of the repository. */
export function githubEnvironmentSubject(github: CiSettings["github"], environment: string): string {
  const [owner, name] = github.repository.split("/") as [string, string];
  const repo = github.ownerId === undefined ? `${owner}/${name}` : `${owner}@${github.ownerId}/${name}@${github.repositoryId}`;
  return `repo:${repo}:environment:${environment}`;
}

/** GitHub environments per configured environment: plans run in `<env>-plan`, applies in `<env>`. */
export function planEnvironmentName(environment: string): string {
  return `${environment}-plan`;
}
