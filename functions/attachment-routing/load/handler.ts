import * as z from "zod";
import { DocumentRef, documentRef, executionInput, LoadedEmail, loadedEmail } from "../core/contracts";
import { describeError, errorName, parseStepInput } from "../core/errors";
import { documentKeys, DocumentStore, TEXT_CONTENT_TYPE } from "../core/storage";
import { analyzeDocument, DocumentAnalysis, DocumentLimits, resolveDocumentLimits, SupportedType } from "../core/documents";
import {
  EmailAttachment,
  EmailMessagePreview,
  EmailParticipant,
  GenesysApiError,
  GenesysAttachmentTooLargeError,
  GenesysClient,
  GenesysDownloadRefusedError,
  GenesysRateLimitError,
} from "../../shared/genesys/client";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";

export interface AttachmentLoadDependencies {
  readonly genesys: Pick<GenesysClient, "getEmailConversation" | "listEmailMessages" | "getEmailMessage" | "downloadAttachment">;
  readonly store: DocumentStore;
  /** DOCUMENT_LIMITS; `maxBytes` also caps each download. */
  readonly limits: Partial<DocumentLimits>;
  readonly analyze?: typeof analyzeDocument;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/** The conversation has no customer participant: nothing to route, never retried. */
export class ConversationNotRoutableError extends Error {
  override readonly name = "ConversationNotRoutableError";
}

/** The participant text intent meaning "no topic": the flow's fallback. */
const FALLBACK_INTENT = "fallback";
const CONTENT_TYPES: Readonly<Record<SupportedType, string>> = { pdf: "application/pdf", png: "image/png", jpeg: "image/jpeg", tiff: "image/tiff" };
const INACTIVE_STATES = new Set(["disconnected", "terminated"]);

/** Fields Genesys sends that the client's types leave out (its schemas pass unknown fields through). */
const participantAddress = z.looseObject({ address: z.string().optional().catch(undefined) });
const messageFrom = z.looseObject({ from: z.looseObject({ email: z.string() }).optional().catch(undefined) });

/** `Ann <ann@example.com>` or `ann@example.com` -> `ann@example.com`, for comparisons only. */
function bareAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const bare = (/<([^>]+)>/.exec(address)?.[1] ?? address).trim().replace(/^mailto:/i, "").toLowerCase();
  return bare === "" ? undefined : bare;
}

const fromOf = (message: EmailMessagePreview): string | undefined => messageFrom.parse(message).from?.email;
const documentsOf = (attachments: readonly EmailAttachment[] | undefined) => (attachments ?? []).filter((a) => a.inlineImage !== true);
const isActive = (p: EmailParticipant) => p.state === undefined || !INACTIVE_STATES.has(p.state.toLowerCase());

/** Messages latest first: by `time` when every message has one, else the reverse of the listing's order. */
function latestFirst(messages: readonly EmailMessagePreview[]): EmailMessagePreview[] {
  const times = messages.map((m) => (m.time === undefined ? Number.NaN : Date.parse(m.time)));
  const order = messages.map((message, index) => ({ message, index, time: times[index]! }));
  if (times.every(Number.isFinite)) order.sort((a, b) => b.time - a.time || b.index - a.index);
  else order.reverse();
  return order.map((o) => o.message);
}

/** Genesys errors that will not pass on a retry: the attachment is left out (unsupported) instead. */
function isPermanentDownloadError(error: unknown): boolean {
  if (error instanceof GenesysAttachmentTooLargeError || error instanceof GenesysDownloadRefusedError) return true;
  return error instanceof GenesysApiError && !(error instanceof GenesysRateLimitError) && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status);
}

/**
 * The first step: who is who in the conversation (customer, and the ACD participant waiting in the
 * triage queue), the text intent the inbound flow recorded, and the customer's latest inbound message
 * with attachments. Each attachment (inline images skipped) is downloaded within the byte limit,
 * stored as `conversations/<cid>/<attachmentId>/original`, inspected without OCR, and for readable
 * documents the bytes OCR should read (the first pages when truncated) are stored as `.../ocr` and a
 * text layer as `.../text.txt`. Genesys throttling and 5xx surface as GenesysRateLimitError /
 * GenesysApiError after the client's own retries; the step is idempotent (same keys, same content).
 */
