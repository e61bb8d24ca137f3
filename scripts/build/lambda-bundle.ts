import { buildSync } from "esbuild";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { BUNDLE_ARTIFACTS } from "./bundle-artifacts";

const ROOT = join(__dirname, "..", "..");
export const FUNCTIONS_DIR = join(ROOT, "functions");
export const FUNCTIONS_DIST_DIR = join(ROOT, "dist", "functions");

/** Writes through a temporary file and a rename, so a concurrent reader (another test worker) never sees half a file. */
function writeAtomically(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** Every `index.ts` under `functions/` is a Lambda entry point, named by its folder: `identity-graph/resolver`. */
export function listFunctionNames(): string[] {
  return readdirSync(FUNCTIONS_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(`${sep}index.ts`))
    .map((file) => relative(FUNCTIONS_DIR, join(FUNCTIONS_DIR, dirname(file))).split(sep).join("/"))
    .sort();
}

const bundled = new Map<string, string>();

/**
 * Bundles `functions/<name>/index.ts` into `dist/functions/<name>/index.js` (CommonJS, minified,
 * source map, node22, AWS SDK v3 included) and returns the directory. Each process bundles a
 * function once, so every synth packages the current source.
 */
export function bundleFunction(name: string): string {
  const cached = bundled.get(name);
  if (cached) return cached;
  const entry = join(FUNCTIONS_DIR, name, "index.ts");
  if (!existsSync(entry)) throw new Error(`no Lambda entry point at functions/${name}/index.ts`);
  const outDir = join(FUNCTIONS_DIST_DIR, name);
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: [entry],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: "none",
    logLevel: "error",
    // Some dependencies (Powertools) read import.meta.url, which CommonJS output lacks.
    banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
    define: { "import.meta.url": "__importMetaUrl" },
    metafile: true,
    write: false,
  });
  const files = new Map<string, string | Uint8Array>(result.outputFiles.map((f) => [f.path, f.contents]));
  for (const [file, contents] of Object.entries(BUNDLE_ARTIFACTS[name]?.() ?? {})) files.set(join(outDir, file), contents);
  for (const [path, contents] of files) writeAtomically(path, contents);
  // Files left by an older build would otherwise ship in the asset.
  for (const file of readdirSync(outDir)) {
    if (!files.has(join(outDir, file)) && !file.endsWith(".tmp")) rmSync(join(outDir, file), { force: true });
  }
  writeAtomically(join(FUNCTIONS_DIST_DIR, `${name}.meta.json`), JSON.stringify(result.metafile));
  bundled.set(name, outDir);
  return outDir;
}
