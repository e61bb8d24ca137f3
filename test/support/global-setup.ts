import { buildSync } from "esbuild";
import { join } from "node:path";

/** Where Jest finds the CommonJS builds of ESM-only dependencies. */
export const ESM_SHIM_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "jest-esm");

/**
 * ES-module-only dependencies (using `import.meta`) that Jest's CommonJS runtime cannot load, and the
 * CommonJS file each is bundled to once per run, the way the Lambda bundles include them: pdf.js'
 * worker, which the document core loads on first use (see loadPdfjsWorkerForJest).
 */
export const ESM_ONLY_MODULES = {
  "pdfjs-dist/legacy/build/pdf.worker.mjs": "pdfjs-worker.cjs",
} as const;

export default function globalSetup(): void {
  for (const [entry, file] of Object.entries(ESM_ONLY_MODULES)) {
    buildSync({
      entryPoints: [entry],
      outfile: join(ESM_SHIM_DIR, file),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      logLevel: "error",
      banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
      define: { "import.meta.url": "__importMetaUrl" },
    });
  }
}
