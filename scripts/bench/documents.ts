/**
 * documents: the attachment document pipeline on this machine, per kind of file (OCR by local
 * Tesseract; in AWS, Textract), and the attachment-load function's peak memory for an oversize scan.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleEntry } from "../build/bundle-builder";
import { softmaxClassifier } from "../../functions/shared/classifier/model";
import { processFile } from "../cli/idp";
import { generateSampleDocuments, largeScannedPdf } from "../fixtures/sample-documents";
import { localOcr } from "../local/ocr";
import { trainCorpusModel } from "../build/corpus-models";
import { median, Reporter, ROOT } from "./support";

export const description = "attachment documents: local processing time per kind of file, and the load step's peak memory for an 18 MB scan";

const MIB = 1024 * 1024;

export async function run(report: Reporter, runs = 3): Promise<void> {
  report.heading(`attachment documents, local pipeline per file (median of ${runs}; OCR by local Tesseract, in AWS Textract)`);
  const writeError = process.stderr.write;
  process.stderr.write = () => true; // the runner explains unclassified files on stderr
  const samples = await generateSampleDocuments();
  const classifier = softmaxClassifier(trainCorpusModel("document-types"));
  const ocr = localOcr();
  try {
    for (const [kind, file] of Object.entries(samples)) {
      if (kind === "dir") continue;
      const times: number[] = [];
      let result: Awaited<ReturnType<typeof processFile>> | undefined;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        result = await processFile(file, {}, classifier, ocr);
        times.push(performance.now() - started);
      }
      const outcome = result!.status === "classified" ? `${result!.documentType} ${result!.confidence}` : result!.status;
      report.figure(`document_ms:${kind}`, median(times), "ms", `${kind} (${statSync(file).size} bytes) -> ${outcome}`);
    }
    await peakMemory(report, samples.textPdf, join(samples.dir, "claim-form-scan-18mb.pdf"));
  } finally {
    process.stderr.write = writeError;
    await ocr.close();
    rmSync(samples.dir, { recursive: true, force: true });
  }
}

/**
 * The measuring program: the attachment-load handler (bundled below as the Lambda is) on one email
 * carrying the file named by argv[2], downloaded from memory and stored nowhere, then the process's
 * peak resident memory. Linux's VmHWM starts afresh at exec; getrusage's maxRSS is carried over from
 * the parent across fork and exec on Linux, so a child of this large bench process would report ours.
 */
const MEASURE_LOAD = (handlerModule: string) => `
import { readFileSync } from "node:fs";
import { makeHandler } from ${JSON.stringify(handlerModule)};

async function main(): Promise<void> {
  const bytes = new Uint8Array(readFileSync(process.argv[2]!));
  const attachment = { attachmentId: "a-1", name: "attachment.pdf", contentType: "application/pdf", contentLength: bytes.length, contentUri: "https://api.mypurecloud.com/api/v2/downloads/1" };
  const participants = [
    { id: "p-customer", purpose: "customer", state: "connected", attributes: {} },
    { id: "p-acd", purpose: "acd", state: "connected", queue: { id: "q-triage" } },
  ];
  const genesys = {
    getEmailConversation: async () => ({ id: "c-1", participants }),
    listEmailMessages: async () => [{ id: "m-1", attachments: [attachment] }],
    getEmailMessage: async () => ({ id: "m-1", attachments: [attachment] }),
    downloadAttachment: async () => ({ bytes }),
  };
  const store = { bucket: "documents", put: async () => undefined, getText: async () => "" };
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const metrics = { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined };
  const handler = makeHandler({ genesys: genesys as never, store, limits: { maxBytes: ${10 * MIB}, classificationPages: 5 }, logger: logger as never, metrics: metrics as never });
  const started = performance.now();
  const email = await handler({ conversationId: "c-1", triageQueueId: "q-triage" });
  const ms = performance.now() - started;
  const hwm = /^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  const peakKiB = hwm === undefined ? process.resourceUsage().maxRSS : Number(hwm);
  console.log(JSON.stringify({ peakMiB: peakKiB / 1024, ms, document: email.documents[0] }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * Peak resident memory (what Lambda reports as "Max Memory Used") of a fresh Node process running the
 * attachment-load handler, bundled by esbuild with the Lambda bundles' options, on an email carrying
 * the 18 MB, 14-page scan; a one-page text PDF gives the baseline of the code itself.
 */
async function peakMemory(report: Reporter, small: string, scanPath: string): Promise<void> {
  report.heading("attachment-load peak memory (bundled as deployed, fresh process, peak RSS; the function has 1024 MB)");
  writeFileSync(scanPath, await largeScannedPdf());
  const dir = mkdtempSync(join(tmpdir(), "bench-load-memory-"));
  try {
    const entry = join(dir, "measure-load.ts");
    writeFileSync(entry, MEASURE_LOAD(join(ROOT, "functions", "attachment-routing", "load", "handler")));
    const out = join(dir, "out");
    mkdirSync(out);
    await bundleEntry(entry, out, out);
    for (const [kind, file] of [["text-pdf-1p", small], ["scan-18mb-14p", scanPath]] as const) {
      const child = spawnSync(process.execPath, [join(out, "index.js"), file], { encoding: "utf8" });
      if (child.status !== 0) throw new Error(`peak memory of ${kind}: ${child.stderr}`);
      const measured = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { peakMiB: number; ms: number; document: { pagesTotal: number; pagesAnalyzed: number; truncated: boolean } };
      const { pagesTotal, pagesAnalyzed, truncated } = measured.document;
      const described = `${(statSync(file).size / MIB).toFixed(1)} MiB, ${pagesAnalyzed} of ${pagesTotal} pages${truncated ? ", truncated" : ""}`;
      report.figure(`load_peak_rss_mib:${kind}`, Math.round(measured.peakMiB * 10) / 10, "MiB", `${kind} (${described}): peak RSS`);
      report.figure(`load_ms:${kind}`, measured.ms, "ms", `${kind}: the load step, first call`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
