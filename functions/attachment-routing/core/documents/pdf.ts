/**
 * PDF inspection without OCR.
 *
 * Libraries, chosen to run unchanged in a Lambda bundle (esbuild, CommonJS output, no native
 * addons), under Jest (CommonJS only) and in the local runner (tsx):
 * - pdf-parse 2.x opens, decrypts and reads the text layer. It wraps pdf.js (Mozilla's parser, with
 *   the full standard security handler: RC4, AES-128, AES-256 R5/R6) and ships a CommonJS build, which
 *   Jest loads; esbuild bundles its ES build with pdfjs-dist. It throws `PasswordException` when a PDF
 *   needs a user password and opens owner-password-only PDFs with the empty user password, as
 *   readers do. Rejected: pdfjs-dist directly (ESM only, so not loadable by Jest), mupdf (ESM with
 *   top-level await plus a WASM file to ship), pdf-lib alone (cannot decrypt or read text).
 * - pdf-lib (pure JS, CommonJS) counts pages without decrypting and writes the truncated copy.
 */
// Must precede pdf-parse: defines what pdf.js needs to load where no canvas package is installed.
import "./dom-shim";
import { PDFDocument } from "pdf-lib";
import { PDFParse, VerbosityLevel } from "pdf-parse";
import { ensurePdfjsWorker } from "./pdfjs-worker";

type LoadParameters = ConstructorParameters<typeof PDFParse>[0];

/**
 * A pdf-parse parser over a private copy of the bytes (pdf.js transfers, and so detaches, the buffer it
 * is given). The caller must `destroy()` it.
 */
export async function openPdf(bytes: Uint8Array, options: Omit<LoadParameters, "data"> = {}): Promise<PDFParse> {
  await ensurePdfjsWorker();
  return new PDFParse({
    verbosity: VerbosityLevel.ERRORS,
    // No code generated from font data (CVE-2024-4367 class of bugs); text extraction does not need it.
    isEvalSupported: false,
    ...options,
    data: new Uint8Array(bytes),
  });
}

export type PdfInspection =
  | { readonly kind: "readable"; readonly pagesTotal: number; readonly pagesAnalyzed: number; readonly text: string }
  | { readonly kind: "encrypted"; readonly pagesTotal: number | null; readonly reason: string }
  | { readonly kind: "invalid"; readonly reason: string };

const errorMessage = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Opens a PDF with no password and reads the text layer of its first `pages` pages. */
export async function inspectPdf(bytes: Uint8Array, pages: number): Promise<PdfInspection> {
  const parser = await openPdf(bytes);
  try {
    const result = await parser.getText({ first: pages, pageJoiner: "" });
    if (result.total < 1) return { kind: "invalid", reason: "the PDF has no pages" };
    return { kind: "readable", pagesTotal: result.total, pagesAnalyzed: Math.min(pages, result.total), text: result.text.trim() };
  } catch (error) {
    if (error instanceof Error && error.name === "PasswordException") {
      return { kind: "encrypted", pagesTotal: await countPagesWithoutDecrypting(bytes), reason: "the PDF needs a password to open" };
    }
    return { kind: "invalid", reason: `not a readable PDF (${errorMessage(error)})` };
  } finally {
    await parser.destroy();
  }
}

/** The page count from the (never encrypted) page tree, or null when pdf-lib cannot parse the file. */
async function countPagesWithoutDecrypting(bytes: Uint8Array): Promise<number | null> {
  try {
    return (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
  } catch {
    return null;
  }
}

/** A copy of a PDF's first pages, and how many it holds. */
export interface PdfCopy {
  readonly bytes: Uint8Array;
  readonly pages: number;
}

/**
 * A new PDF with the first `pages` pages, and fewer (down to one) while the copy is over `maxBytes`;
 * `bytes` are not modified. The result may still be over `maxBytes` when its first page alone is: the
 * caller decides whether that page is worth sending.
 *
 * pdf-lib parses the whole file once, referring to its bytes rather than copying them (see
 * `npm run bench -- documents` for the peak); each copy holds only the pages kept and what they use.
 *
 * pdf-lib cannot decrypt, so an encrypted PDF that opens with the empty user password (owner password
 * only) is truncated in place: removing the later pages keeps every remaining object's number and the
 * trailer's /Encrypt and /ID, so the still-encrypted objects decrypt with the same keys. Object streams
 * are not written, because new ones would hold encrypted strings without being encrypted themselves.
 * Other PDFs get their pages copied into a fresh document, which drops what only later pages used.
 */
export async function truncatePdfWithin(bytes: Uint8Array, pages: number, maxBytes = Number.POSITIVE_INFINITY): Promise<PdfCopy> {
  const load = () => PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
  let source = await load();
  const total = source.getPageCount();
  if (total < 1) throw new Error("the PDF has no pages");
  for (let keep = Math.min(pages, total); ; keep--) {
    let copy: Uint8Array;
    if (source.isEncrypted) {
      for (let index = source.getPageCount() - 1; index >= keep; index--) source.removePage(index);
      copy = await source.save({ useObjectStreams: false, updateFieldAppearances: false });
      source = await load();
    } else {
      const target = await PDFDocument.create({ updateMetadata: false });
      const copied = await target.copyPages(
        source,
        Array.from({ length: keep }, (_, index) => index),
      );
      for (const page of copied) target.addPage(page);
      copy = await target.save({ updateFieldAppearances: false });
    }
    if (copy.length <= maxBytes || keep === 1) return { bytes: copy, pages: keep };
  }
}

/** A new PDF with only the first `pages` pages (fewer than the PDF has); `bytes` are not modified. */
export async function truncatePdf(bytes: Uint8Array, pages: number): Promise<Uint8Array> {
  const total = (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
  if (pages >= total) throw new Error(`cannot truncate a ${total}-page PDF to ${pages} pages`);
  return (await truncatePdfWithin(bytes, pages)).bytes;
}

/**
 * A one-page PDF showing a JPEG or PNG, for an image over Textract's image limit: Textract reads PDFs
 * up to TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES. A JPEG is embedded as it is (pdf-lib reads only its header);
 * a PNG is decoded and compressed again, so the caller bounds its pixels first. The page is the image's
 * size in pixels as points, scaled down to fit `maxPagePoints` on its longer side.
 */
export async function imageAsPdf(bytes: Uint8Array, type: "jpeg" | "png", maxPagePoints: number): Promise<Uint8Array> {
  const document = await PDFDocument.create({ updateMetadata: false });
  const image = type === "jpeg" ? await document.embedJpg(bytes) : await document.embedPng(bytes);
  const scale = Math.min(1, maxPagePoints / Math.max(image.width, image.height));
  const width = image.width * scale;
  const height = image.height * scale;
  document.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  return document.save();
}

/** Page count of a PDF as pdf.js reads it, or an error message when it does not open. */
export async function pdfPageCount(bytes: Uint8Array): Promise<number | string> {
  const parser = await openPdf(bytes);
  try {
    return (await parser.getInfo()).total;
  } catch (error) {
    return errorMessage(error);
  } finally {
    await parser.destroy();
  }
}
