/**
 * Lambda bundles, from the content-addressed build cache (build-cache.ts).
 *
 * - `prebuildFunctions()` (async): builds every bundle whose inputs changed, all at once, in
 *   parallel. main.ts awaits it before the synchronous constructs run.
 * - `functionBundle(name)` (sync): the cached bundle; on a miss (a test instantiating a stack on a
 *   cold cache) it runs the same parallel build in a child process and waits for it, because
 *   esbuild's plugins need its async API.
 *
 * The warm path only hashes source files: no esbuild, no TypeScript, no training.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Metafile } from "esbuild";
import { cacheDir, productKey, readManifest, ROOT } from "./build-cache";
import { artifactKeys } from "./bundle-artifacts";

export const FUNCTIONS_DIR = join(ROOT, "functions");
/** Where `npm run build` puts a copy of each bundle, for people to look at; synth reads the cache. */
export const FUNCTIONS_DIST_DIR = join(ROOT, "dist", "functions");

export const BUNDLE_KIND = "bundle";

/** Every `index.ts` under `functions/` is a Lambda entry point, named by its folder: `identity-graph/resolver`. */
export function listFunctionNames(): string[] {
  return readdirSync(FUNCTIONS_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(`${sep}index.ts`))
    .map((file) => relative(FUNCTIONS_DIR, join(FUNCTIONS_DIR, dirname(file))).split(sep).join("/"))
    .sort();
}

export function entryPointOf(name: string): string {
  const entry = join(FUNCTIONS_DIR, name, "index.ts");
  if (!existsSync(entry)) throw new Error(`no Lambda entry point at functions/${name}/index.ts`);
  return entry;
}

/** A built bundle in the cache. Everything in it is immutable: its path changes when its content does. */
export interface FunctionBundle {
  readonly name: string;
  readonly key: string;
  /** The folder Lambda runs: index.js, lazy chunks, source maps, artifacts such as model.json. */
  readonly dir: string;
  /** A reproducible zip of `dir` (same files, same bytes), named as Terraform assets name archives. */
  readonly archive: string;
  /** 32 upper-case hex digits of the archive's SHA-256: the asset hash and the function's source_code_hash. */
  readonly archiveHash: string;
}

/** What the builder stores beside the files (product.json). */
export interface BundleProduct {
  readonly archiveHash: string;
  readonly files: string[];
}

export const productDir = (key: string) => join(cacheDir(), "products", BUNDLE_KIND, key);

/** The cached bundle of a function if its sources, artifacts and build options are unchanged since it was built. */
export function cachedBundle(name: string): FunctionBundle | undefined {
  const manifest = readManifest(BUNDLE_KIND, name);
  if (!manifest) return undefined;
  const artifacts = artifactKeys(name);
  if (!artifacts) return undefined;
  const key = productKey(BUNDLE_KIND, name, null, manifest.inputs, artifacts);
  if (key === undefined) return undefined;
  const dir = productDir(key);
  let product: BundleProduct;
  try {
    product = JSON.parse(readFileSync(join(dir, "product.json"), "utf8")) as BundleProduct;
  } catch {
    return undefined;
  }
  return { name, key, dir: join(dir, "files"), archive: join(dir, "archive.zip"), archiveHash: product.archiveHash };
}

/**
 * Builds, in parallel, the bundles of `names` (default: every function) that are not in the cache.
 * Quiet on stdout, so `cdktf synth` prints the same with or without a build.
 */
export async function prebuildFunctions(names: readonly string[] = listFunctionNames()): Promise<FunctionBundle[]> {
  const missing = names.filter((name) => !cachedBundle(name));
  if (missing.length > 0) {
    const { buildBundles } = await import("./bundle-builder");
    await buildBundles(missing);
  }
  return names.map((name) => {
    const bundle = cachedBundle(name);
    if (!bundle) throw new Error(`functions/${name} was built but is not in the build cache at ${cacheDir()}`);
    return bundle;
  });
}

/** Runs prebuildFunctions in a child process and waits for it: the synchronous path of a cache miss. */
function buildInChildProcess(names: readonly string[]): void {
  const tsx = require.resolve("tsx/cli", { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsx, join(__dirname, "build-functions.ts"), "--quiet", ...names], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.status !== 0) {
    throw new Error(`building ${names.join(", ")} failed${result.error ? `: ${result.error.message}` : ""}\n${result.stderr ?? ""}`.trim());
  }
}

/**
 * The bundle of `functions/<name>/index.ts` (CommonJS, minified, source maps, node22, AWS SDK v3
 * included, lazy chunks), from the cache, built first if anything it depends on changed. A miss
 * builds every stale function at once, as the next caller is likely to need them too.
 */
export function functionBundle(name: string): FunctionBundle {
  entryPointOf(name);
  const cached = cachedBundle(name);
  if (cached) return cached;
  const stale = listFunctionNames().filter((n) => n !== name && !cachedBundle(n));
  buildInChildProcess([name, ...stale]);
  const built = cachedBundle(name);
  if (!built) throw new Error(`functions/${name} was built but is not in the build cache at ${cacheDir()}`);
  return built;
}

/** The folder of a function's bundle (see functionBundle). */
export function bundleFunction(name: string): string {
  return functionBundle(name).dir;
}

/** The esbuild metafile of each JavaScript file of a function's bundle: index.js and each lazy chunk. */
export function bundleMetafiles(name: string): Record<string, Metafile> {
  const bundle = functionBundle(name);
  return JSON.parse(readFileSync(join(dirname(bundle.dir), "metafile.json"), "utf8")) as Record<string, Metafile>;
}
