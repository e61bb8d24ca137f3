import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support";

const SECRET = "genesys-client-secret-8d7c6b5a";

function executable(dir: string, name: string, script: string): void {
  writeFileSync(join(dir, name), script);
  chmodSync(join(dir, name), 0o755);
}

/**
 * An `aws kms` stand-in at the CLI boundary: generate-data-key hands out a random key and a "ciphertext"
 * that is the key bound to its encryption context; decrypt gives the key back only for the same context.
 */
function fakeAws(dir: string): void {
  executable(
    dir,
    "aws",
    `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "${dir}/aws-calls"
op="$2"; context=""; blob=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --encryption-context) context="$2"; shift ;;
    --ciphertext-blob) blob="\${2#fileb://}"; shift ;;
  esac
  shift
done
case "$op" in
  generate-data-key)
    key=$(head -c 32 /dev/urandom | base64 -w0)
    printf '%s\\t%s\\n' "$key" "$(printf 'KMS|%s|%s' "$context" "$key" | base64 -w0)" ;;
  decrypt)
    IFS='|' read -r tag bound key < "$blob" || true
    [[ "$tag" == KMS && "$bound" == "$context" ]] || { echo "An error occurred (InvalidCiphertextException) when calling the Decrypt operation" >&2; exit 254; }
    printf '%s\\n' "$key" ;;
  *) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`,
  );
}

