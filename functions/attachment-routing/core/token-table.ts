/**
 * The task-token table's shape, defined once for the construct that creates it and the store that uses
 * it. No imports: synth loads this module.
 *
 * Textract JobId -> the Step Functions task token waiting for that job. A task token (up to a few KB)
 * does not fit Textract's 64-character JobTag, so attachment-ocr-start parks it here and
 * attachment-ocr-complete picks it up. Items expire through the TTL attribute.
 */
export const TOKEN_TABLE_KEYS = {
  /** Partition key (string): the Textract JobId. */
  partition: "jobId",
  /** TTL attribute (number, epoch seconds). */
  ttl: "expiresAt",
} as const;

/** How long a parked token is kept: far past any OCR timeout; DynamoDB deletes expired items lazily. */
export const TASK_TOKEN_TTL_SECONDS = 24 * 3600;