export function makeHandler(deps: AttachmentLoadDependencies) {
  const limits = resolveDocumentLimits(deps.limits);
  const analyze = deps.analyze ?? analyzeDocument;

  async function loadDocument(conversationId: string, attachment: EmailAttachment): Promise<DocumentRef> {
    const { attachmentId } = attachment;
    const keys = documentKeys(conversationId, attachmentId);
    const base = { attachmentId, fileName: attachment.name, needsOcr: false, pagesTotal: 0, pagesAnalyzed: 0, truncated: false };
    if (attachment.contentLength > limits.maxBytes) {
      return { ...base, status: "unsupported", reason: `the file is ${attachment.contentLength} bytes; the limit is ${limits.maxBytes}` };
    }
    let bytes: Uint8Array;
    try {
      ({ bytes } = await deps.genesys.downloadAttachment(attachment.contentUri, limits.maxBytes));
    } catch (error) {
      if (error instanceof GenesysAttachmentTooLargeError) {
        return { ...base, status: "unsupported", reason: `the file is over the limit of ${limits.maxBytes} bytes` };
      }
      if (isPermanentDownloadError(error)) {
        deps.logger.warn("attachment could not be downloaded; left for manual review", { conversationId, attachmentId, error: describeError(error) });
        return { ...base, status: "unsupported", reason: `the file could not be downloaded (${errorName(error)})` };
      }
      throw error;
    }

    await deps.store.put(keys.original, bytes, attachment.contentType || "application/octet-stream");
    let analysis: DocumentAnalysis;
    try {
      analysis = await analyze(bytes, attachment.name, limits);
    } catch (error) {
      // The document core reports bad input as a status; an exception is a fault of ours. Route the email anyway.
      deps.logger.error("document analysis failed; left for manual review", { conversationId, attachmentId, error: describeError(error) });
      return { ...base, status: "invalid", reason: `the file could not be analysed (${errorName(error)})`, objectKey: keys.original };
    }

    const ref: DocumentRef = {
      ...base,
      status: analysis.status,
      ...(analysis.reason === undefined ? {} : { reason: analysis.reason }),
      objectKey: keys.original,
      pagesTotal: analysis.pagesTotal ?? 0,
      pagesAnalyzed: analysis.pagesAnalyzed,
      truncated: analysis.truncated,
    };
    if (analysis.status !== "readable") return ref;

    await deps.store.put(keys.ocr, analysis.classificationBytes, CONTENT_TYPES[analysis.type]);
    if (analysis.text !== undefined) {
      await deps.store.put(keys.text, analysis.text, TEXT_CONTENT_TYPE);
      return { ...ref, ocrKey: keys.ocr, textKey: keys.text, needsOcr: false };
    }
    return { ...ref, ocrKey: keys.ocr, needsOcr: true };
  }

  async function load(conversationId: string, triageQueueId: string): Promise<LoadedEmail> {
    const conversation = await deps.genesys.getEmailConversation(conversationId);
    const customer = conversation.participants.find((p) => p.purpose === "customer");
    if (customer === undefined) throw new ConversationNotRoutableError(`conversation ${conversationId} has no customer participant`);
    const waiting = conversation.participants.filter((p) => p.purpose === "acd" && p.queue?.id === triageQueueId);
    // UNCONFIRMED (genesys-api-facts.md §4.1): replace/queue is expected to take the ACD participant
    // waiting in the queue; with none in the triage queue, the customer participant is used instead.
    const acd = waiting.find(isActive) ?? waiting.at(-1) ?? customer;
    const intent = (customer.attributes?.intent ?? "").trim();
    const intentQueueName = intent.toLowerCase() === FALLBACK_INTENT ? "" : intent;

    const messages = await deps.genesys.listEmailMessages(conversationId);
    const customerAddress = bareAddress(participantAddress.parse(customer).address);
    const fromCustomer = customerAddress === undefined ? [] : messages.filter((m) => bareAddress(fromOf(m)) === customerAddress);
    // When the participant's address matches no sender (format differences), every message is the customer's:
    // in the triage queue no agent has replied yet, and agentless messages are not listed.
    const candidates = latestFirst(fromCustomer.length > 0 ? fromCustomer : messages);

    let chosen: EmailMessagePreview | undefined;
    let attachments: EmailAttachment[] = [];
    for (const preview of candidates) {
      const listed = preview.attachments ?? (await deps.genesys.getEmailMessage(conversationId, preview.id)).attachments;
      if (documentsOf(listed).length > 0) {
        chosen = preview;
        attachments = documentsOf(listed);
        break;
      }
    }
    const sender = fromOf(chosen ?? candidates[0] ?? { id: "" });

    const documents: DocumentRef[] = [];
    for (const attachment of attachments) documents.push(documentRef.parse(await loadDocument(conversationId, attachment)));
    return loadedEmail.parse({
      conversationId,
      customerParticipantId: customer.id,
      acdParticipantId: acd.id,
      ...(sender ? { customerAddress: sender } : {}),
      intentQueueName,
      documents,
    });
  }

  return async function handler(event: unknown): Promise<LoadedEmail> {
    const { conversationId, triageQueueId } = parseStepInput(executionInput, event, "attachment-load");
    try {
      const email = await load(conversationId, triageQueueId);
      deps.logger.info("email loaded", {
        conversationId,
        acdIsCustomer: email.acdParticipantId === email.customerParticipantId,
        hasIntent: email.intentQueueName !== "",
        documents: email.documents.map((d) => ({
          attachmentId: d.attachmentId,
          status: d.status,
          reason: d.reason,
          needsOcr: d.needsOcr,
          pagesTotal: d.pagesTotal,
          pagesAnalyzed: d.pagesAnalyzed,
          truncated: d.truncated,
        })),
      });
      for (const d of email.documents) {
        deps.metrics.addDimension("Status", d.status);
        deps.metrics.addMetric("AttachmentsLoaded", MetricUnit.Count, 1);
        deps.metrics.publishStoredMetrics();
      }
      return email;
    } catch (error) {
      deps.logger.error("loading the email failed", { conversationId, error: describeError(error) });
      throw error;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
