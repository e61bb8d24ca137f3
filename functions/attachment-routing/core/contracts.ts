import * as z from "zod/mini";
import { STATE_PAYLOAD_LIMIT_BYTES } from "./documents/limits";

/**
 * The attachment pipeline's state contracts, defined once. Each step Lambda parses its input with the
 * schema below named after it (executionInput for load, ocrRequest for ocr-start, classifyRequest for
 * classify, routeRequest for route, fallbackRequest for fallback) and returns the shape named for its
 * output; the state machine definition (constructs/attachment-routing/pipeline-definition.ts) passes
 * exactly these shapes between states.
 *
 * Every string and list is bounded, so that no state can outgrow Step Functions' 256 KB payload limit
 * (States.DataLimitExceeded cannot be caught: the execution would fail with the email in triage). A
 * value over a bound fails parsing with InvalidStepInputError, which the state machine routes at once.
 */

/** Attachments of one email that the pipeline reads; the rest are counted, not loaded. */
export const MAX_DOCUMENTS_PER_EMAIL = 20;
/** Genesys ids are UUIDs; the client refuses ids over 128 characters. */
export const MAX_ID_CHARS = 128;
export const MAX_FILE_NAME_CHARS = 255;
/** S3's key limit is 1,024 bytes. */
const MAX_OBJECT_KEY_CHARS = 1_024;
export const MAX_REASON_CHARS = 300;
/** Genesys queue names are at most 120 characters (config/environment.ts checks the same). */
const MAX_QUEUE_NAME_CHARS = 120;
/** RFC 5321's limit on an address. */
export const MAX_ADDRESS_CHARS = 320;
/** What a caught error may carry into the fallback step (Step Functions' Cause is up to 32 KB). */
const MAX_ERROR_CAUSE_CHARS = 32_768;

/** Step Functions' limit on a state's input or output, in UTF-8 bytes (defined with its source in documents/limits.ts). */
export { STATE_PAYLOAD_LIMIT_BYTES };

const id = z.string().check(z.minLength(1), z.maxLength(MAX_ID_CHARS));
const objectKey = z.string().check(z.minLength(1), z.maxLength(MAX_OBJECT_KEY_CHARS));
const queueName = z.string().check(z.maxLength(MAX_QUEUE_NAME_CHARS));

/** processingStatus values the classify step decides from the documents. */
const DECISION_STATUSES = ["CLASSIFIED", "NO_ATTACHMENTS", "ENCRYPTED", "MANUAL_REVIEW", "MANUAL_REVIEW_REQUIRED"] as const;
/**
 * processingStatus values of an email the pipeline could not route itself: which step failed, or what
 * became of the execution. The fallback step writes them and moves the email to its text intent's queue
 * (or the fallback queue).
 */
const FALLBACK_STATUSES = ["LOAD_FAILED", "CLASSIFY_FAILED", "ROUTE_FAILED", "PIPELINE_TIMED_OUT", "PIPELINE_FAILED", "PIPELINE_ABORTED"] as const;
/** Everything the pipeline writes to `processingStatus`, for agents and reporting. */
const PROCESSING_STATUSES = [...DECISION_STATUSES, ...FALLBACK_STATUSES] as const;
export type FallbackStatus = (typeof FALLBACK_STATUSES)[number];
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

/** Input of an execution, started once per conversation by the acd.start event on the triage queue. */
export const executionInput = z.object({
  conversationId: id,
  triageQueueId: id,
});
export type ExecutionInput = z.output<typeof executionInput>;

export const documentRef = z.object({
  attachmentId: id,
  fileName: z.string().check(z.maxLength(MAX_FILE_NAME_CHARS)),
  status: z.enum(["readable", "encrypted", "unsupported", "invalid"]),
  /** Why a document is not readable (no content, no PII). */
  reason: z.optional(z.string().check(z.maxLength(MAX_REASON_CHARS))),
  /** The original bytes in the documents bucket. */
  objectKey: z.optional(objectKey),
  /** What OCR reads: the original, or its first pages when truncated. */
  ocrKey: z.optional(objectKey),
  /** Text already known (text layer), in the documents bucket. */
  textKey: z.optional(objectKey),
  needsOcr: z.boolean(),
  pagesTotal: z.int().check(z.nonnegative()),
  pagesAnalyzed: z.int().check(z.nonnegative()),
  truncated: z.boolean(),
});
export type DocumentRef = z.output<typeof documentRef>;

