import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

/**
 * Where the pipeline keeps an attachment in the documents bucket. Ids become single key segments:
 * anything outside [A-Za-z0-9._=-] (and the segments "." and "..") is percent-encoded.
 */
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

function keySegment(id: string): string {
  if (id === "." || id === "..") return id.replace(/\./g, "%2E");
  return Array.from(Buffer.from(id, "utf8"))
    .map((byte) => (/[A-Za-z0-9._=-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}

export function documentKeys(conversationId: string, attachmentId: string): DocumentKeys {
  const base = `conversations/${keySegment(conversationId)}/${keySegment(attachmentId)}`;
  return { original: `${base}/original`, ocr: `${base}/ocr`, text: `${base}/text.txt`, ocrText: `${base}/ocr.txt` };
}

/** The documents bucket as the step Lambdas use it. */
export interface DocumentStore {
  readonly bucket: string;
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** The object as UTF-8 text; at most its first `maxBytes` bytes when given (a ranged GET). */
  getText(key: string, maxBytes?: number): Promise<string>;
}

export const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

export function s3DocumentStore(client: Pick<S3Client, "send">, bucket: string): DocumentStore {
  return {
    bucket,
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async getText(key, maxBytes) {
      const response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(maxBytes === undefined ? {} : { Range: `bytes=0-${Math.max(0, maxBytes - 1)}` }) }),
      );
      if (response.Body === undefined) return "";
      const bytes = await response.Body.transformToByteArray();
      // A ranged read may end inside a character: drop the partial sequence rather than emit U+FFFD.
      const text = new TextDecoder("utf-8").decode(maxBytes !== undefined && bytes.length >= maxBytes ? trimPartialUtf8(bytes) : bytes);
      return text;
    },
  };
}

/** `bytes` without a trailing, incomplete UTF-8 sequence. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  let continuation = 0;
  while (end > 0 && continuation < 3 && (bytes[end - 1]! & 0xc0) === 0x80) {
    end--;
    continuation++;
  }
  if (end === 0) return bytes;
  const lead = bytes[end - 1]!;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (needed === 0) return bytes.subarray(0, end + continuation);
  return needed === continuation ? bytes : bytes.subarray(0, end - 1);
}
