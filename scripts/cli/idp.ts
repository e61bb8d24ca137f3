/**
 * Runs the attachment document core on local files, as the document-routing workflow does, with
 * local stand-ins for its AWS parts: text from the PDF text layer, else local OCR (Tesseract, see
 * scripts/local/ocr.ts) instead of Textract; classification with classifyDocumentText, the same
 * function attachment-classify runs, by the embedded model trained from corpus/document-types.csv.
 *
 *   npm run idp -- <file...> [--max-download-bytes N] [--max-bytes N] [--max-pages N] [--classification-pages N]
 *
 * One JSON line per path, in order:
 *   {"file","status","documentType","confidence","pagesAnalyzed","truncated"}
 * status is what the pipeline would make of the file: "classified", "encrypted", "unsupported",
 * "invalid", or "empty" (a file of 0 bytes, whatever its name); or why the path gave no file:
 * "missing", "directory", "unreadable" (then the exit code is 1). documentType and confidence are null
 * unless classified; `truncated` with `pagesAnalyzed` says that only the first pages were read. Why a
 * file was not classified (and when it was cut or converted) goes to stderr.
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { analyzeDocument, classifyDocumentText, DocumentLimits } from "../../functions/attachment-routing/core/documents";
import { softmaxClassifier, TextClassifier } from "../../functions/shared/classifier/model";
import { trainCorpusModel } from "../build/corpus-models";
import { LocalOcr, localOcr, ocrDocument } from "../local/ocr";

/** Why a path gave no file to analyse. */
export type PathProblem = "missing" | "directory" | "unreadable";

export interface IdpResult {
  readonly file: string;
  readonly status: "classified" | "encrypted" | "unsupported" | "invalid" | "empty" | PathProblem;
  readonly documentType: string | null;
  readonly confidence: number | null;
  readonly pagesAnalyzed: number;
  readonly truncated: boolean;
}

/** One file through the document core, local OCR when needed, and the embedded classifier. */
export async function processFile(file: string, limits: Partial<DocumentLimits>, classifier: TextClassifier, ocr: LocalOcr): Promise<IdpResult> {
  // In the documented order of the line's fields.
  const notRead = (status: IdpResult["status"], pagesAnalyzed = 0, truncated = false): IdpResult => ({ file, status, documentType: null, confidence: null, pagesAnalyzed, truncated });
  const bytes = await readPath(file);
  if (typeof bytes === "string") return notRead(bytes);
  if (bytes.length === 0) {
    console.error(`idp: ${file}: empty: the file has no content`);
    return notRead("empty");
  }
  const analysis = await analyzeDocument(bytes, file, limits);
  const { pagesAnalyzed, truncated } = analysis;
  if (analysis.status !== "readable") {
    console.error(`idp: ${file}: ${analysis.status}: ${analysis.reason}`);
    return notRead(analysis.status, pagesAnalyzed, truncated);
  }
  if (truncated) console.error(`idp: ${file}: read the first ${pagesAnalyzed} of ${analysis.pagesTotal} pages (${analysis.bytes} bytes)`);
  if (analysis.reason !== undefined) console.error(`idp: ${file}: ${analysis.reason}`);
  const text = analysis.text ?? (await ocrDocument(analysis, ocr));
  const { documentType, confidence } = await classifyDocumentText(text, classifier);
  if (documentType === null) console.error(`idp: ${file}: no text found${analysis.needsOcr ? " by OCR" : ""}`);
  return { file, status: "classified", documentType, confidence: documentType === null ? null : confidence, pagesAnalyzed, truncated };
}

/** The file's bytes, or why the path has none. */
async function readPath(file: string): Promise<Uint8Array | PathProblem> {
  try {
    if ((await stat(file)).isDirectory()) {
      console.error(`idp: ${file}: directory: give the files in it, not the folder`);
      return "directory";
    }
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem: PathProblem = code === "ENOENT" || code === "ENOTDIR" ? "missing" : code === "EISDIR" ? "directory" : "unreadable";
    console.error(`idp: ${file}: ${problem}: ${error instanceof Error ? error.message : String(error)}`);
    return problem;
  }
}

const PATH_PROBLEMS: ReadonlySet<string> = new Set<PathProblem>(["missing", "directory", "unreadable"]);

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
      "max-download-bytes": { type: "string" },
      "max-bytes": { type: "string" },
      "max-pages": { type: "string" },
      "classification-pages": { type: "string" },
    },
  });
  if (positionals.length === 0) {
    console.error("usage: npm run idp -- <file...> [--max-download-bytes N] [--max-bytes N] [--max-pages N] [--classification-pages N]");
    process.exitCode = 2;
    return;
  }
  const limits: Partial<DocumentLimits> = {
    maxDownloadBytes: positiveInteger("max-download-bytes", values["max-download-bytes"]),
    maxBytes: positiveInteger("max-bytes", values["max-bytes"]),
    maxPages: positiveInteger("max-pages", values["max-pages"]),
    classificationPages: positiveInteger("classification-pages", values["classification-pages"]),
  };
  const classifier = softmaxClassifier(trainCorpusModel("document-types"));
  const ocr = localOcr();
  try {
    for (const file of positionals) {
      const result = await processFile(file, limits, classifier, ocr);
      console.log(JSON.stringify(result));
      if (PATH_PROBLEMS.has(result.status)) process.exitCode = 1;
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
