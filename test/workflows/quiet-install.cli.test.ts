import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("npm ci's prepare step (Genesys bindings from the vendored schema)", () => {
  it("never runs terraform (whose failure cdktf reports as telemetry) and prints only its result", () => {
    // A terraform that records every call and complains on stderr, as a misconfigured one does.
    const bin = mkdtempSync(join(tmpdir(), "recording-terraform-"));
    const calls = join(bin, "calls");
    writeFileSync(join(bin, "terraform"), `#!/bin/sh\necho "$@" >> ${JSON.stringify(calls)}\necho "There are some problems with the CLI configuration" >&2\nexit 1\n`);
    chmodSync(join(bin, "terraform"), 0o755);
    const out = mkdtempSync(join(tmpdir(), "bindings-"));
    const env: Record<string, string | undefined> = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    delete env.CHECKPOINT_DISABLE;

    const run = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/build/generate-genesys-bindings.ts", "--force", "--out", out], { cwd: ROOT, env, encoding: "utf8" });

    expect(run.status).toBe(0);
    expect(existsSync(calls)).toBe(false);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\n")).toEqual([expect.stringMatching(/^generated genesyscloud 1\.84\.1 bindings: \d+ resources, \d+ data sources -> /)]);
    expect(existsSync(join(out, "providers", "genesyscloud", "provider", "index.ts"))).toBe(true);
    // The generated code is the one the project compiles against.
    expect(readFileSync(join(out, "providers", "genesyscloud", "provider", "index.ts"), "utf8")).toBe(
      readFileSync(join(ROOT, ".gen", "providers", "genesyscloud", "provider", "index.ts"), "utf8"),
    );
  });
});
