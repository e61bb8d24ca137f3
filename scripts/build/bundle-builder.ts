/**
 * The cold path of the build cache: bundles functions with esbuild's async API (all at once, in
 * parallel), trains their models, zips each bundle reproducibly and stores it under its key.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build, BuildOptions, Metafile } from "esbuild";
import { isProjectSource, productKey, publishDir, ROOT, sha256, temporaryDir, writeManifest } from "./build-cache";
import { ARTIFACT_SOURCES, artifactKeys } from "./bundle-artifacts";
import { ChunkRegistry, lazyBuiltinsPlugin, lazyLoadingPlugin } from "./lazy-loading";
import { BUNDLE_KIND, BundleProduct, entryPointOf, productDir } from "./lambda-bundle";
import { deterministicZip } from "./zip";
import { corpusModelFile } from "./corpus-models";

/**
 * Every bundle's esbuild options. CommonJS (Jest and the local runners `require` bundles; lazy
 * chunks come from lazy-loading.ts), minified, source maps without sources, Node 22.
 */
const OPTIONS: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: "none",
  logLevel: "error",
  absWorkingDir: ROOT,
  // Some dependencies (Powertools, email parsers) read import.meta.url, which CommonJS output lacks.
  banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "__importMetaUrl" },
  // import() of a chunk becomes a require() when it runs: Jest's CommonJS runtime has no import().
  supported: { "dynamic-import": false },
  metafile: true,
  write: false,
};

/** Builds `names` in parallel (their models first: training is synchronous) and stores them in the cache. */
export async function buildBundles(names: readonly string[]): Promise<void> {
  for (const name of names) for (const source of ARTIFACT_SOURCES[name] ?? []) corpusModelFile(source.corpus);
  await Promise.all(names.map(buildBundle));
}

/**
 * Bundles `entry` into `files` as index.js plus the lazy chunks it refers to (each bundled on its
 * own, in parallel), and returns the esbuild metafile of each file. Outputs are placed (not written)
 * at `placed`, so source maps name the sources by the same relative paths wherever `files` is.
 */
export async function bundleEntry(entry: string, files: string, placed: string): Promise<Record<string, Metafile>> {
  const registry = new ChunkRegistry();
  const metafiles: Record<string, Metafile> = {};
  const bundle = async (source: string, file: string): Promise<void> => {
    const result = await build({ ...OPTIONS, entryPoints: [source], outfile: join(placed, file), plugins: [lazyLoadingPlugin(registry, source), lazyBuiltinsPlugin()] });
    for (const output of result.outputFiles ?? []) writeFileSync(join(files, basename(output.path)), output.contents);
    metafiles[file] = result.metafile!;
    const output = Object.values(result.metafile!.outputs).find((o) => o.entryPoint !== undefined)!;
    await Promise.all(registry.takeReferenced(output).map((chunk) => bundle(chunk.source, chunk.file)));
  };
  await bundle(entry, "index.js");
  return Object.fromEntries(Object.entries(metafiles).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function buildBundle(name: string): Promise<void> {
  const entry = entryPointOf(name);
  const work = temporaryDir(BUNDLE_KIND);
  const files = join(work, "files");
  mkdirSync(files);
  try {
    const metafiles = await bundleEntry(entry, files, join(ROOT, "dist", "functions", name));
    for (const source of ARTIFACT_SOURCES[name] ?? []) copyFileSync(corpusModelFile(source.corpus), join(files, source.file));

    const inputs = [...new Set(Object.values(metafiles).flatMap((m) => Object.keys(m.inputs)))].filter(isProjectSource).sort();
    const artifacts = artifactKeys(name);
    const key = artifacts && productKey(BUNDLE_KIND, name, null, inputs, artifacts);
    if (!key) throw new Error(`functions/${name}: an input changed or disappeared during the build; build again`);

    const archive = deterministicZip(files);
    writeFileSync(join(work, "archive.zip"), archive);
    writeFileSync(join(work, "metafile.json"), JSON.stringify(metafiles));
    const product: BundleProduct = { archiveHash: sha256(archive).slice(0, 32).toUpperCase(), files: readdirSync(files).sort() };
    writeFileSync(join(work, "product.json"), JSON.stringify(product));
    publishDir(work, productDir(key));
    writeManifest(BUNDLE_KIND, name, { inputs, key }, (old) => rmSync(productDir(old), { recursive: true, force: true }));
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
