import * as z from "zod/mini";
import { Deadline } from "../../shared/deadline";
import {
  EmailAttachment,
  EmailMessagePreview,
  GenesysAttachmentTooLargeError,
  GenesysAuthError,
  GenesysClient,
  GenesysConversationEndedError,
  GenesysDownloadRefusedError,
  GenesysRequestRejectedError,
  GenesysResponseError,
  RequestOptions,
} from "../../shared/genesys/client";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { DocumentRef, documentRef, executionInput, LoadedEmail, loadedEmail, MAX_ADDRESS_CHARS, MAX_DOCUMENTS_PER_EMAIL, MAX_FILE_NAME_CHARS, MAX_ID_CHARS, MAX_REASON_CHARS } from "../core/contracts";
import { triageParticipants } from "../core/conversation";
import { documentKeys } from "../core/document-keys";
import { analyzeDocument, DocumentAnalysis, DocumentLimits, resolveDocumentLimits, SupportedType } from "../core/documents";
import { ConversationNotRoutableError, describeError, EmailLeftTriageError, errorName, parseStepInput, toStepError } from "../core/errors";
import { InvocationContext, invocationDeadline } from "../core/invocation";
import { DocumentStore, TEXT_CONTENT_TYPE } from "../core/storage";
import { recordTriageExit, triageExitOf } from "../core/triage-exit";

export interface AttachmentLoadDependencies {
  readonly genesys: Pick<GenesysClient, "getEmailConversation" | "listEmailMessages" | "getEmailMessage" | "downloadAttachment">;
  readonly store: DocumentStore;
  /** DOCUMENT_LIMITS; `maxDownloadBytes` caps each download. */
  readonly limits: Partial<DocumentLimits>;
  readonly analyze?: typeof analyzeDocument;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

const CONTENT_TYPES: Readonly<Record<SupportedType, string>> = { pdf: "application/pdf", png: "image/png", jpeg: "image/jpeg", tiff: "image/tiff" };

/** Fields Genesys sends that the client's types leave out (its schemas pass unknown fields through). */
const participantAddress = z.looseObject({ address: z.catch(z.optional(z.string()), undefined) });
const messageFrom = z.looseObject({ from: z.catch(z.optional(z.looseObject({ email: z.string() })), undefined) });

/** `Ann <ann@example.com>` or `ann@example.com` -> `ann@example.com`, for comparisons only. */
function bareAddress(address: string | undefined): string | undefined {
  if (address === undefined || address.length > 4 * MAX_ADDRESS_CHARS) return undefined;
  const bare = (/<([^<>]+)>/.exec(address)?.[1] ?? address).trim().replace(/^mailto:/i, "").toLowerCase();
  return bare === "" || bare.length > MAX_ADDRESS_CHARS ? undefined : bare;
}

const fromOf = (message: EmailMessagePreview): string | undefined => messageFrom.parse(message).from?.email;
const documentsOf = (attachments: readonly EmailAttachment[] | undefined) => (attachments ?? []).filter((a) => a.inlineImage !== true);
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Messages latest first: by `time` when every message has one, else the reverse of the listing's order. */
function latestFirst(messages: readonly EmailMessagePreview[]): EmailMessagePreview[] {
  const times = messages.map((m) => (m.time === undefined ? Number.NaN : Date.parse(m.time)));
  const order = messages.map((message, index) => ({ message, index, time: times[index]! }));
  if (times.every(Number.isFinite)) order.sort((a, b) => b.time - a.time || b.index - a.index);
  else order.reverse();
  return order.map((o) => o.message);
}

/**
 * Genesys errors that will not pass on a retry and concern this one attachment: it is left out
 * (unsupported) instead. A refused token or an ended conversation concerns the whole email: rethrown.
 */
function isPermanentDownloadError(error: unknown): boolean {
  if (error instanceof GenesysAttachmentTooLargeError || error instanceof GenesysDownloadRefusedError || error instanceof GenesysResponseError) return true;
  return error instanceof GenesysRequestRejectedError && !(error instanceof GenesysAuthError) && !(error instanceof GenesysConversationEndedError);
}

/**
 * The first step: who is who in the conversation (customer, and the ACD participant waiting in the
 * triage queue), the text intent the inbound flow recorded, and the customer's latest inbound message
 * with attachments. Each attachment (inline images skipped; at most MAX_DOCUMENTS_PER_EMAIL) is
 * downloaded within the download limit (Genesys' own email size limit) one at a time, stored whole
 * under its document keys (the compliance copy), inspected without OCR, and for readable documents the
 * bytes OCR should read (the first pages of a long or large PDF, an oversize image in a one-page PDF)
 * and a text layer are stored too. Every call runs within the invocation's deadline; transient failures surface under the
 * names the state machine retries, and the step is idempotent (same keys, same content). An email that
 * has left the triage queue, or whose conversation has ended, ends the execution (EmailLeftTriageError,
 * GenesysConversationEndedError).
 */
export function makeHandler(deps: AttachmentLoadDependencies) {
  const limits = resolveDocumentLimits(deps.limits);
  const analyze = deps.analyze ?? analyzeDocument;

  async function loadDocument(conversationId: string, attachment: EmailAttachment, deadline: Deadline): Promise<DocumentRef> {
    const { attachmentId } = attachment;
    const keys = documentKeys(conversationId, attachmentId);
    const call: RequestOptions & { deadline: Deadline } = { deadline };
    const base = { attachmentId, fileName: cut(attachment.name, MAX_FILE_NAME_CHARS), needsOcr: false, pagesTotal: 0, pagesAnalyzed: 0, truncated: false };
    if (attachment.contentLength > limits.maxDownloadBytes) {
      return { ...base, status: "unsupported", reason: `the file is ${attachment.contentLength} bytes; the download limit is ${limits.maxDownloadBytes}` };
    }
    let bytes: Uint8Array;
    try {
      ({ bytes } = await deps.genesys.downloadAttachment(attachment.contentUri, limits.maxDownloadBytes, call));
    } catch (error) {
      if (error instanceof GenesysAttachmentTooLargeError) {
        return { ...base, status: "unsupported", reason: `the file is over the download limit of ${limits.maxDownloadBytes} bytes` };
      }
      if (isPermanentDownloadError(error)) {
        deps.logger.warn("attachment could not be downloaded; left for manual review", { conversationId, attachmentId, error: describeError(error) });
        return { ...base, status: "unsupported", reason: `the file could not be downloaded (${errorName(error)})` };
      }
      throw error;
    }

    await deps.store.put(keys.original, bytes, attachment.contentType || "application/octet-stream", call);
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
      ...(analysis.reason === undefined ? {} : { reason: cut(analysis.reason, MAX_REASON_CHARS) }),
      objectKey: keys.original,
      pagesTotal: analysis.pagesTotal ?? 0,
      pagesAnalyzed: analysis.pagesAnalyzed,
      truncated: analysis.truncated,
    };
    if (analysis.status !== "readable") return ref;

    await deps.store.put(keys.ocr, analysis.classificationBytes, CONTENT_TYPES[analysis.classificationType], call);
    if (analysis.text !== undefined) {
      await deps.store.put(keys.text, analysis.text, TEXT_CONTENT_TYPE, call);
      return { ...ref, ocrKey: keys.ocr, textKey: keys.text, needsOcr: false };
    }
    return { ...ref, ocrKey: keys.ocr, needsOcr: true };
  }

