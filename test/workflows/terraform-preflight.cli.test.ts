import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { cdktfCommandOf, findCdktfCommand, ProcessInfo, probeTerraform, terraformProblem } from "../../scripts/ci/terraform-preflight";

const ROOT = join(__dirname, "..", "..");

/** A directory with a `terraform` that answers `version -json` with `version`, or fails when undefined. */
function fakeTerraform(version: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "fake-terraform-"));
  const answer = version === undefined ? "echo 'broken' >&2; exit 1" : `echo '{"terraform_version":"${version}","platform":"linux_amd64"}'`;
  writeFileSync(join(dir, "terraform"), `#!/bin/sh\necho "There are some problems with the CLI configuration" >&2\n${answer}\n`);
  chmodSync(join(dir, "terraform"), 0o755);
  return dir;
}

describe("which cdktf command started the app", () => {
  it.each([
    [["node", "/repo/node_modules/.bin/cdktf", "diff", "dev"], "diff"],
    [["node", "/usr/lib/node_modules/npm/bin/npx-cli.js", "cdktf", "deploy", "prod", "--auto-approve"], "deploy"],
    [["node", "/repo/node_modules/cdktf-cli/bundle/bin/cdktf.js", "--log-level=debug", "destroy", "dev"], "destroy"],
    [["cdktf", "synth"], "synth"],
    [["node", "/repo/node_modules/.bin/tsx", "main.ts"], undefined],
    [["node", "/repo/node_modules/cdktf/lib/index.js"], undefined],
  ])("%j -> %s", (argv, command) => {
    expect(cdktfCommandOf(argv)).toBe(command);
  });

  it("walks up the process tree to the cdktf process", () => {
    const tree: Record<number, ProcessInfo> = {
      40: { ppid: 30, argv: ["node", "main.ts"] },
      30: { ppid: 20, argv: ["sh", "-c", "npx tsx main.ts"] },
      20: { ppid: 10, argv: ["node", "/repo/node_modules/.bin/cdktf", "deploy", "dev"] },
      10: { ppid: 1, argv: ["bash"] },
    };
    expect(findCdktfCommand(40, (pid) => tree[pid])).toBe("deploy");
    expect(findCdktfCommand(30, (pid) => (pid === 20 ? undefined : tree[pid]))).toBeUndefined();
    expect(findCdktfCommand(10, (pid) => tree[pid])).toBeUndefined();
  });
});

describe("the terraform check", () => {
  it("passes the pinned version and names what to install otherwise, in one line", () => {
    expect(terraformProblem("diff", { found: true, version: TERRAFORM_VERSION })).toBeUndefined();
    const missing = terraformProblem("diff", { found: false })!;
    expect(missing).toBe(
      `cdktf diff needs terraform ${TERRAFORM_VERSION}, and there is no terraform on the PATH: install terraform ${TERRAFORM_VERSION} (https://developer.hashicorp.com/terraform/install, or \`tenv tf install ${TERRAFORM_VERSION}\`).`,
    );
    const old = terraformProblem("deploy", { found: true, version: "1.5.7" })!;
    expect(old).toContain(`cdktf deploy needs terraform ${TERRAFORM_VERSION}`);
    expect(old).toContain("but terraform 1.5.7 is installed: install terraform");
    for (const line of [missing, old]) expect(line).not.toContain("\n");
  });

  it("reads the version the way the cdktf CLI does, ignoring terraform's warnings on stderr", () => {
    expect(probeTerraform(join(fakeTerraform("1.10.5"), "terraform"))).toEqual({ found: true, version: "1.10.5" });
    expect(probeTerraform(join(fakeTerraform(undefined), "terraform"))).toEqual({ found: true, version: undefined });
    expect(probeTerraform("/nonexistent/terraform")).toEqual({ found: false });
  });

  /** A real process tree: a script named `cdktf` starts the app through npx/tsx, as the CLI's synth does. */
  function runUnderCdktf(command: string, terraformDir: string) {
    const dir = mkdtempSync(join(tmpdir(), "fake-cdktf-"));
    const app = join(dir, "app.ts");
    writeFileSync(app, `import { requireTerraformForCdktfCommand } from ${JSON.stringify(join(ROOT, "scripts", "ci", "terraform-preflight"))};\nrequireTerraformForCdktfCommand();\nconsole.log("synthesized");\n`);
    writeFileSync(join(dir, "cdktf"), `#!/bin/sh\n${JSON.stringify(join(ROOT, "node_modules", ".bin", "tsx"))} ${JSON.stringify(app)}\n`);
    chmodSync(join(dir, "cdktf"), 0o755);
    return spawnSync(join(dir, "cdktf"), [command, "dev"], { encoding: "utf8", env: { ...process.env, PATH: `${terraformDir}:/usr/bin:/bin` }, cwd: ROOT });
  }

  it("stops cdktf diff with one line when terraform is too old, and lets cdktf synth run without it", () => {
    const old = runUnderCdktf("diff", fakeTerraform("1.10.5"));
    expect(old.status).toBe(1);
    expect(old.stdout).toBe("");
    expect(old.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^cdktf diff needs terraform ${TERRAFORM_VERSION.replace(/\./g, "\\.")} .* but terraform 1\\.10\\.5 is installed: install terraform`))]);

    const none = mkdtempSync(join(tmpdir(), "no-terraform-"));
    const missing = runUnderCdktf("deploy", none);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^cdktf deploy needs terraform .*, and there is no terraform on the PATH: install terraform/);

    const synth = runUnderCdktf("synth", none);
    expect(synth.status).toBe(0);
    expect(synth.stdout.trim()).toBe("synthesized");

    const pinned = runUnderCdktf("destroy", fakeTerraform(TERRAFORM_VERSION));
    expect(pinned.status).toBe(0);
    expect(pinned.stdout.trim()).toBe("synthesized");
  });
});
