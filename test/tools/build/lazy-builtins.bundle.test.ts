import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { lazyBuiltinsPlugin } from "../../../scripts/build/lazy-loading";

const LISTED = [{ importer: "sampling-pkg", module: "node:crypto", functions: ["randomInt"] }];

/** A package that imports from node:crypto at load (listed), one that does too (not listed), and entries using them. */
function fixture(dir: string, imported: string): { lazyOnly: string; both: string } {
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
    return join(dir, path);
  };
  write("node_modules/sampling-pkg/index.js", `import { ${imported} } from "node:crypto";\nexport const sample = () => randomInt(0, 100);\n`);
  write("node_modules/other-pkg/index.js", `import { createHash } from "crypto";\nexport const digest = (text) => createHash("sha256").update(text).digest("hex");\n`);
  return {
    lazyOnly: write("lazy-only.js", `export { sample } from "sampling-pkg";\n`),
    both: write("both.js", `export { sample } from "sampling-pkg";\nexport { digest } from "other-pkg";\n`),
  };
}

async function bundle(entry: string): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", write: false, logLevel: "silent", plugins: [lazyBuiltinsPlugin(LISTED)] });
  return result.outputFiles[0]!.text;
}

/** Runs the bundle in a fresh Node: whether crypto is loaded after the require and after a first call. */
function loadAndCall(dir: string, code: string): unknown {
  writeFileSync(join(dir, "bundle.js"), code);
  writeFileSync(
    join(dir, "run.js"),
    `const loaded = () => process.moduleLoadList.includes("NativeModule crypto");
const m = require("./bundle.js");
const atLoad = loaded();
const sample = m.sample();
process.stdout.write(JSON.stringify({ atLoad, sample, afterCall: loaded() }));`,
  );
  const run = spawnSync(process.execPath, [join(dir, "run.js")], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe("built-ins loaded on first call (LAZY_BUILTINS; Powertools' Logger in a real bundle: lambda-bundles.bundle.test.ts)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lazy-builtins-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the built-in on the listed package's first call, and leaves other packages' imports of it as they are", async () => {
    // Prepare
    const entries = fixture(dir, "randomInt");

    // Act
    const result = loadAndCall(dir, await bundle(entries.lazyOnly)) as { atLoad: boolean; sample: number; afterCall: boolean };
    const both = await bundle(entries.both);

    // Assess
    expect(result).toEqual({ atLoad: false, sample: expect.any(Number), afterCall: true });
    expect(result.sample).toBeGreaterThanOrEqual(0);
    expect(result.sample).toBeLessThan(100);
    expect(both).toMatch(/var import_crypto = require\("crypto"\);/);
    expect(both).toMatch(/function randomInt\(\.\.\.args\) \{\s*return require\("node:crypto"\)\.randomInt\(\.\.\.args\);/);
    expect(both.match(/require\("(node:)?crypto"\)/g)).toHaveLength(2);
  });

  it("fails the build, naming the import, when the package imports more of the built-in than is listed", async () => {
    await expect(bundle(fixture(dir, "randomInt, randomUUID").lazyOnly)).rejects.toThrow(/No matching export in "lazy-builtin:node:crypto" for import "randomUUID"/);
  });
});
