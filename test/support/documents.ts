/** The sample documents (scripts/sample-documents.ts) plus what Jest alone needs to read them. */
import { buildSync } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export * from "../../scripts/sample-documents";

const ROOT = join(__dirname, "..", "..");

/**
 * Jest cannot load pdf.js' ES-module worker, which the document core imports on first use; this
 * bundles that same file to CommonJS once per pdfjs-dist version (as global-setup.ts does for
 * email-reply-parser) and loads it, which registers `globalThis.pdfjsWorker` for pdf-parse.
 */
export async function loadPdfjsWorkerForJest(): Promise<void> {
  const { version } = JSON.parse(readFileSync(join(ROOT, "node_modules", "pdfjs-dist", "package.json"), "utf8")) as { version: string };
  const outfile = join(ROOT, "node_modules", ".cache", "jest-esm", `pdfjs-worker-${version}.cjs`);
  if (!existsSync(outfile)) {
    const result = buildSync({
      entryPoints: ["pdfjs-dist/legacy/build/pdf.worker.mjs"],
      absWorkingDir: ROOT,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      logLevel: "error",
      banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
      define: { "import.meta.url": "__importMetaUrl" },
      write: false,
    });
    mkdirSync(join(outfile, ".."), { recursive: true });
    // Through a rename, so a parallel test worker never loads half a file.
    const temporary = `${outfile}.${process.pid}.tmp`;
    writeFileSync(temporary, result.outputFiles[0]!.contents);
    renameSync(temporary, outfile);
  }
  await import(outfile);
}
