/**
 * Runs the attachment document core on local files, as the document-routing workflow does, with
 * local stand-ins for its AWS parts: text from the PDF text layer, else local OCR (Tesseract, see
 * scripts/local/ocr.ts) instead of Textract; classification with classifyDocumentText, the same
 * function attachment-classify runs, by the embedded model trained from corpus/document-types.csv.
 *
 *   npm run idp -- <file...> [--max-bytes N] [--max-pages N] [--classification-pages N]
 *
 * One JSON line per file, in order:
 *   {"file","status":"classified"|"encrypted"|"unsupported"|"invalid","documentType","confidence","pagesAnalyzed","truncated"}
 * documentType and confidence are null unless classified; why a file was not classified goes to
 * stderr. A file that cannot be read gives {"file","error"} and exit code 1.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { analyzeDocument, classifyDocumentText, DocumentLimits } from "../../functions/attachment-routing/core/documents";
import { softmaxClassifier, TextClassifier } from "../../functions/shared/classifier/model";
import { trainCorpusModel } from "../build/corpus-models";
import { LocalOcr, localOcr, ocrDocument } from "../local/ocr";

export interface IdpResult {
  readonly file: string;
  readonly status: "classified" | "encrypted" | "unsupported" | "invalid";
  readonly documentType: string | null;
  readonly confidence: number | null;
  readonly pagesAnalyzed: number;
  readonly truncated: boolean;
}

/** One file through the document core, local OCR when needed, and the embedded classifier. */
export async function processFile(file: string, limits: Partial<DocumentLimits>, classifier: TextClassifier, ocr: LocalOcr): Promise<IdpResult> {
  const analysis = await analyzeDocument(await readFile(file), file, limits);
  const { pagesAnalyzed, truncated } = analysis;
  if (analysis.status !== "readable") {
    console.error(`idp: ${file}: ${analysis.status}: ${analysis.reason}`);
    return { file, status: analysis.status, documentType: null, confidence: null, pagesAnalyzed, truncated };
  }
  const text = analysis.text ?? (await ocrDocument(analysis, ocr));
  const { documentType, confidence } = await classifyDocumentText(text, classifier);
  if (documentType === null) console.error(`idp: ${file}: no text found${analysis.needsOcr ? " by OCR" : ""}`);
  return { file, status: "classified", documentType, confidence: documentType === null ? null : confidence, pagesAnalyzed, truncated };
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "max-bytes": { type: "string" },
      "max-pages": { type: "string" },
      "classification-pages": { type: "string" },
    },
  });
  if (positionals.length === 0) {
    console.error("usage: npm run idp -- <file...> [--max-bytes N] [--max-pages N] [--classification-pages N]");
    process.exitCode = 2;
    return;
  }
  const limits: Partial<DocumentLimits> = {
    maxBytes: positiveInteger("max-bytes", values["max-bytes"]),
    maxPages: positiveInteger("max-pages", values["max-pages"]),
    classificationPages: positiveInteger("classification-pages", values["classification-pages"]),
  };
  const classifier = softmaxClassifier(trainCorpusModel("document-types"));
  const ocr = localOcr();
  try {
    for (const file of positionals) {
      try {
        console.log(JSON.stringify(await processFile(file, limits, classifier, ocr)));
      } catch (error) {
        console.log(JSON.stringify({ file, error: error instanceof Error ? error.message : String(error) }));
        process.exitCode = 1;
      }
    }
  } finally {
    await ocr.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
