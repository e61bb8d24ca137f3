import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { functionBundle, prebuildFunctions } from "../../../scripts/build/lambda-bundle";

const ROOT = join(__dirname, "..", "..", "..");

/** Runs the app the way `cdktf synth` does (cdktf.json's app command) into `outdir`. */
function synth(outdir: string, env: Record<string, string> = {}) {
  const { app } = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string };
  const run = spawnSync("sh", ["-c", app], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, SYNTH_CACHE: "verbose", ...env },
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`synth failed (${run.status}): ${run.stderr}`);
  return { stdout: run.stdout, cache: /synth cache: (\w+)/.exec(run.stderr)?.[1] };
}

/** Every file under `dir`, by relative path, with the SHA-256 of its bytes (Jest compares large Buffers byte by byte, slowly). */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[relative(dir, join(entry.parentPath, entry.name))] = createHash("sha256").update(readFileSync(join(entry.parentPath, entry.name))).digest("hex");
  }
  return files;
}

describe("synth with nothing changed", () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "synth-determinism-"));
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("gives byte-identical output and stdout: run in full, run and recorded, and replayed", () => {
    // Act
    const full = synth(join(work, "full"), { SYNTH_CACHE: "off" });
    const recorded = synth(join(work, "cached"));
    const afterRecording = tree(join(work, "cached"));
    const replayed = synth(join(work, "cached"));

    // Assess
    expect([recorded.cache, replayed.cache]).toEqual(["synthesized", "replayed"]);
    expect(recorded.stdout).toBe(full.stdout);
    expect(replayed.stdout).toBe(full.stdout);
    const reference = tree(join(work, "full"));
    expect(Object.keys(reference)).toEqual(expect.arrayContaining(["manifest.json", "stacks/dev/cdk.tf.json", "stacks/prod/cdk.tf.json"]));
    for (const stack of ["dev", "prod"]) {
      const synthesized = JSON.parse(readFileSync(join(work, "full", "stacks", stack, "cdk.tf.json"), "utf8")) as { resource: { aws_lambda_function: Record<string, { filename: string }> } };
      const functions = Object.values(synthesized.resource.aws_lambda_function);
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) expect(reference[`stacks/${stack}/${fn.filename}`]).toBeDefined();
    }
    expect(afterRecording).toEqual(reference);
    expect(tree(join(work, "cached"))).toEqual(reference);
  }, 600_000);

  it("rebuilds a bundle from a cold cache into the same archive bytes (the same asset hash)", async () => {
    // Prepare
    const warm = functionBundle("email-routing/classify-email");
    const saved = process.env.BUILD_CACHE_DIR;
    process.env.BUILD_CACHE_DIR = join(work, "cold-cache");

    try {
      // Act
      const [cold] = await prebuildFunctions(["email-routing/classify-email"]);

      // Assess
      expect(cold!.archiveHash).toBe(warm.archiveHash);
      expect(readFileSync(cold!.archive).equals(readFileSync(warm.archive))).toBe(true); // Buffer#equals, not a Jest deep compare
    } finally {
      if (saved === undefined) delete process.env.BUILD_CACHE_DIR;
      else process.env.BUILD_CACHE_DIR = saved;
    }
  }, 300_000);
});
