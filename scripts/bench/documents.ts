/** documents: the attachment document pipeline on this machine, per kind of file (OCR by local Tesseract; in AWS, Textract). */
import { rmSync, statSync } from "node:fs";
import { softmaxClassifier } from "../../functions/shared/classifier/model";
import { processFile } from "../cli/idp";
import { generateSampleDocuments } from "../fixtures/sample-documents";
import { localOcr } from "../local/ocr";
import { trainCorpusModel } from "../build/corpus-models";
import { median, Reporter } from "./support";

export const description = "attachment documents: local processing time per kind of file";

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
  } finally {
    process.stderr.write = writeError;
    await ocr.close();
    rmSync(samples.dir, { recursive: true, force: true });
  }
}
