import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import type { ClassifierBackend } from "../../functions/shared/classifier/backend";
import { BUNDLE_ARTIFACTS } from "../../scripts/build/bundle-artifacts";
import { makeHandler } from "../../functions/attachment-routing/classify/handler";
import { makeHandler as makeLoadHandler } from "../../functions/attachment-routing/load/handler";
import { DocumentRef, LoadedEmail } from "../../functions/attachment-routing/core/contracts";
import { DocumentRoutingPolicy } from "../../functions/attachment-routing/core/decide";
import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { SoftmaxModel } from "../../functions/shared/classifier/model";
import { generateSampleDocuments, loadPdfjsWorkerForJest, SAMPLE_TEXTS } from "../support/documents";
import { startGenesysFake } from "../support/genesys-fake";
import { LocalS3, startS3rver } from "../support/s3rver";
import { allLogs, CONVERSATION_ID, CUSTOMER_ADDRESS, genesysClientFor, recorders, TRIAGE_QUEUE_ID } from "./harness";

const BUCKET = "documents";
const POLICY: DocumentRoutingPolicy = { documentQueues: { Invoice: "Invoices", ClaimForm: "Claims", Complaint: "Complaints" }, confidenceThreshold: 0.75 };

function doc(attachmentId: string, overrides: Partial<DocumentRef> = {}): DocumentRef {
  const keys = documentKeys(CONVERSATION_ID, attachmentId);
  return {
    attachmentId,
    fileName: `${attachmentId}.pdf`,
    status: "readable",
    objectKey: keys.original,
    ocrKey: keys.ocr,
    textKey: keys.text,
    needsOcr: false,
    pagesTotal: 1,
    pagesAnalyzed: 1,
    truncated: false,
    ...overrides,
  };
}

const scanned = (attachmentId: string) => doc(attachmentId, { textKey: undefined, needsOcr: true });

function email(documents: DocumentRef[], intentQueueName = "Billing"): LoadedEmail {
  return { conversationId: CONVERSATION_ID, customerParticipantId: "p-customer", acdParticipantId: "p-acd", customerAddress: CUSTOMER_ADDRESS, intentQueueName, documents, documentsOmitted: 0 };
}