/** Output of the load step: who is who in the conversation, the text intent, and the documents. */
export const loadedEmail = z.object({
  conversationId: id,
  customerParticipantId: id,
  /** The participant waiting in the triage queue: the one moved by replace/queue. */
  acdParticipantId: id,
  /** Where the customer's email came from, for a resend request. */
  customerAddress: z.optional(z.string().check(z.maxLength(MAX_ADDRESS_CHARS))),
  /** The text intent the inbound flow recorded (a queue name), or "" for the fallback queue. */
  intentQueueName: queueName,
  documents: z.array(documentRef).check(z.maxLength(MAX_DOCUMENTS_PER_EMAIL)),
  /** Attachments beyond MAX_DOCUMENTS_PER_EMAIL, not loaded. */
  documentsOmitted: z._default(z.int().check(z.nonnegative()), 0),
});
export type LoadedEmail = z.output<typeof loadedEmail>;

/** Input of the OCR start step (one Map iteration); its callback returns an OcrResult. */
export const ocrRequest = z.object({ taskToken: z.string().check(z.minLength(1), z.maxLength(8_192)), conversationId: id, document: documentRef });
export type OcrRequest = z.output<typeof ocrRequest>;
/**
 * One Map iteration's result: the OCR text's key; no key for a document that needed no OCR; or
 * `ocrFailed` when Textract could not read that document (it then counts as unreadable).
 */
export const ocrResult = z.object({ attachmentId: id, textKey: z.optional(objectKey), ocrFailed: z.optional(z.boolean()) });
export type OcrResult = z.output<typeof ocrResult>;

/** Why the OCR stage gave no text: its wait timed out, or it failed as a whole. */
const OCR_STAGE_FAILURES = ["timeout", "ocr-failed"] as const;

/**
 * Input of the classify step: the loaded email, the OCR Map's results (one per document; null when the
 * Map did not finish) and `failure`, null unless the OCR stage timed out or failed.
 */
export const classifyRequest = z.object({
  email: loadedEmail,
  ocr: z.pipe(
    z.nullish(z.array(ocrResult).check(z.maxLength(MAX_DOCUMENTS_PER_EMAIL))),
    z.transform((items) => items ?? []),
  ),
  failure: z.nullish(z.enum(OCR_STAGE_FAILURES)),
});

/** The routing decision: what the route step writes and where it moves the email. */
export const routingDecision = z.object({
  processingStatus: z.enum(PROCESSING_STATUSES),
  /** "" when no document decided the route. */
  documentType: z.string().check(z.maxLength(MAX_QUEUE_NAME_CHARS)),
  documentConfidence: z.number().check(z.minimum(0), z.maximum(1)),
  /** Queue name to move the email to; "" means the fallback queue. */
  targetQueueName: queueName,
  /** Ask the customer to resend without a password. */
  requestResend: z.boolean(),
  /**
   * Why, in words, for the agent next to `processingStatus` (no content, no file names): which
   * attachments could not be read and why (MANUAL_REVIEW), or that the deciding document was classified
   * from its first pages only. Absent when there is nothing to add.
   */
  processingReason: z.optional(z.string().check(z.maxLength(MAX_REASON_CHARS))),
});
export type RoutingDecision = z.output<typeof routingDecision>;

export const routeRequest = z.object({ email: loadedEmail, decision: routingDecision });

/** What Step Functions puts at a Catch's ResultPath: the error's name and its cause. */
const caughtError = z.looseObject({
  Error: z.optional(z.string().check(z.maxLength(256))),
  Cause: z.optional(z.string().check(z.maxLength(MAX_ERROR_CAUSE_CHARS))),
});

/** Input of the fallback step: which execution could not route its email, and why. */
export const fallbackRequest = z.object({
  conversationId: id,
  triageQueueId: id,
  processingStatus: z.enum(FALLBACK_STATUSES),
  error: z.nullish(caughtError),
});
export type FallbackRequest = z.output<typeof fallbackRequest>;

/** The fallback step's `outcome` when it moved the email (otherwise the email was no longer in triage). */
export const MOVED_BY_FALLBACK = "routed";
