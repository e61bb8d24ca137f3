/** The file types Textract reads, and so the only ones the document core accepts. */
export type SupportedType = "pdf" | "png" | "jpeg" | "tiff";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Readers (and pdf.js) accept a PDF header anywhere in the first 1,024 bytes, after junk such as a BOM. */
const PDF_HEADER_WINDOW = 1024;
const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

/** Offset of the `%PDF-` header within the first 1 KiB, or -1. */
export function pdfHeaderOffset(bytes: Uint8Array): number {
  const end = Math.min(bytes.length - PDF_HEADER.length, PDF_HEADER_WINDOW);
  for (let offset = 0; offset <= end; offset++) if (startsWith(bytes, PDF_HEADER, offset)) return offset;
  return -1;
}

/** The type the bytes' magic number says, whatever the file is called; undefined when none of ours. */
export function detectFileType(bytes: Uint8Array): SupportedType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (pdfHeaderOffset(bytes) >= 0) return "pdf";
  return undefined;
}

/** A human name for bytes we do not support, for the `reason` of an `unsupported` result. */
export function describeUnsupported(bytes: Uint8Array): string {
  if (bytes.length === 0) return "an empty file";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return "a ZIP container (e.g. an Office .docx/.xlsx/.pptx file)";
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "an OLE2 container (e.g. a legacy Office .doc/.xls file)";
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return "a GIF image";
  if (startsWith(bytes, [0x42, 0x4d])) return "a BMP image";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return "a WebP image";
  return "not a PDF, PNG, JPEG or TIFF file";
}

const EXTENSIONS: Readonly<Record<string, SupportedType>> = {
  pdf: "pdf",
  png: "png",
  jpg: "jpeg",
  jpeg: "jpeg",
  jpe: "jpeg",
  tif: "tiff",
  tiff: "tiff",
};

/** The supported type a file name's extension claims, if any (`scan.PDF` -> pdf, `notes.docx` -> undefined). */
export function typeFromFileName(fileName: string): SupportedType | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(fileName.trim());
  const extension = match?.[1]?.toLowerCase();
  return extension !== undefined && Object.hasOwn(EXTENSIONS, extension) ? EXTENSIONS[extension] : undefined;
}

/**
 * Where the "next directory" offset of each image directory (IFD) of a TIFF sits, in chain order, and the
 * byte order; undefined when the chain is broken (an offset outside the file, or a loop) or empty.
 */
function tiffDirectoryChain(bytes: Uint8Array): { little: boolean; nextOffsets: number[] } | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  let offset = view.getUint32(4, little);
  const seen = new Set<number>();
  const nextOffsets: number[] = [];
  while (offset !== 0) {
    if (seen.has(offset) || offset + 2 > bytes.length) return undefined;
    seen.add(offset);
    const entries = view.getUint16(offset, little);
    const next = offset + 2 + entries * 12;
    if (next + 4 > bytes.length) return undefined;
    nextOffsets.push(next);
    offset = view.getUint32(next, little);
  }
  return nextOffsets.length > 0 ? { little, nextOffsets } : undefined;
}

/** Number of images (pages) in a TIFF: the length of its IFD chain, or undefined when the chain is broken. */
export function countTiffPages(bytes: Uint8Array): number | undefined {
  return tiffDirectoryChain(bytes)?.nextOffsets.length;
}

/**
 * A copy of a TIFF whose image directory chain ends after its first `pages` images. Nothing is decoded or
 * re-encoded: the later images' data stays in the copy, unreferenced (which TIFF allows), and readers
 * follow the chain. That Textract, too, reads and bills only the chained images is UNCONFIRMED
 * (docs/sandbox-checklist.md). Undefined when the chain is broken.
 */
export function firstTiffPages(bytes: Uint8Array, pages: number): Uint8Array | undefined {
  if (!Number.isInteger(pages) || pages < 1) throw new RangeError(`pages must be a positive integer, not ${pages}`);
  const chain = tiffDirectoryChain(bytes);
  if (!chain) return undefined;
  const copy = bytes.slice();
  const last = chain.nextOffsets[pages - 1];
  if (last !== undefined) new DataView(copy.buffer).setUint32(last, 0, chain.little);
  return copy;
}

/** Width and height in pixels from a PNG's IHDR or a JPEG's frame header; undefined when absent. */
export function imageDimensions(bytes: Uint8Array, type: "png" | "jpeg"): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === "png") {
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") return undefined;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  // JPEG: walk the marker segments to the first start-of-frame (SOF0-SOF15 but DHT C4, JPG C8, DAC CC).
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 9 > bytes.length) return undefined;
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    if (marker === 0xda || length < 2) return undefined;
    offset += 2 + length;
  }
  return undefined;
}
