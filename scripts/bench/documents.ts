/**
 * documents: the attachment document pipeline on this machine, per kind of file (OCR by local
 * Tesseract; in AWS, Textract), and the attachment-load function's peak memory for an oversize scan.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
 * Peak resident memory (the figure Lambda reports as "Max Memory Used") of a fresh Node process that
 * runs the attachment-load handler, as the Lambda does, on one email carrying the file: download (from
 * memory here), store (discarded here), inspect, cut to the first pages. The small text PDF gives the
 * baseline of the code alone; both run under tsx, which adds its own compiler to both.
 */
async function peakMemory(report: Reporter, small: string, scanPath: string): Promise<void> {
  report.heading("attachment-load peak memory (fresh process; maxRSS; the function has 1024 MB)");
  writeFileSync(scanPath, await largeScannedPdf());
  for (const [kind, file] of [["text-pdf-1p", small], ["scan-18mb-14p", scanPath]] as const) {
    const child = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "bench", "documents.ts"), "--peak-rss", file], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
    });
    if (child.status !== 0) throw new Error(`peak memory of ${kind}: ${child.stderr}`);
    const measured = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { maxRssMiB: number; ms: number; document: { pagesTotal: number; pagesAnalyzed: number; truncated: boolean } };
    const { pagesTotal, pagesAnalyzed, truncated } = measured.document;
    report.figure(`load_peak_rss_mib:${kind}`, measured.maxRssMiB, "MiB", `${kind} (${(statSync(file).size / MIB).toFixed(1)} MiB, ${pagesAnalyzed} of ${pagesTotal} pages${truncated ? ", truncated" : ""})`);
    report.figure(`load_ms:${kind}`, measured.ms, "ms", `${kind}: load step, cold`);
  }
}

/** The child of peakMemory: the load handler on one email with `file` attached, then its maxRSS. */
async function measureLoad(file: string): Promise<void> {
  const { makeHandler } = await import("../../functions/attachment-routing/load/handler");
  const bytes = new Uint8Array(readFileSync(file));
  const attachment = { attachmentId: "a-1", name: file.split("/").pop()!, contentType: "application/pdf", contentLength: bytes.length, contentUri: "https://api.mypurecloud.com/api/v2/downloads/1" };
  const genesys = {
    getEmailConversation: async () => ({
      id: "c-1",
      participants: [
        { id: "p-customer", purpose: "customer", state: "connected", attributes: { intent: "Billing" } },
        { id: "p-acd", purpose: "acd", state: "connected", queue: { id: "q-triage" } },
      ],
    }),
    listEmailMessages: async () => [{ id: "m-1", attachments: [attachment] }],
    getEmailMessage: async () => ({ id: "m-1", attachments: [attachment] }),
    downloadAttachment: async () => ({ bytes }),
  };
  const store = { bucket: "documents", put: async () => undefined, getText: async () => "" };
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const metrics = { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined };
  const handler = makeHandler({ genesys: genesys as never, store, limits: { maxBytes: 10 * MIB, classificationPages: 5 }, logger: quiet as never, metrics: metrics as never });
  const started = performance.now();
  const email = await handler({ conversationId: "c-1", triageQueueId: "q-triage" });
  const ms = performance.now() - started;
  const maxRssMiB = (process.resourceUsage().maxRSS * 1024) / MIB;
  console.log(JSON.stringify({ maxRssMiB, ms, document: email.documents[0] }));
}

if (require.main === module && process.argv[2] === "--peak-rss") {
  measureLoad(process.argv[3]!).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
