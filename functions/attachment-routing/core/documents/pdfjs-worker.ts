/**
 * pdf.js does its parsing in a "worker". On Node it runs a fake worker on the main thread, taking
 * the worker's `WorkerMessageHandler` from `globalThis.pdfjsWorker` (pdf.js' documented hook) or
 * else `import()`ing a worker file by URL at run time. That URL works neither in a Lambda bundle
 * (esbuild does not ship the file) nor under Jest (which cannot load ES modules). So the worker
 * module is loaded here by a static specifier: esbuild inlines it into the bundle, Node/tsx load it
 * natively, and loading it sets `globalThis.pdfjsWorker`. Jest preloads a CommonJS build of the same
 * file (test/support/documents.ts), bundled to CommonJS by test/support/global-setup.ts.
 *
 * The worker must be the pdf.js version pdf-parse was built against: package.json pins pdfjs-dist to
 * the exact version pdf-parse depends on, and pdf.js itself refuses a mismatched worker at load time.
 */
interface PdfjsWorkerGlobal {
  pdfjsWorker?: { WorkerMessageHandler?: unknown };
}

const registered = () => Boolean((globalThis as PdfjsWorkerGlobal).pdfjsWorker?.WorkerMessageHandler);

let loading: Promise<void> | undefined;

export function ensurePdfjsWorker(): Promise<void> {
  if (registered()) return Promise.resolve();
  loading ??= import("pdfjs-dist/legacy/build/pdf.worker.mjs").then(
    () => {
      if (!registered()) throw new Error("pdfjs-dist's worker module did not register globalThis.pdfjsWorker");
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