describe("attachment-classify with the embedded document model", () => {
  let model: SoftmaxModel;
  let s3: LocalS3;

  beforeAll(async () => {
    model = JSON.parse(BUNDLE_ARTIFACTS["attachment-routing/classify"]!()["model.json"]!) as SoftmaxModel;
    s3 = await startS3rver([BUCKET]);
    const store = s3DocumentStore(s3.client, BUCKET);
    await store.put(documentKeys(CONVERSATION_ID, "a-statement").text, SAMPLE_TEXTS.statement.join("\n"), "text/plain");
    await store.put(documentKeys(CONVERSATION_ID, "a-claim").text, SAMPLE_TEXTS.claim.join("\n"), "text/plain");
    await store.put(documentKeys(CONVERSATION_ID, "a-scan").ocrText, SAMPLE_TEXTS.complaint.join("\n"), "text/plain");
    await store.put(documentKeys(CONVERSATION_ID, "a-blank").ocrText, "  \n ", "text/plain");
  });
  afterAll(() => s3.close());

  function setup(backend: ClassifierBackend = embeddedBackend(model)) {
    const { logger, metrics } = recorders();
    const handler = makeHandler({ backend: () => backend, store: s3DocumentStore(s3.client, BUCKET), policy: POLICY, logger, metrics });
    return { handler, logger };
  }

  it("ships the document-types model as model.json", () => {
    expect(Object.keys(BUNDLE_ARTIFACTS["attachment-routing/classify"]!())).toEqual(["model.json"]);
    expect(model.kind).toBe("softmax-tfidf");
    expect(model.labels).toEqual(["ClaimForm", "Complaint", "Invoice", "Other"]);
    expect(model.trainedOn.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("routes an email with an invoice text PDF (through attachment-load) to the invoice queue, CLASSIFIED", async () => {
    // Arrange: the real load step puts the PDF and its text layer in the bucket.
    await loadPdfjsWorkerForJest();
    const samples = await generateSampleDocuments(mkdtempSync(join(tmpdir(), "attachment-classify-samples-")));
    const fake = await startGenesysFake();
    try {
      const from = { email: CUSTOMER_ADDRESS };
      const invoiceMail = { id: "m-1", textBody: "Invoice attached.", time: "2026-01-05T10:00:00.000Z", from, attachments: [{ attachmentId: "a-invoice", name: "invoice.pdf", contentType: "application/pdf", bytes: readFileSync(samples.textPdf) }] };
      fake.seedConversation({ id: CONVERSATION_ID, participants: [{ id: "p-customer", purpose: "customer", attributes: { intent: "Billing" } }, { id: "p-acd", purpose: "acd", queue: { id: TRIAGE_QUEUE_ID } }], messages: [invoiceMail] });
      const load = makeLoadHandler({ genesys: genesysClientFor(fake).client, store: s3DocumentStore(s3.client, BUCKET), limits: {}, ...recorders() });
      const loaded = await load({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID });
      const { handler, logger } = setup();

      // Act: the input as the state machine builds it (the Map's NoOcr branch yields {attachmentId}).
      const decision = await handler({ email: loaded, ocr: [{ attachmentId: "a-invoice" }], failure: null });

      // Assess
      expect(decision).toEqual({ processingStatus: "CLASSIFIED", documentType: "Invoice", documentConfidence: expect.any(Number), targetQueueName: "Invoices", requestResend: false });
      expect(decision.documentConfidence).toBeGreaterThan(0.75);
      expect(allLogs(logger)).not.toContain("INV-20931");
      expect(allLogs(logger)).not.toContain(CUSTOMER_ADDRESS);
    } finally {
      await fake.close();
      rmSync(samples.dir, { recursive: true, force: true });
    }
  });

  it("keeps the text intent's queue for a document classified Other, recording the type", async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const decision = await handler({ email: email([doc("a-statement")]), ocr: [], failure: null });

    // Assess
    expect(decision).toMatchObject({ processingStatus: "CLASSIFIED", documentType: "Other", targetQueueName: "Billing", requestResend: false });
  });

  it("classifies OCR text from the callback's textKey", async () => {
    // Arrange
    const { handler } = setup();
    const textKey = documentKeys(CONVERSATION_ID, "a-scan").ocrText;

    // Act
    const decision = await handler({ email: email([scanned("a-scan"), doc("a-statement")]), ocr: [{ attachmentId: "a-scan", textKey }, { attachmentId: "a-statement" }] });

    // Assess
    expect(decision).toMatchObject({ processingStatus: "CLASSIFIED", documentType: "Complaint", targetQueueName: "Complaints" });
  });

  it("routes with MANUAL_REVIEW_REQUIRED to the text intent's queue when OCR timed out", async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const decision = await handler({ email: email([scanned("a-scan")]), ocr: [], failure: "timeout" });

    // Assess
    expect(decision).toEqual({ processingStatus: "MANUAL_REVIEW_REQUIRED", documentType: "", documentConfidence: 0, targetQueueName: "Billing", requestResend: false });
  });

  it("treats OCR'd documents as unreadable when OCR failed, still classifying text layers", async () => {
    // Arrange
    const { handler } = setup();
    const ocrText = documentKeys(CONVERSATION_ID, "a-scan").ocrText;

    // Act
    const onlyScans = await handler({ email: email([scanned("a-scan")]), ocr: [{ attachmentId: "a-scan", textKey: ocrText }], failure: "ocr-failed" });
    const withText = await handler({ email: email([scanned("a-scan"), doc("a-claim")]), ocr: [], failure: "ocr-failed" });

    // Assess
    expect(onlyScans).toMatchObject({ processingStatus: "MANUAL_REVIEW", targetQueueName: "Billing" });
    expect(withText).toMatchObject({ processingStatus: "CLASSIFIED", documentType: "ClaimForm", targetQueueName: "Claims" });
  });

  it("asks for a resend when the only document is encrypted", async () => {
    // Arrange
    const { handler } = setup();
    const locked = doc("a-locked", { status: "encrypted", reason: "the PDF needs a password to open", ocrKey: undefined, textKey: undefined });

    // Act
    const decision = await handler({ email: email([locked]), ocr: [], failure: null });

    // Assess
    expect(decision).toEqual({ processingStatus: "ENCRYPTED", documentType: "", documentConfidence: 0, targetQueueName: "Billing", requestResend: true });
  });

  it("routes with no attachments at once to the text intent's queue", async () => {
    const { handler } = setup();
    await expect(handler({ email: email([], ""), ocr: [], failure: null })).resolves.toMatchObject({ processingStatus: "NO_ATTACHMENTS", targetQueueName: "" });
  });

  it("treats missing or blank text and a failing classifier as unreadable, still routing the email", async () => {
    // Arrange
    const failing: ClassifierBackend = {
      name: "failing",
      classify: async () => {
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      },
    };
    const blank = scanned("a-blank");
    const missing = doc("a-missing");

    // Act
    const unreadable = await setup().handler({ email: email([blank, missing]), ocr: [{ attachmentId: "a-blank", textKey: documentKeys(CONVERSATION_ID, "a-blank").ocrText }] });
    const backendDown = await setup(failing).handler({ email: email([doc("a-claim")]), ocr: [] });

    // Assess
    expect(unreadable).toMatchObject({ processingStatus: "MANUAL_REVIEW", targetQueueName: "Billing" });
    expect(backendDown).toMatchObject({ processingStatus: "MANUAL_REVIEW", targetQueueName: "Billing" });
  });

  it("refuses input that breaks the contract", async () => {
    const { handler } = setup();
    await expect(handler({ email: { conversationId: CONVERSATION_ID }, ocr: [] })).rejects.toMatchObject({ name: "InvalidStepInputError" });
    await expect(handler({ email: email([]), failure: "exploded" })).rejects.toMatchObject({ name: "InvalidStepInputError" });
  });
});
