import { ClassScore } from "../../shared/classifier/model";
import { DocumentRef, FallbackStatus, LoadedEmail, MAX_REASON_CHARS, ProcessingStatus, RoutingDecision } from "./contracts";

export interface DocumentRoutingPolicy {
  /** Document type -> queue name. Types not listed (e.g. Other) keep the email's text intent. */
  readonly documentQueues: Readonly<Record<string, string>>;
  /** Below this confidence a document does not decide the route. */
  readonly confidenceThreshold: number;
}

export interface ClassifiedDocument {
  readonly document: DocumentRef;
  /** Scores of the document's text, best first; absent when the document could not be read. */
  readonly scores?: readonly ClassScore[];
}

/** A decision that keeps the email's text intent: its queue ("" for the fallback queue), with `processingStatus`. */
function intentDecision(intentQueueName: string, processingStatus: ProcessingStatus, extra: Partial<RoutingDecision> = {}): RoutingDecision {
  return { processingStatus, documentType: "", documentConfidence: 0, targetQueueName: intentQueueName, requestResend: false, ...extra };
}

const within = (text: string) => (text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text);

/**
 * "ClaimForm read from the first 5 of 14 pages": the deciding document was cut for classification. The
 * agent has the whole document: it stays attached to the customer's message in the email conversation
 * the agent receives (the pipeline never changes the message).
 * UNCONFIRMED: that Genesys' agent view of an email interaction lists and opens every attachment of the
 * customer's message at full size, including one of 18 MB.
 */
function partialReading(document: DocumentRef, label: string): Partial<RoutingDecision> {
  if (!document.truncated) return {};
  return { processingReason: within(`${label} read from the first ${document.pagesAnalyzed} of ${document.pagesTotal} pages; the whole document is attached to the email`) };
}

/** Why each attachment (numbered as the email lists them) could not be classified. */
function unreadableReasons(documents: readonly DocumentRef[], classified: readonly ClassifiedDocument[]): Partial<RoutingDecision> {
  const scored = new Set(classified.filter((c) => c.scores?.[0]).map((c) => c.document.attachmentId));
  const reasons = documents.flatMap((document, index) => {
    if (scored.has(document.attachmentId)) return [];
    const why = document.status === "readable" ? "no text could be read" : `${document.status}, ${document.reason ?? "no reason given"}`;
    return [`attachment ${index + 1}: ${why}`];
  });
  return reasons.length === 0 ? {} : { processingReason: within(reasons.join("; ")) };
}

/**
 * One decision for all of an email's attachments. The rule:
 *   1. No attachments: the text intent's queue, NO_ATTACHMENTS.
 *   2. Of the documents classified into a routed type at or above the threshold, the most
 *      confident decides (ties: the first attachment): that type's queue, CLASSIFIED.
 *   3. Otherwise, if any document was read and classified (e.g. Other, or below the threshold):
 *      the text intent's queue, CLASSIFIED, recording the best type.
 *   4. Otherwise, if any document is encrypted: ask the customer to resend it without a password,
 *      and route to the text intent's queue, ENCRYPTED.
 *   5. Otherwise (unsupported, corrupt or unreadable): the text intent's queue, MANUAL_REVIEW, with
 *      each attachment's reason in `processingReason`.
 * A document classified from its first pages only says so in `processingReason`.
 */
export function decideRoute(email: LoadedEmail, classified: readonly ClassifiedDocument[], policy: DocumentRoutingPolicy): RoutingDecision {
  if (email.documents.length === 0) return intentDecision(email.intentQueueName, "NO_ATTACHMENTS");
  const best = classified
    .filter((c) => c.scores?.[0])
    .map((c) => ({ document: c.document, top: c.scores![0]! }))
    .sort((a, b) => b.top.score - a.top.score);
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const routed = best.find((c) => Object.hasOwn(policy.documentQueues, c.top.label) && c.top.score >= policy.confidenceThreshold);
  if (routed) {
    return {
      processingStatus: "CLASSIFIED",
      documentType: routed.top.label,
      documentConfidence: round(routed.top.score),
      targetQueueName: policy.documentQueues[routed.top.label]!,
      requestResend: false,
      ...partialReading(routed.document, routed.top.label),
    };
  }
  if (best[0]) {
    const { document, top } = best[0];
    return intentDecision(email.intentQueueName, "CLASSIFIED", { documentType: top.label, documentConfidence: round(top.score), ...partialReading(document, top.label) });
  }
  if (email.documents.some((d) => d.status === "encrypted")) return intentDecision(email.intentQueueName, "ENCRYPTED", { requestResend: true });
  return intentDecision(email.intentQueueName, "MANUAL_REVIEW", unreadableReasons(email.documents, classified));
}

/** When OCR does not finish in time: the text intent's queue, MANUAL_REVIEW_REQUIRED. */
export function ocrTimeoutDecision(email: LoadedEmail): RoutingDecision {
  return intentDecision(email.intentQueueName, "MANUAL_REVIEW_REQUIRED");
}

/**
 * When the pipeline could not route the email itself (a step failed, or the execution ended early): the
 * text intent's queue ("" for the fallback queue), with the status saying why.
 */
export function fallbackDecision(intentQueueName: string, processingStatus: FallbackStatus): RoutingDecision {
  return intentDecision(intentQueueName, processingStatus);
}

/** The queue id a decided queue name maps to; the fallback queue for "" or a name without an id. */
export function targetQueueId(name: string, queueIds: Readonly<Record<string, string>>, fallbackQueueId: string): { queueId: string; known: boolean } {
  const known = name !== "" && Object.hasOwn(queueIds, name);
  return { queueId: known ? queueIds[name]! : fallbackQueueId, known };
}
