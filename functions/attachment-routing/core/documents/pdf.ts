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

/**
 * A new PDF with only the first `pages` pages; `bytes` are not modified.
 *
 * pdf-lib cannot decrypt, so an encrypted PDF that opens with the empty user password (owner password
 * only) is truncated in place: removing the later pages keeps every remaining object's number and the
 * trailer's /Encrypt and /ID, so the still-encrypted objects decrypt with the same keys. Object streams
 * are not written, because new ones would hold encrypted strings without being encrypted themselves.
 * Other PDFs get their pages copied into a fresh document, which drops what only later pages used.
 */
export async function truncatePdf(bytes: Uint8Array, pages: number): Promise<Uint8Array> {
  const source = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
  const total = source.getPageCount();
  if (pages >= total) throw new Error(`cannot truncate a ${total}-page PDF to ${pages} pages`);
  if (source.isEncrypted) {
    for (let index = total - 1; index >= pages; index--) source.removePage(index);
    return source.save({ useObjectStreams: false, updateFieldAppearances: false });
  }
  const target = await PDFDocument.create({ updateMetadata: false });
  const copied = await target.copyPages(
    source,
    Array.from({ length: pages }, (_, index) => index),
  );
  for (const page of copied) target.addPage(page);
  return target.save({ updateFieldAppearances: false });
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
