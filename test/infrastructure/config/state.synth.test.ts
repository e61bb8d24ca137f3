import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { EnvironmentConfigError, parseEnvironment } from "../../../config/load";
import { defaultStateBucket, isCiEnvironment, localStatePath, resolveState } from "../../../config/state";
import { TERRAFORM_VERSION } from "../../../config/terraform";
import { rawEnvironment, shipped, synthesize, variant } from "../../support/synth";

const ROOT = join(__dirname, "..", "..", "..");
const KEY = "arn:aws:kms:eu-west-1:222222222222:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

function problemsOf(raw: Record<string, unknown>): string {
  try {
    parseEnvironment("sandbox", raw, "config/environments/sandbox.json");
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the environment to be rejected");
}

describe("state backends", () => {
  it("keeps every shipped environment's state in the bootstrap bucket of its account and region, one key each, with the S3 lock file", () => {
    for (const [name, account] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) {
      expect(shipped(name).terraform.backend).toEqual({
        s3: {
          bucket: `genesys-cx-intelligence-state-${account}-us-east-1`,
          key: `genesys-cx-intelligence/${name}.tfstate`,
          region: "us-east-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
      expect(shipped(name).terraform.backend).not.toHaveProperty("s3.dynamodb_table");
    }
  });

  it("pins every environment stack to the one terraform version", () => {
    for (const name of ["dev", "prod"]) expect(shipped(name).terraform.required_version).toBe(TERRAFORM_VERSION);
  });

  it("honours an explicit bucket, key, region and KMS key", () => {
    const env = variant("prod", (raw) => (raw.state = { backend: "s3", bucket: "acme-tf", key: "gcx/prod.tfstate", region: "eu-west-1", kmsKeyId: KEY }));
    expect(resolveState(env)).toEqual({ backend: "s3", bucket: "acme-tf", key: "gcx/prod.tfstate", region: "eu-west-1", bootstrapBucket: false, kmsKeyId: KEY });
    expect(synthesize(env).terraform.backend).toEqual({
      s3: { bucket: "acme-tf", key: "gcx/prod.tfstate", region: "eu-west-1", encrypt: true, kms_key_id: KEY, use_lockfile: true },
    });
  });

  it("writes a sandbox's local state outside the build folder, to a path that does not depend on the machine", () => {
    const env = variant("dev", (raw) => {
      raw.state = { backend: "local" };
      delete raw.ci;
    }, "sandbox");
    expect(isCiEnvironment(env)).toBe(false);
    expect(synthesize(env).terraform.backend).toEqual({ local: { path: "../../../.terraform-state/sandbox.tfstate" } });
    // terraform runs in cdktf.out/stacks/<env>/: the path lands in the repository's .terraform-state/.
    expect(join(ROOT, "cdktf.out", "stacks", "sandbox", localStatePath("sandbox"))).toBe(join(ROOT, ".terraform-state", "sandbox.tfstate"));
  });

  it("keeps local state and plan files out of git", () => {
    const ignored = (path: string) => {
      try {
        execFileSync("git", ["check-ignore", "-q", path], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored(".terraform-state/sandbox.tfstate")).toBe(true);
    expect(ignored("cdktf.out/stacks/dev/plan")).toBe(true);
    expect(ignored("config/environments/dev.json")).toBe(false);
  });

  it("names a bucket that fits S3's 63 characters in the longest region", () => {
    expect(defaultStateBucket("123456789012", "ap-southeast-5").length).toBeLessThanOrEqual(63);
  });

  it("refuses a DynamoDB lock table, unencrypted state, a bad key, and merge deploys of local state, naming each field", () => {
    const raw = rawEnvironment("dev");
    expect(problemsOf({ ...raw, state: { backend: "s3", lockTable: "locks", encrypt: false, key: "prod.json", kmsKeyId: "alias/tf" } })).toBe(
      [
        'Invalid environment "sandbox" (config/environments/sandbox.json):',
        "  - state.key: must be an S3 object key ending in .tfstate",
        "  - state.lockTable: is no longer supported: DynamoDB locking is deprecated since terraform 1.11; remove it, state is locked by an S3 lock file (use_lockfile)",
        "  - state.encrypt: must be true: state holds secrets",
        "  - state.kmsKeyId: must be a KMS key ARN (the CI roles are granted on it)",
      ].join("\n"),
    );
    expect(problemsOf({ ...raw, state: { backend: "local" }, ci: { deployOnMerge: true } })).toBe(
      'Invalid environment "sandbox" (config/environments/sandbox.json):\n  - ci.deployOnMerge: needs state.backend "s3": a CI runner keeps no local state',
    );
  });
});
