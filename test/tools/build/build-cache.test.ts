import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashFile, isProjectSource, productKey, readManifest, writeManifest } from "../../../scripts/build/build-cache";

describe("the build cache", () => {
  let dir: string;
  const saved = process.env.BUILD_CACHE_DIR;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "build-cache-"));
    process.env.BUILD_CACHE_DIR = join(dir, "cache");
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.BUILD_CACHE_DIR;
    else process.env.BUILD_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("keys a product by the content of its inputs: same content, same key; any change, a new key; a missing input, no key", () => {
    // Prepare
    const input = join(dir, "handler.ts");
    writeFileSync(input, "export const a = 1;");
    const key = productKey("bundle", "f", { minify: true }, [input]);

    // Act / Assess
    expect(productKey("bundle", "f", { minify: true }, [input])).toBe(key);
    writeFileSync(input, "export const a = 2;");
    expect(productKey("bundle", "f", { minify: true }, [input])).not.toBe(key);
    writeFileSync(input, "export const a = 1;");
    expect(productKey("bundle", "f", { minify: true }, [input])).toBe(key);
    expect(productKey("bundle", "f", { minify: false }, [input])).not.toBe(key);
    expect(productKey("bundle", "g", { minify: true }, [input])).not.toBe(key);
    rmSync(input);
    expect(productKey("bundle", "f", { minify: true }, [input])).toBeUndefined();
  });

  it("sees a rewrite of the same size within the same clock tick", () => {
    // Prepare
    const input = join(dir, "x.ts");
    writeFileSync(input, "aaaa");
    const first = hashFile(input);

    // Act
    writeFileSync(input, "bbbb");

    // Assess
    expect(hashFile(input)).not.toBe(first);
  });

  it("leaves files under node_modules to the lock file and generated inputs to their sources", () => {
    // Assess
    expect(isProjectSource("functions/email-routing/core/classify.ts")).toBe(true);
    expect(isProjectSource("node_modules/zod/index.js")).toBe(false);
    expect(isProjectSource("lazy-facade:/repo/functions/x.ts")).toBe(false);
  });

  it("keeps the last three versions of a product and removes older ones", () => {
    // Prepare
    const removed: string[] = [];

    // Act
    for (const key of ["k1", "k2", "k3", "k2", "k4"]) writeManifest("bundle", "f", { inputs: ["a.ts"], key }, (old) => removed.push(old));

    // Assess
    expect(readManifest("bundle", "f")).toEqual({ inputs: ["a.ts"], key: "k4", history: ["k4", "k2", "k3"] });
    expect(removed).toEqual(["k1"]);
  });
});
