import type { ClassifierBackend } from "../../shared/classifier/backend";
import { Deadline, DeadlineExceededError } from "../../shared/deadline";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { classifyRequest, DocumentRef, LoadedEmail, RoutingDecision, routingDecision } from "../core/contracts";
import { ClassifiedDocument, decideRoute, DocumentRoutingPolicy, ocrTimeoutDecision } from "../core/decide";
import { classifyDocumentText, MAX_DOCUMENT_TEXT_BYTES } from "../core/documents";
import { describeError, parseStepInput } from "../core/errors";
import { InvocationContext, invocationDeadline, settleWithin } from "../core/invocation";
import { DocumentStore } from "../core/storage";

export interface AttachmentClassifyDependencies {
  /** Resolved on first use so a cold start does not pay for a backend it may not need. */
  readonly backend: () => ClassifierBackend;
  readonly store: DocumentStore;
  readonly policy: DocumentRoutingPolicy;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/** Text is read up to this many bytes: whitespace collapses before the classifier's own limit applies. */
const MAX_TEXT_READ_BYTES = MAX_DOCUMENT_TEXT_BYTES * 8;
/** A document is not started with less time than this left: it counts as unreadable instead. */
const MIN_MS_PER_DOCUMENT = 2_000;

/** Why a readable document got no scores, for logs. */
type UnscoredReason = "no-text-key" | "ocr-failed" | "empty-text" | "read-error" | "backend-error" | "out-of-time";

/**
 * Classifies each readable document's text (text layer or OCR result, from the documents bucket) with
 * classifyDocumentText and decides the route with decideRoute. An OCR timeout routes with
 * ocrTimeoutDecision; an OCR failure treats the documents that needed OCR as unreadable. A document
 * whose text cannot be read or classified (or that the invocation has no time left for) is unreadable
 * too (logged), so the email is always routed. Logs hold labels and counts, never text.
 */
export function makeHandler(deps: AttachmentClassifyDependencies) {
  async function classifyDocument(
    email: LoadedEmail,
    document: DocumentRef,
    textKey: string | undefined,
    deadline: Deadline,
  ): Promise<{ classified: ClassifiedDocument; unscored?: UnscoredReason; textBytes?: number; truncated?: boolean }> {
    if (textKey === undefined) return { classified: { document }, unscored: "no-text-key" };
    if (deadline.remainingMs() < MIN_MS_PER_DOCUMENT) return { classified: { document }, unscored: "out-of-time" };
    const facts = { conversationId: email.conversationId, attachmentId: document.attachmentId };
    let text: string;
    try {
      text = await deps.store.getText(textKey, MAX_TEXT_READ_BYTES, { deadline });
    } catch (error) {
      deps.logger.error("could not read a document's text; treated as unreadable", { ...facts, error: describeError(error) });
      return { classified: { document }, unscored: "read-error" };
    }
    try {
      // The backend takes no abort signal: a call still running at the deadline is abandoned.
      const result = await settleWithin(classifyDocumentText(text, deps.backend()), deadline, "the classifier");
      if (result.documentType === null) return { classified: { document }, unscored: "empty-text" };
      return { classified: { document, scores: result.scores }, textBytes: result.textBytes, truncated: result.textTruncated };
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        deps.logger.warn("the classifier did not answer in time; treated as unreadable", facts);
        return { classified: { document }, unscored: "out-of-time" };
      }
      deps.logger.error("classifier failed for a document; treated as unreadable", { ...facts, error: describeError(error) });
      return { classified: { document }, unscored: "backend-error" };
    }
  }

  return async function handler(event: unknown, context?: InvocationContext): Promise<RoutingDecision> {
    const deadline = invocationDeadline(context, "classify");
    const { email, ocr, failure } = parseStepInput(classifyRequest, event, "attachment-classify");
    let decision: RoutingDecision;
    const documents: Array<Record<string, unknown>> = [];
    if (failure === "timeout") {
      decision = ocrTimeoutDecision(email);
    } else {
      // The Map gives one entry per document; entries of documents that skipped OCR carry no textKey.
      const ocrText = new Map(ocr.map((o) => [o.attachmentId, o.textKey]));
      const classified: ClassifiedDocument[] = [];
      for (const document of email.documents) {
        if (document.status !== "readable") {
          classified.push({ document });
          documents.push({ attachmentId: document.attachmentId, status: document.status });
          continue;
        }
        const ocrFailed = failure === "ocr-failed" && document.needsOcr;
        const textKey = ocrFailed ? undefined : document.needsOcr ? ocrText.get(document.attachmentId) : (document.textKey ?? ocrText.get(document.attachmentId));
        const result = await classifyDocument(email, document, textKey, deadline);
        classified.push(result.classified);
        const top = result.classified.scores?.[0];
        documents.push({
          attachmentId: document.attachmentId,
          status: document.status,
          source: document.needsOcr ? "ocr" : "text-layer",
          ...(top ? { label: top.label, confidence: Math.round(top.score * 10_000) / 10_000, textBytes: result.textBytes, truncated: result.truncated } : {}),
          ...(ocrFailed ? { unscored: "ocr-failed" } : result.unscored ? { unscored: result.unscored } : {}),
        });
      }
      decision = decideRoute(email, classified, deps.policy);
    }
    decision = routingDecision.parse(decision);
    deps.logger.info("attachments classified", { conversationId: email.conversationId, failure: failure ?? undefined, documents, ...decision });
    deps.metrics.addDimension("ProcessingStatus", decision.processingStatus);
    deps.metrics.addMetric("AttachmentRoutingDecisions", MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
    return decision;
  };
}
