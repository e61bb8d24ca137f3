import * as z from "zod";

/**
 * The attachment pipeline's state contracts, defined once: every step Lambda parses its input with
 * these schemas and the state machine definition passes exactly these shapes between states.
 */

/** What the route writes to `processingStatus`, for agents and reporting. */
export const PROCESSING_STATUSES = ["CLASSIFIED", "NO_ATTACHMENTS", "ENCRYPTED", "MANUAL_REVIEW", "MANUAL_REVIEW_REQUIRED"] as const;
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

/** Input of an execution, started once per conversation by the acd.start event on the triage queue. */
export const executionInput = z.object({
  conversationId: z.string().min(1),
  triageQueueId: z.string().min(1),
});
export type ExecutionInput = z.output<typeof executionInput>;

export const documentRef = z.object({
  attachmentId: z.string().min(1),
  fileName: z.string(),
  status: z.enum(["readable", "encrypted", "unsupported", "invalid"]),
  /** Why a document is not readable (no content, no PII). */
  reason: z.string().optional(),
  /** The original bytes in the documents bucket. */
  objectKey: z.string().optional(),
  /** What OCR reads: the original, or its first pages when truncated. */
  ocrKey: z.string().optional(),
  /** Text already known (text layer), in the documents bucket. */
  textKey: z.string().optional(),
  needsOcr: z.boolean(),
  pagesTotal: z.number().int().nonnegative(),
  pagesAnalyzed: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type DocumentRef = z.output<typeof documentRef>;

/** Output of the load step: who is who in the conversation, the text intent, and the documents. */
export const loadedEmail = z.object({
  conversationId: z.string().min(1),
  customerParticipantId: z.string().min(1),
  /** The participant waiting in the triage queue: the one moved by replace/queue. */
  acdParticipantId: z.string().min(1),
  /** Where the customer's email came from, for a resend request. */
  customerAddress: z.string().optional(),
  /** The text intent the inbound flow recorded (a queue name), or "" for the fallback queue. */
  intentQueueName: z.string(),
  documents: z.array(documentRef),
});
export type LoadedEmail = z.output<typeof loadedEmail>;

/** Input of the OCR start step (one Map iteration) and what its callback returns. */
export const ocrRequest = z.object({ taskToken: z.string().min(1), conversationId: z.string().min(1), document: documentRef });
export type OcrRequest = z.output<typeof ocrRequest>;
/**
 * One Map iteration's result: the OCR text's key; no key for a document that needed no OCR; or
 * `ocrFailed` when Textract could not read that document (it then counts as unreadable).
 */
export const ocrResult = z.object({ attachmentId: z.string().min(1), textKey: z.string().min(1).optional(), ocrFailed: z.boolean().optional() });
export type OcrResult = z.output<typeof ocrResult>;

/** Input of the classify step; `failure` says the OCR stage timed out or failed for good. */
export const classifyRequest = z.object({
  email: loadedEmail,
  ocr: z.array(ocrResult).default([]),
  failure: z.enum(["timeout", "ocr-failed"]).nullish(),
});
export type ClassifyRequest = z.output<typeof classifyRequest>;

/** The routing decision: what the route step writes and where it moves the email. */
export const routingDecision = z.object({
  processingStatus: z.enum(PROCESSING_STATUSES),
  /** "" when no document decided the route. */
  documentType: z.string(),
  documentConfidence: z.number().min(0).max(1),
  /** Queue name to move the email to; "" means the fallback queue. */
  targetQueueName: z.string(),
  /** Ask the customer to resend without a password. */
  requestResend: z.boolean(),
});
export type RoutingDecision = z.output<typeof routingDecision>;

export const routeRequest = z.object({ email: loadedEmail, decision: routingDecision });
export type RouteRequest = z.output<typeof routeRequest>;
