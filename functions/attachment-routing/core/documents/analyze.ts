import { countTiffPages, describeUnsupported, detectFileType, SupportedType, typeFromFileName } from "./file-type";
import { DocumentLimits, resolveDocumentLimits } from "./limits";
import { inspectPdf, pdfPageCount, truncatePdf } from "./pdf";

interface AnalysisCommon {
  readonly fileName: string;
  /** Size of the original file. */
  readonly bytes: number;
  /** The type the bytes say (magic number), when it is one Textract reads. */
  readonly type: SupportedType | null;
  /** Pages (or TIFF images) in the original; null when they could not be counted. */
  readonly pagesTotal: number | null;
  /** Pages whose text layer was read and that `classificationBytes` holds. */
  readonly pagesAnalyzed: number;
  /** True when `classificationBytes` is a copy cut down to the first `pagesAnalyzed` pages. */
  readonly truncated: boolean;
  /** True when the text must come from OCR: an image, or a PDF without a usable text layer. */
  readonly needsOcr: boolean;
  readonly reason?: string;
}

/** Can be classified: from `text` when present, else after OCR of `classificationBytes`. */
export interface ReadableDocument extends AnalysisCommon {
  readonly status: "readable";
  readonly type: SupportedType;
  readonly pagesTotal: number;
  /** Text layer of the analysed PDF pages; absent when OCR is needed. */
  readonly text?: string;
  /** What to OCR/classify: the original bytes, or the truncated copy when `truncated`. */
  readonly classificationBytes: Uint8Array;
}

/** A PDF that needs a user password: ask the sender for a copy without one. */
export interface EncryptedDocument extends AnalysisCommon {
  readonly status: "encrypted";
  readonly type: "pdf";
  readonly reason: string;
}

/** Not a type Textract reads, or over a limit: manual review. */
export interface UnsupportedDocument extends AnalysisCommon {
  readonly status: "unsupported";
  readonly reason: string;
}

/** Corrupt, or its name claims a type its bytes are not: manual review. */
export interface InvalidDocument extends AnalysisCommon {
  readonly status: "invalid";
  readonly reason: string;
}

export type DocumentAnalysis = ReadableDocument | EncryptedDocument | UnsupportedDocument | InvalidDocument;

const TYPE_NAMES: Readonly<Record<SupportedType, string>> = { pdf: "PDF", png: "PNG", jpeg: "JPEG", tiff: "TIFF" };

const nonBlankLength = (text: string) => text.replace(/\s+/g, "").length;

/**
 * Decides whether an attachment can be classified and prepares what the classifier or OCR reads,
 * without OCR or any AWS call. Never throws for bad input: every problem is a status with a reason.
 * `bytes` are never modified; `classificationBytes` is either `bytes` itself or a truncated copy.
 */
export async function analyzeDocument(
  bytes: Uint8Array,
  fileName: string,
  limits: Partial<DocumentLimits> = {},
): Promise<DocumentAnalysis> {
  const { maxBytes, maxPages, classificationPages, minTextChars } = resolveDocumentLimits(limits);
  const detected = detectFileType(bytes);
  const common = { fileName, bytes: bytes.length, type: detected ?? null, pagesTotal: null, pagesAnalyzed: 0, truncated: false, needsOcr: false };

  if (bytes.length > maxBytes) {
    return { ...common, status: "unsupported", reason: `the file is ${bytes.length} bytes; the limit is ${maxBytes}` };
  }
  const claimed = typeFromFileName(fileName);
  if (claimed !== undefined && claimed !== detected) {
    const actual = detected ? `a ${TYPE_NAMES[detected]} file` : "not a PDF, PNG, JPEG or TIFF file";
    return { ...common, status: "invalid", reason: `named as a ${TYPE_NAMES[claimed]} file but its content is ${actual}` };
  }
  if (detected === undefined) {
    return { ...common, status: "unsupported", reason: `${describeUnsupported(bytes)}; only PDF, PNG, JPEG and TIFF are supported` };
  }
  if (detected !== "pdf") return analyzeImage(bytes, detected, maxPages, common);

  const pdf = await inspectPdf(bytes, classificationPages);
  if (pdf.kind === "invalid") return { ...common, status: "invalid", reason: pdf.reason };
  if (pdf.kind === "encrypted") return { ...common, type: "pdf", status: "encrypted", pagesTotal: pdf.pagesTotal, reason: pdf.reason };
  if (pdf.pagesTotal > maxPages) {
    return { ...common, status: "unsupported", pagesTotal: pdf.pagesTotal, reason: `the PDF has ${pdf.pagesTotal} pages; the limit is ${maxPages}` };
  }

  const text = nonBlankLength(pdf.text) >= minTextChars ? pdf.text : undefined;
  const readable = { ...common, status: "readable" as const, type: "pdf" as const, pagesTotal: pdf.pagesTotal, needsOcr: text === undefined, ...(text !== undefined && { text }) };
  if (pdf.pagesTotal <= classificationPages) {
    return { ...readable, pagesAnalyzed: pdf.pagesTotal, classificationBytes: bytes };
  }
  try {
    const truncated = await truncatePdf(bytes, classificationPages);
    const pages = await pdfPageCount(truncated);
    if (pages !== classificationPages) throw new Error(typeof pages === "string" ? pages : `the copy has ${pages} pages`);
    return { ...readable, pagesAnalyzed: classificationPages, truncated: true, classificationBytes: truncated };
  } catch (error) {
    // Still classifiable from the text layer, or by OCR of the whole (page-limited) original.
    const cause = error instanceof Error ? error.message : String(error);
    return {
      ...readable,
      pagesAnalyzed: classificationPages,
      classificationBytes: bytes,
      reason: `could not truncate to ${classificationPages} pages (${cause}); classificationBytes is the original`,
    };
  }
}

function analyzeImage(
  bytes: Uint8Array,
  type: Exclude<SupportedType, "pdf">,
  maxPages: number,
  common: Omit<AnalysisCommon, "reason">,
): DocumentAnalysis {
  let pages = 1;
  if (type === "png" && !(bytes.length >= 24 && String.fromCharCode(...bytes.subarray(12, 16)) === "IHDR")) {
    return { ...common, status: "invalid", reason: "corrupt PNG: no IHDR chunk after the signature" };
  }
  if (type === "tiff") {
    const count = countTiffPages(bytes);
    if (count === undefined) return { ...common, status: "invalid", reason: "corrupt TIFF: its image directory chain is broken" };
    if (count > maxPages) return { ...common, status: "unsupported", pagesTotal: count, reason: `the TIFF has ${count} pages; the limit is ${maxPages}` };
    pages = count;
  }
  return { ...common, status: "readable", type, pagesTotal: pages, pagesAnalyzed: pages, needsOcr: true, classificationBytes: bytes };
}
