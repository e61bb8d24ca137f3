import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeOrReplay } from "../../../scripts/build/synth-cache";

/**
 * The synth cache with a stand-in app: it reads an input file, lists an input folder and an
 * environment variable, clears its asset folder and writes a stack file and an asset, as cdktf does.
 */
describe("synthesizeOrReplay", () => {
  let cache: string;
  let inputs: string;
  let outdir: string;
  let runs: number;
  const saved = { ...process.env };

  async function app(): Promise<void> {
    runs++;
    const config = readFileSync(join(inputs, "config.json"), "utf8");
    const environments = readdirSync(join(inputs, "environments")).sort();
    const region = process.env.STAND_IN_REGION ?? "none";
    rmSync(join(outdir, "stacks", "dev", "assets", "bundle"), { recursive: true, force: true });
    mkdirSync(join(outdir, "stacks", "dev", "assets", "bundle", "HASH"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), JSON.stringify({ config, environments, region }));
    writeFileSync(join(outdir, "stacks", "dev", "assets", "bundle", "HASH", "archive.zip"), "zip bytes");
  }

  const output = () => readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8");

  beforeEach(() => {
    // Inputs inside the cache folder are recorded like inputs inside the repository.
    cache = mkdtempSync(join(tmpdir(), "synth-cache-"));
    inputs = join(cache, "inputs");
    mkdirSync(join(inputs, "environments"), { recursive: true });
    writeFileSync(join(inputs, "config.json"), '{"a":1}');
    writeFileSync(join(inputs, "environments", "dev.json"), "{}");
    outdir = join(cache, "out");
    Object.assign(process.env, { BUILD_CACHE_DIR: cache, CDKTF_OUTDIR: outdir, STAND_IN_REGION: "us-east-1" });
    delete process.env.SYNTH_CACHE;
    runs = 0;
  });

  afterEach(() => {
    process.env = { ...saved };
    rmSync(cache, { recursive: true, force: true });
  });

  it("runs the app the first time and replays its output, byte for byte, while nothing it read changed", async () => {
    // Act
    const first = await synthesizeOrReplay({ synthesize: app });
    const written = output();
    rmSync(outdir, { recursive: true, force: true });
    const second = await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect([first, second, runs]).toEqual(["synthesized", "replayed", 1]);
    expect(output()).toBe(written);
    expect(readFileSync(join(outdir, "stacks", "dev", "assets", "bundle", "HASH", "archive.zip"), "utf8")).toBe("zip bytes");
  });

  it("clears the folders the app cleared before replaying into them", async () => {
    // Prepare
    await synthesizeOrReplay({ synthesize: app });
    writeFileSync(join(outdir, "stacks", "dev", "assets", "bundle", "stale.zip"), "old");

    // Act
    await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect(readdirSync(join(outdir, "stacks", "dev", "assets", "bundle"))).toEqual(["HASH"]);
  });

  it("leaves files in the output folder that the app did not write (Terraform's state and working files)", async () => {
    // Prepare
    await synthesizeOrReplay({ synthesize: app });
    writeFileSync(join(outdir, "stacks", "dev", "terraform.dev.tfstate"), "state");

    // Act
    await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect(readFileSync(join(outdir, "stacks", "dev", "terraform.dev.tfstate"), "utf8")).toBe("state");
  });

  it.each<[string, () => void]>([
    ["a file it read changes", () => writeFileSync(join(inputs, "config.json"), '{"a":2}')],
    ["a file appears in a folder it listed", () => writeFileSync(join(inputs, "environments", "prod.json"), "{}")],
    ["an environment variable it read changes", () => (process.env.STAND_IN_REGION = "eu-west-1")],
    ["an environment variable it read is unset", () => delete process.env.STAND_IN_REGION],
  ])("runs the app again when %s", async (_name, change) => {
    // Prepare
    await synthesizeOrReplay({ synthesize: app });
    const before = output();

    // Act
    change();
    const again = await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect([again, runs]).toEqual(["synthesized", 2]);
    expect(output()).not.toBe(before);
  });

  it("does not replay into another output folder", async () => {
    // Prepare
    await synthesizeOrReplay({ synthesize: app });

    // Act
    outdir = join(cache, "other-out");
    process.env.CDKTF_OUTDIR = outdir;
    const elsewhere = await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect([elsewhere, runs]).toEqual(["synthesized", 2]);
  });

  it("prepares only when it synthesizes, outside the recording (preparing may hand the whole environment to a child)", async () => {
    // Prepare
    let prepared = 0;
    const prepare = async () => {
      prepared++;
      Object.keys(process.env);
    };

    // Act
    const first = await synthesizeOrReplay({ prepare, synthesize: app });
    const second = await synthesizeOrReplay({ prepare, synthesize: app });

    // Assess
    expect([first, second, prepared, runs]).toEqual(["synthesized", "replayed", 1, 1]);
  });

  it("always runs the app with SYNTH_CACHE=off", async () => {
    // Act
    process.env.SYNTH_CACHE = "off";
    await synthesizeOrReplay({ synthesize: app });
    const again = await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect([again, runs]).toEqual(["synthesized", 2]);
  });

  it("records nothing for a run that enumerates the whole environment (it may depend on any variable)", async () => {
    // Act
    await synthesizeOrReplay({
      synthesize: async () => {
        await app();
        Object.keys(process.env);
      },
    });
    const again = await synthesizeOrReplay({ synthesize: app });

    // Assess
    expect([again, runs]).toEqual(["synthesized", 2]);
  });

  it("records nothing and rethrows when the app fails, and restores fs and the environment", async () => {
    // Prepare
    const env = process.env;
    const readFile = readFileSync;

    // Act / Assess
    await expect(synthesizeOrReplay({ synthesize: () => Promise.reject(new Error("invalid config: aws.region")) })).rejects.toThrow("invalid config: aws.region");
    expect(process.env).toBe(env);
    expect(jest.requireActual<typeof import("node:fs")>("node:fs").readFileSync).toBe(readFile);
    expect(existsSync(join(cache, "synth"))).toBe(false);
  });
});