  async function load(conversationId: string, triageQueueId: string, deadline: Deadline): Promise<LoadedEmail> {
    const call = { deadline };
    const conversation = await deps.genesys.getEmailConversation(conversationId, call);
    const { customer, waiting, leftTriage, intentQueueName } = triageParticipants(conversation, triageQueueId);
    if (leftTriage) throw new EmailLeftTriageError(`conversation ${conversationId} has no active participant in the triage queue`);
    if (customer === undefined || waiting === undefined) throw new ConversationNotRoutableError(`conversation ${conversationId} has no customer participant`);

    const messages = await deps.genesys.listEmailMessages(conversationId, call);
    const customerAddress = bareAddress(participantAddress.parse(customer).address);
    const fromCustomer = customerAddress === undefined ? [] : messages.filter((m) => bareAddress(fromOf(m)) === customerAddress);
    // When the participant's address matches no sender (format differences), every message is the customer's:
    // in the triage queue no agent has replied yet, and agentless messages are not listed.
    const candidates = latestFirst(fromCustomer.length > 0 ? fromCustomer : messages);

    let chosen: EmailMessagePreview | undefined;
    let attachments: EmailAttachment[] = [];
    for (const preview of candidates) {
      const listed = preview.attachments ?? (await deps.genesys.getEmailMessage(conversationId, preview.id, call)).attachments;
      if (documentsOf(listed).length > 0) {
        chosen = preview;
        attachments = documentsOf(listed);
        break;
      }
    }
    const from = fromOf(chosen ?? candidates[0] ?? { id: "" })?.trim();
    const sender = from !== undefined && from.length <= MAX_ADDRESS_CHARS ? from : undefined;

    const loadable = attachments.filter((a) => a.attachmentId.length <= MAX_ID_CHARS).slice(0, MAX_DOCUMENTS_PER_EMAIL);
    const documentsOmitted = attachments.length - loadable.length;
    if (documentsOmitted > 0) deps.logger.warn("attachments over the limit (or with over-long ids) were not loaded", { conversationId, documentsOmitted, limit: MAX_DOCUMENTS_PER_EMAIL });
    const documents: DocumentRef[] = [];
    for (const attachment of loadable) documents.push(documentRef.parse(await loadDocument(conversationId, attachment, deadline)));
    return loadedEmail.parse({
      conversationId,
      customerParticipantId: customer.id,
      acdParticipantId: waiting.id,
      ...(sender ? { customerAddress: sender } : {}),
      intentQueueName,
      documents,
      documentsOmitted,
    });
  }

  return async function handler(event: unknown, context?: InvocationContext): Promise<LoadedEmail> {
    const deadline = invocationDeadline(context, "load");
    const { conversationId, triageQueueId } = parseStepInput(executionInput, event, "attachment-load");
    try {
      const email = await load(conversationId, triageQueueId, deadline);
      deps.logger.info("email loaded", {
        conversationId,
        acdIsCustomer: email.acdParticipantId === email.customerParticipantId,
        hasIntent: email.intentQueueName !== "",
        documentsOmitted: email.documentsOmitted,
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
      const exit = triageExitOf(error);
      if (exit !== undefined) recordTriageExit(deps, "load", exit, conversationId);
      else deps.logger.error("loading the email failed", { conversationId, error: describeError(error) });
      throw toStepError(error);
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
