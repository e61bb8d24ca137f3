import * as z from "zod";
import type { ClassifierBackend } from "../../shared/classifier/backend";
import { DocumentRef, LoadedEmail, loadedEmail, OcrResult, ocrResult, RoutingDecision, routingDecision } from "../core/contracts";
import { ClassifiedDocument, decideRoute, DocumentRoutingPolicy, timeoutRoute } from "../core/decide";
import { describeError, parseStepInput } from "../core/errors";
import { DocumentStore } from "../core/storage";
import { MAX_DOCUMENT_TEXT_BYTES } from "../core/documents/classify";
import { truncateUtf8 } from "../../shared/classifier/email-text";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";

export interface AttachmentClassifyDependencies {
  /** Resolved on first use so a cold start does not pay for a backend it may not need. */
  readonly backend: () => ClassifierBackend;
  readonly store: DocumentStore;
  readonly policy: DocumentRoutingPolicy;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

export const CLASSIFY_FAILURES = ["timeout", "ocr-failed"] as const;

/**
 * The classify step's input: the contract's ClassifyRequest, plus what the state machine adds. Its Map
 * gives one entry per document, and the documents that skip OCR yield `{attachmentId}` only (no
 * textKey): those entries carry nothing and are dropped here. `failure` is null unless the OCR Map
 * timed out or failed.
 */
const classifyInput = z.object({
  email: loadedEmail,
  ocr: z
    .array(z.union([ocrResult, z.looseObject({ attachmentId: z.string() })]))
    .nullish()
    .transform((items) => (items ?? []).filter((item): item is OcrResult => ocrResult.safeParse(item).success)),
  failure: z.enum(CLASSIFY_FAILURES).nullish(),
});

/** Text is read up to this many bytes: whitespace collapses before the classifier's own limit applies. */
const MAX_TEXT_READ_BYTES = MAX_DOCUMENT_TEXT_BYTES * 8;

/** Why a readable document got no scores, for logs. */
type Skip = "no-text-key" | "ocr-failed" | "empty-text" | "read-error" | "backend-error";

/**
 * Classifies each readable document's text (text layer or OCR result, from the documents bucket) and
 * decides the route with decideRoute. An OCR timeout routes with timeoutRoute; an OCR failure treats
 * the documents that needed OCR as unreadable. A document whose text cannot be read or classified is
 * unreadable too (logged), so the email is always routed. Logs hold labels and counts, never text.
 */
export function makeHandler(deps: AttachmentClassifyDependencies) {
  async function classifyDocument(
    email: LoadedEmail,
    document: DocumentRef,
    textKey: string | undefined,
  ): Promise<{ classified: ClassifiedDocument; skipped?: Skip; textBytes?: number; truncated?: boolean }> {
    if (textKey === undefined) return { classified: { document }, skipped: "no-text-key" };
    let text: string;
    try {
      text = await deps.store.getText(textKey, MAX_TEXT_READ_BYTES);
    } catch (error) {
      deps.logger.error("could not read a document's text; treated as unreadable", { conversationId: email.conversationId, attachmentId: document.attachmentId, error: describeError(error) });
      return { classified: { document }, skipped: "read-error" };
    }
    const { text: trimmed, bytes, truncated } = truncateUtf8(text.replace(/\s+/g, " ").trim(), MAX_DOCUMENT_TEXT_BYTES);
    if (trimmed === "") return { classified: { document }, skipped: "empty-text" };
    try {
      const scores = await deps.backend().classify(trimmed);
      if (scores.length === 0) throw new Error("the classifier returned no classes");
      return { classified: { document, scores }, textBytes: bytes, truncated };
    } catch (error) {
      deps.logger.error("classifier failed for a document; treated as unreadable", { conversationId: email.conversationId, attachmentId: document.attachmentId, error: describeError(error) });
      return { classified: { document }, skipped: "backend-error" };
    }
  }

  return async function handler(event: unknown): Promise<RoutingDecision> {
    const { email, ocr, failure } = parseStepInput(classifyInput, event, "attachment-classify");
    let decision: RoutingDecision;
    const documents: Array<Record<string, unknown>> = [];
    if (failure === "timeout") {
      decision = timeoutRoute(email);
    } else {
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
        const result = await classifyDocument(email, document, textKey);
        classified.push(result.classified);
        const top = result.classified.scores?.[0];
        documents.push({
          attachmentId: document.attachmentId,
          status: document.status,
          source: document.needsOcr ? "ocr" : "text-layer",
          ...(top ? { label: top.label, confidence: Math.round(top.score * 10_000) / 10_000, textBytes: result.textBytes, truncated: result.truncated } : {}),
          ...(ocrFailed ? { skipped: "ocr-failed" } : result.skipped ? { skipped: result.skipped } : {}),
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
