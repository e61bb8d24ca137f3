import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Deadline } from "../../shared/deadline";
import { awsCallOptions } from "./invocation";

/** Per-call options of the stores: the invocation's deadline bounds every AWS call. */
export interface CallOptions {
  readonly deadline?: Deadline;
}

/** The documents bucket as the step Lambdas use it (keys from document-keys.ts). */
export interface DocumentStore {
  readonly bucket: string;
  put(key: string, body: Uint8Array | string, contentType: string, options?: CallOptions): Promise<void>;
  /** The object as UTF-8 text; at most its first `maxBytes` bytes when given (a ranged GET). */
  getText(key: string, maxBytes?: number, options?: CallOptions): Promise<string>;
}

export const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

export function s3DocumentStore(client: Pick<S3Client, "send">, bucket: string): DocumentStore {
  return {
    bucket,
    async put(key, body, contentType, options = {}) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }), awsCallOptions(options.deadline));
    },
    async getText(key, maxBytes, options = {}) {
      const response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(maxBytes === undefined ? {} : { Range: `bytes=0-${Math.max(0, maxBytes - 1)}` }) }),
        awsCallOptions(options.deadline),
      );
      if (response.Body === undefined) return "";
      const bytes = await response.Body.transformToByteArray();
      // A ranged read may end inside a character: drop the partial sequence rather than emit U+FFFD.
      return new TextDecoder("utf-8").decode(maxBytes !== undefined && bytes.length >= maxBytes ? trimPartialUtf8(bytes) : bytes);
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
