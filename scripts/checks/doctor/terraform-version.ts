import { execFile } from "node:child_process";

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

/** The version of the `terraform` on PATH, or undefined when there is none. */
export function installedTerraformVersion(timeoutMs = 20_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("terraform", ["version", "-json"], { timeout: timeoutMs, env: { ...process.env, CHECKPOINT_DISABLE: "1" } }, (error, stdout) => {
      if (error && !stdout) return resolve(undefined);
      resolve(parseTerraformVersion(stdout));
    });
  });
}