function run(script: string, args: string[], bin: string, cwd: string) {
  return spawnSync(join(ROOT, "scripts", "ci", script), args, { cwd, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
}

function plannedStack(root: string): string {
  const stack = join(root, "cdktf.out", "stacks", "dev");
  mkdirSync(join(stack, "assets", "fn"), { recursive: true });
  mkdirSync(join(stack, ".terraform", "providers"), { recursive: true });
  writeFileSync(join(stack, "plan"), `saved plan holding ${SECRET}`);
  writeFileSync(join(stack, "cdk.tf.json"), "{}");
  writeFileSync(join(stack, ".terraform.lock.hcl"), "# lock");
  writeFileSync(join(stack, "assets", "fn", "archive.zip"), Buffer.from([80, 75, 3, 4, 1, 2, 3]));
  writeFileSync(join(stack, ".terraform", "providers", "big-binary"), "x".repeat(1000));
  return stack;
}

describe("sealing the reviewed plan between the plan and apply jobs", () => {
  it("round-trips the stack folder, without the providers, and stores nothing readable", () => {
    const root = mkdtempSync(join(tmpdir(), "seal-"));
    const bin = mkdtempSync(join(tmpdir(), "bin-"));
    fakeAws(bin);
    const stack = plannedStack(root);
    const sealed = run("seal-plan.sh", ["dev", "us-east-1", stack, join(root, "sealed")], bin, root);
    expect(sealed.stderr).toBe("");
    expect(sealed.status).toBe(0);
    expect(readdirSync(join(root, "sealed")).sort()).toEqual(["data-key.enc", "stack.tgz.enc", "stack.tgz.sha256"]);
    for (const file of readdirSync(join(root, "sealed"))) expect(readFileSync(join(root, "sealed", file)).includes(SECRET)).toBe(false);
    expect(readFileSync(join(bin, "aws-calls"), "utf8")).toContain("kms generate-data-key --region us-east-1 --key-id alias/genesys-cx-intelligence-ci-plans --key-spec AES_256 --encryption-context environment=dev");

    const target = join(root, "apply", "cdktf.out", "stacks", "dev");
    const opened = run("open-plan.sh", ["dev", "us-east-1", join(root, "sealed"), target], bin, root);
    expect(opened.status).toBe(0);
    expect(readFileSync(join(target, "plan"), "utf8")).toBe(`saved plan holding ${SECRET}`);
    expect(readFileSync(join(target, ".terraform.lock.hcl"), "utf8")).toBe("# lock");
    expect(readFileSync(join(target, "assets", "fn", "archive.zip"))).toEqual(Buffer.from([80, 75, 3, 4, 1, 2, 3]));
    expect(existsSync(join(target, ".terraform"))).toBe(false);
  });

  it("cannot be opened for another environment, nor after tampering", () => {
    const root = mkdtempSync(join(tmpdir(), "seal-"));
    const bin = mkdtempSync(join(tmpdir(), "bin-"));
    fakeAws(bin);
    run("seal-plan.sh", ["dev", "us-east-1", plannedStack(root), join(root, "sealed")], bin, root);
    const other = run("open-plan.sh", ["prod", "us-east-1", join(root, "sealed"), join(root, "out")], bin, root);
    expect(other.status).not.toBe(0);
    expect(other.stderr).toContain("InvalidCiphertextException");
    expect(existsSync(join(root, "out", "plan"))).toBe(false);

    writeFileSync(join(root, "sealed", "stack.tgz.sha256"), "0".repeat(64));
    const tampered = run("open-plan.sh", ["dev", "us-east-1", join(root, "sealed"), join(root, "out")], bin, root);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain("::error::the sealed plan of dev does not match its checksum: refusing to apply it");
    expect(existsSync(join(root, "out", "plan"))).toBe(false);
  });
});

describe("planning in CI (scripts/ci/terraform-plan.sh)", () => {
  /** A terraform that plans successfully unless FAIL_PLAN is set, and records its arguments. */
  function fakeTerraform(): string {
    const bin = mkdtempSync(join(tmpdir(), "bin-"));
    executable(
      bin,
      "terraform",
      `#!/usr/bin/env bash
echo "$*" >> "${bin}/terraform-calls"
case "$1" in
  init) echo "Terraform has been successfully initialized!" ;;
  plan)
    if [[ -n "\${FAIL_PLAN:-}" ]]; then echo "Error: Error acquiring the state lock" >&2; exit 1; fi
    echo "refreshing..."; echo saved > plan ;;
  show) echo "Plan: 2 to add, 0 to change, 0 to destroy." ;;
esac
`,
    );
    return bin;
  }
  const stackIn = (root: string) => {
    const stack = join(root, "cdktf.out", "stacks", "dev");
    mkdirSync(stack, { recursive: true });
    writeFileSync(join(stack, "cdk.tf.json"), "{}");
    return stack;
  };

  it("saves the plan and its text, waiting for the lock rather than breaking it", () => {
    const root = mkdtempSync(join(tmpdir(), "plan-"));
    const bin = fakeTerraform();
    const stack = stackIn(root);
    const result = run("terraform-plan.sh", ["dev", "deploy"], bin, root);
    expect(result.status).toBe(0);
    expect(readFileSync(join(stack, "plan-outcome"), "utf8").trim()).toBe("success");
    expect(readFileSync(join(stack, "plan.txt"), "utf8")).toBe("Plan: 2 to add, 0 to change, 0 to destroy.\n");
    expect(readFileSync(join(bin, "terraform-calls"), "utf8").split("\n")).toEqual([
      "init -input=false -no-color",
      "plan -input=false -no-color -lock-timeout=10m -out=plan",
      "show -no-color plan",
      "",
    ]);
  });

  it("plans a destroy for destroy", () => {
    const root = mkdtempSync(join(tmpdir(), "plan-"));
    const bin = fakeTerraform();
    stackIn(root);
    expect(run("terraform-plan.sh", ["dev", "destroy"], bin, root).status).toBe(0);
    expect(readFileSync(join(bin, "terraform-calls"), "utf8")).toContain("plan -input=false -no-color -lock-timeout=10m -out=plan -destroy");
  });

  it("fails the job when terraform fails, even though its output goes through a pipe, and keeps the error for the comment", () => {
    const root = mkdtempSync(join(tmpdir(), "plan-"));
    const bin = fakeTerraform();
    const stack = stackIn(root);
    const result = spawnSync(join(ROOT, "scripts", "ci", "terraform-plan.sh"), ["dev", "plan"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAIL_PLAN: "1" },
    });
    expect(result.status).toBe(1);
    expect(readFileSync(join(stack, "plan-outcome"), "utf8").trim()).toBe("failure");
    expect(readFileSync(join(stack, "plan.txt"), "utf8")).toContain("Error: Error acquiring the state lock");
    expect(readFileSync(join(bin, "terraform-calls"), "utf8")).not.toContain("show");
  });

  it("says what to do when the stack was not synthesized", () => {
    const result = run("terraform-plan.sh", ["dev", "plan"], fakeTerraform(), mkdtempSync(join(tmpdir(), "plan-")));
    expect(result.status).toBe(1);
    expect(result.stdout.trim()).toBe("::error::cdktf.out/stacks/dev/cdk.tf.json is missing: synthesize first (npx cdktf synth)");
  });
});
