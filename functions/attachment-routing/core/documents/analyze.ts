import { countTiffPages, describeUnsupported, detectFileType, firstTiffPages, imageDimensions, SupportedType, typeFromFileName } from "./file-type";
import {
  DocumentLimits,
  resolveDocumentLimits,
  TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES,
  TEXTRACT_IMAGE_MAX_BYTES,
  TEXTRACT_IMAGE_MAX_PIXELS_PER_SIDE,
  TEXTRACT_PDF_MAX_PAGE_POINTS,
} from "./limits";
import { imageAsPdf, inspectPdf, pdfPageCount, PdfCopy, truncatePdfWithin } from "./pdf";

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
  /** What to OCR/classify: the original bytes, the truncated copy when `truncated`, or an image in a one-page PDF. */
  readonly classificationBytes: Uint8Array;
  /** The type of `classificationBytes`: `type`, or pdf for an image converted to fit Textract's limits. */
  readonly classificationType: SupportedType;
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
 * PNGs over Textract's image limit are decoded to be put in a PDF (JPEGs are not): 50 megapixels are
 * 200 MB of RGBA, within the load function's memory with the file itself. Larger ones are refused
 * before decoding, so that a small file cannot claim gigabytes (a decompression bomb).
 */
const MAX_PNG_CONVERSION_PIXELS = 50_000_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Decides whether an attachment can be classified and prepares what the classifier or OCR reads,
 * without OCR or any AWS call. Never throws for bad input: every problem is a status with a reason.
 * `bytes` are never modified; `classificationBytes` is either `bytes` itself or a new copy: a PDF's first
 * pages (at most `classificationPages`, fewer while over `maxBytes`), a TIFF's first `classificationPages`
 * images, or an image too large for Textract's image limit in a one-page PDF. Only a file of which no
 * part can be given to OCR is refused.
 */
export async function analyzeDocument(
  bytes: Uint8Array,
  fileName: string,
  limits: Partial<DocumentLimits> = {},
): Promise<DocumentAnalysis> {
  const resolved = resolveDocumentLimits(limits);
  const { maxDownloadBytes, maxBytes, minTextChars } = resolved;
  // Never more pages than Textract may be given.
  const classificationPages = Math.min(resolved.classificationPages, resolved.maxPages);
  const detected = detectFileType(bytes);
  const common = { fileName, bytes: bytes.length, type: detected ?? null, pagesTotal: null, pagesAnalyzed: 0, truncated: false, needsOcr: false };

  if (bytes.length === 0) return { ...common, status: "unsupported", reason: "an empty file" };
  if (bytes.length > maxDownloadBytes) {
    return { ...common, status: "unsupported", reason: `the file is ${bytes.length} bytes; the limit is ${maxDownloadBytes}` };
  }
  const claimed = typeFromFileName(fileName);
  if (claimed !== undefined && claimed !== detected) {
    const actual = detected ? `a ${TYPE_NAMES[detected]} file` : "not a PDF, PNG, JPEG or TIFF file";
    return { ...common, status: "invalid", reason: `named as a ${TYPE_NAMES[claimed]} file but its content is ${actual}` };
  }
  if (detected === undefined) {
    return { ...common, status: "unsupported", reason: `${describeUnsupported(bytes)}; only PDF, PNG, JPEG and TIFF are supported` };
  }
  if (detected !== "pdf") return analyzeImage(bytes, detected, classificationPages, common);

  const pdf = await inspectPdf(bytes, classificationPages);
  if (pdf.kind === "encrypted") return { ...common, type: "pdf", status: "encrypted", pagesTotal: pdf.pagesTotal, reason: pdf.reason };
  if (pdf.kind === "invalid") return salvagePdf(bytes, pdf.reason, { ...resolved, classificationPages }, common);

  const text = nonBlankLength(pdf.text) >= minTextChars ? pdf.text : undefined;
  const readable = {
    ...common,
    status: "readable" as const,
    type: "pdf" as const,
    classificationType: "pdf" as const,
    pagesTotal: pdf.pagesTotal,
    needsOcr: text === undefined,
    ...(text !== undefined && { text }),
  };
  if (pdf.pagesTotal <= classificationPages && bytes.length <= maxBytes) {
    return { ...readable, pagesAnalyzed: pdf.pagesTotal, classificationBytes: bytes };
  }
  let copy: PdfCopy;
  try {
    copy = await truncatePdfWithin(bytes, classificationPages, maxBytes);
    const pages = await pdfPageCount(copy.bytes);
    if (pages !== copy.pages) throw new Error(typeof pages === "string" ? pages : `the copy has ${pages} pages`);
  } catch (error) {
    // Still classifiable from the text layer, or by OCR of the whole original when Textract takes it.
    const reason = `could not cut to its first pages (${errorText(error)})`;
    if (text === undefined && bytes.length > TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES) return { ...common, status: "unsupported", pagesTotal: pdf.pagesTotal, reason };
    return { ...readable, pagesAnalyzed: Math.min(classificationPages, pdf.pagesTotal), classificationBytes: bytes, reason: `${reason}; classificationBytes is the original` };
  }
  if (copy.pages >= pdf.pagesTotal) {
    // Every page kept (a short PDF over maxBytes with a single page, or objects no page uses dropped):
    // the smaller of the two, which is the copy only when it fits maxBytes.
    const classificationBytes = copy.bytes.length <= maxBytes ? copy.bytes : bytes;
    if (text === undefined && classificationBytes.length > TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES) {
      return { ...common, status: "unsupported", pagesTotal: pdf.pagesTotal, reason: `the PDF is ${bytes.length} bytes, over Textract's ${TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES}` };
    }
    return { ...readable, pagesAnalyzed: pdf.pagesTotal, classificationBytes };
  }
  if (text === undefined && copy.bytes.length > TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES) {
    return { ...common, status: "unsupported", pagesTotal: pdf.pagesTotal, reason: `its first page alone is ${copy.bytes.length} bytes, over Textract's ${TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES}` };
  }
  // With a text layer the classifier reads the first classificationPages pages' text; OCR is not needed.
  const pagesAnalyzed = text === undefined ? copy.pages : Math.min(classificationPages, pdf.pagesTotal);
  return { ...readable, pagesAnalyzed, truncated: true, classificationBytes: copy.bytes };
}

