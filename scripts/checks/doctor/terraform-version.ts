import { execFile } from "node:child_process";

/**
 * The oldest terraform the project supports: S3 native state locking (`use_lockfile`) needs 1.10.
 * One named constant until the pinned CI version lands on this branch; then read it from there.
 */
export const MINIMUM_TERRAFORM_VERSION = "1.10.0";

/** Parses `terraform version -json` (or the plain `Terraform v1.2.3` first line); undefined when neither. */
export function parseTerraformVersion(output: string): string | undefined {
  try {
    const json = JSON.parse(output) as { terraform_version?: unknown };
    if (typeof json.terraform_version === "string") return json.terraform_version;
  } catch {
    // not JSON: an old terraform without -json
  }
  return /Terraform v(\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b` (numeric parts only). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The version of the `terraform` on PATH, or undefined when there is none. */
export function installedTerraformVersion(timeoutMs = 20_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("terraform", ["version", "-json"], { timeout: timeoutMs, env: { ...process.env, CHECKPOINT_DISABLE: "1" } }, (error, stdout) => {
      if (error && !stdout) return resolve(undefined);
      resolve(parseTerraformVersion(stdout));
    });
  });
}
