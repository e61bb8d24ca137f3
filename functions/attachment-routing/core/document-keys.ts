/**
 * Where the pipeline keeps an attachment in the documents bucket, defined once: the step Lambdas write
 * and read these keys, and the construct grants access to DOCUMENTS_PREFIX only. No imports.
 */

/** Every object the pipeline writes lives under this prefix. */
export const DOCUMENTS_PREFIX = "conversations/";

export interface DocumentKeys {
  /** The bytes as the customer sent them. */
  readonly original: string;
  /** What Textract reads: the original, or its first pages when it was truncated. */
  readonly ocr: string;
  /** The text layer read from the document itself. */
  readonly text: string;
  /** The text Textract found. */
  readonly ocrText: string;
}

/** One id as a single key segment: anything outside [A-Za-z0-9._=-] (and "." and "..") percent-encoded. */
function keySegment(id: string): string {
  if (id === "." || id === "..") return id.replace(/\./g, "%2E");
  return Array.from(Buffer.from(id, "utf8"))
    .map((byte) => (/[A-Za-z0-9._=-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}

export function documentKeys(conversationId: string, attachmentId: string): DocumentKeys {
  const base = `${DOCUMENTS_PREFIX}${keySegment(conversationId)}/${keySegment(attachmentId)}`;
  return { original: `${base}/original`, ocr: `${base}/ocr`, text: `${base}/text.txt`, ocrText: `${base}/ocr.txt` };
}
