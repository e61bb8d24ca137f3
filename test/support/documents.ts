/** The sample documents (scripts/fixtures/sample-documents.ts) plus what Jest alone needs to read them. */
import { join } from "node:path";
import { ESM_ONLY_MODULES, ESM_SHIM_DIR } from "./global-setup";

export * from "../../scripts/fixtures/sample-documents";

/**
 * Jest cannot load pdf.js' ES-module worker, which the document core imports on first use; the
 * global setup bundled it to CommonJS, and loading that registers `globalThis.pdfjsWorker` for pdf-parse.
 */
export async function loadPdfjsWorkerForJest(): Promise<void> {
  await import(join(ESM_SHIM_DIR, ESM_ONLY_MODULES["pdfjs-dist/legacy/build/pdf.worker.mjs"]));
}