/**
 * A PDF whose text layer pdf.js cannot read (a damaged cross-reference table, say) may still have pages
 * pdf-lib can copy out: OCR then reads those. Invalid only when nothing can be copied.
 */
async function salvagePdf(bytes: Uint8Array, cause: string, limits: DocumentLimits, common: Omit<AnalysisCommon, "reason">): Promise<DocumentAnalysis> {
  try {
    const copy = await truncatePdfWithin(bytes, limits.classificationPages, limits.maxBytes);
    const pages = await pdfPageCount(copy.bytes);
    if (pages !== copy.pages || copy.bytes.length > TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES) return { ...common, status: "invalid", reason: cause };
    return {
      ...common,
      status: "readable",
      type: "pdf",
      classificationType: "pdf",
      pagesTotal: copy.pages,
      pagesAnalyzed: copy.pages,
      truncated: true,
      needsOcr: true,
      classificationBytes: copy.bytes,
      reason: `${cause}; OCR reads a copy of the first ${copy.pages} page(s) that could be recovered`,
    };
  } catch {
    return { ...common, status: "invalid", reason: cause };
  }
}

async function analyzeImage(
  bytes: Uint8Array,
  type: Exclude<SupportedType, "pdf">,
  classificationPages: number,
  common: Omit<AnalysisCommon, "reason">,
): Promise<DocumentAnalysis> {
  const name = TYPE_NAMES[type];
  if (type === "tiff") {
    const count = countTiffPages(bytes);
    if (count === undefined) return { ...common, status: "invalid", reason: "corrupt TIFF: its image directory chain is broken" };
    // Cutting the chain keeps every byte, so the copy is as large as the original.
    if (bytes.length > TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES) return { ...common, status: "unsupported", pagesTotal: count, reason: `the TIFF is ${bytes.length} bytes; Textract's limit is ${TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES}` };
    const readable = { ...common, status: "readable" as const, type, classificationType: type, pagesTotal: count, needsOcr: true };
    if (count <= classificationPages) return { ...readable, pagesAnalyzed: count, classificationBytes: bytes };
    return { ...readable, pagesAnalyzed: classificationPages, truncated: true, classificationBytes: firstTiffPages(bytes, classificationPages)! };
  }
  const size = imageDimensions(bytes, type);
  if (size === undefined) {
    return { ...common, status: "invalid", reason: type === "png" ? "corrupt PNG: no IHDR chunk after the signature" : "corrupt JPEG: no frame header" };
  }
  const readable = { ...common, status: "readable" as const, type, pagesTotal: 1, pagesAnalyzed: 1, needsOcr: true };
  const longest = Math.max(size.width, size.height);
  if (bytes.length <= TEXTRACT_IMAGE_MAX_BYTES && longest <= TEXTRACT_IMAGE_MAX_PIXELS_PER_SIDE) {
    return { ...readable, classificationType: type, classificationBytes: bytes };
  }
  const over = bytes.length > TEXTRACT_IMAGE_MAX_BYTES ? `${bytes.length} bytes (Textract's image limit is ${TEXTRACT_IMAGE_MAX_BYTES})` : `${longest} pixels on a side (Textract's limit is ${TEXTRACT_IMAGE_MAX_PIXELS_PER_SIDE})`;
  if (type === "png" && size.width * size.height > MAX_PNG_CONVERSION_PIXELS) {
    return { ...common, status: "unsupported", pagesTotal: 1, reason: `the PNG is ${over} and ${size.width}x${size.height} pixels, too many to convert` };
  }
  try {
    const pdf = await imageAsPdf(bytes, type, TEXTRACT_PDF_MAX_PAGE_POINTS);
    return { ...readable, classificationType: "pdf", classificationBytes: pdf, reason: `the ${name} is ${over}: OCR reads it on a one-page PDF` };
  } catch (error) {
    return { ...common, status: "invalid", reason: `corrupt ${name} (${errorText(error)})` };
  }
}
