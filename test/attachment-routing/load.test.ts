import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { makeHandler } from "../../functions/attachment-routing/load/handler";
import { DocumentRef, LoadedEmail, MAX_DOCUMENTS_PER_EMAIL, STATE_PAYLOAD_LIMIT_BYTES } from "../../functions/attachment-routing/core/contracts";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { generateSampleDocuments, loadPdfjsWorkerForJest, SampleDocuments } from "../support/documents";
import { FakeAttachment, FakeEmailMessage, FakeParticipant, GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { LocalS3, startS3rver } from "../support/s3rver";
import { allLogs, CONVERSATION_ID, CUSTOMER_ADDRESS, genesysClientFor, recorders, TRIAGE_QUEUE_ID } from "./harness";

const BUCKET = "documents";
/** As the infrastructure sets DOCUMENT_LIMITS. */
const LIMITS = { maxBytes: 10 * 1024 * 1024, classificationPages: 5 };

const prefix = (conversationId: string, attachmentId: string) => `conversations/${conversationId}/${attachmentId}`;

function message(id: string, time: string, from: string, attachments: FakeAttachment[]): FakeEmailMessage {
  // `from` is not in the fake's type, but Genesys sends it and the fake passes unknown fields through.
  const withFrom = { id, subject: "My documents", textBody: "Please see the attached files.", time, attachments, from: { email: from, name: "Dana Whitfield" } };
  return withFrom;
}

function participants(acdQueueId = TRIAGE_QUEUE_ID, intent = "Billing"): FakeParticipant[] {
  const customer = { id: "p-customer", purpose: "customer", state: "connected", attributes: { intent, language: "en" }, address: `Dana Whitfield <${CUSTOMER_ADDRESS.toUpperCase()}>` };
  return [
    customer,
    { id: "p-acd-earlier", purpose: "acd", state: "disconnected", queue: { id: "q-general" } },
    { id: "p-acd", purpose: "acd", state: "connected", queue: { id: acdQueueId } },
  ];
}

describe("attachment-load against the Genesys fake and s3rver, with real documents", () => {
  let samples: SampleDocuments;
  let fake: GenesysFake;
  let s3: LocalS3;

  beforeAll(async () => {
    await loadPdfjsWorkerForJest();
    samples = await generateSampleDocuments(mkdtempSync(join(tmpdir(), "attachment-load-samples-")));
  });
  afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));

  beforeEach(async () => {
    fake = await startGenesysFake();
    s3 = await startS3rver([BUCKET]);
  });
  afterEach(async () => {
    await fake.close();
    await s3.close();
  });

  function setup(limits: Record<string, number> = LIMITS) {
    const { logger, metrics } = recorders();
    const { client, sleeps } = genesysClientFor(fake, { maxRetries: 1 });
    const handler = makeHandler({ genesys: client, store: s3DocumentStore(s3.client, BUCKET), limits, logger, metrics });
    return { handler, logger, metrics, sleeps };
  }

  const file = (attachmentId: string, name: string, path: string, contentType: string, extra: Partial<FakeAttachment> = {}): FakeAttachment => ({
    attachmentId,
    name,
    contentType,
    bytes: readFileSync(path),
    ...extra,
  });

  describe("an email with every kind of attachment", () => {
    let email: LoadedEmail;
    let logs: string;
    const byId = (id: string): DocumentRef => {
      const found = email.documents.find((d) => d.attachmentId === id);
      if (!found) throw new Error(`no document ${id}`);
      return found;
    };

    beforeEach(async () => {
      fake.seedConversation({
        id: CONVERSATION_ID,
        participants: participants(),
        messages: [
          message("m-1", "2026-01-05T09:00:00.000Z", CUSTOMER_ADDRESS, [file("a-old", "old.pdf", samples.textPdf, "application/pdf")]),
          message("m-2", "2026-01-05T10:00:00.000Z", CUSTOMER_ADDRESS, [
            file("a-text", "invoice.pdf", samples.textPdf, "application/pdf"),
            file("a-image", "scanned-claim.pdf", samples.imagePdf, "application/pdf"),
            file("a-locked", "locked.pdf", samples.userPasswordPdf, "application/pdf"),
            file("a-long", "statement.pdf", samples.oversizePdf, "application/pdf", { chunked: true }),
            file("a-png", "complaint.png", samples.png, "image/png"),
            file("a-random", "x.pdf", samples.randomPdf, "application/pdf"),
            file("a-docx", "letter.docx", samples.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            file("a-logo", "logo.png", samples.png, "image/png", { inlineImage: true }),
          ]),
          // A later reply from the queue's own address is not the customer's email.
          message("m-3", "2026-01-05T11:00:00.000Z", "support@acme.mypurecloud.com", [file("a-agent", "terms.pdf", samples.textPdf, "application/pdf")]),
        ],
      });
      const { handler, logger } = setup();
      email = await handler({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID });
      logs = allLogs(logger);
    });

    it("names the participants, the text intent and the sender, and takes the customer's latest message", async () => {
      expect(email).toMatchObject({
        conversationId: CONVERSATION_ID,
        customerParticipantId: "p-customer",
        acdParticipantId: "p-acd",
        customerAddress: CUSTOMER_ADDRESS,
        intentQueueName: "Billing",
      });
      expect(email.documents.map((d) => d.attachmentId)).toEqual(["a-text", "a-image", "a-locked", "a-long", "a-png", "a-random", "a-docx"]);
    });

    it("skips inline images without downloading them", async () => {
      const downloads = fake.apiRequests().filter((r) => r.path.startsWith("/api/v2/downloads/")).map((r) => r.path);
      expect(downloads).not.toContain("/api/v2/downloads/a-logo");
      expect(await s3.listKeys(BUCKET, `${prefix(CONVERSATION_ID, "a-logo")}/`)).toEqual([]);
    });

    it("keeps a text PDF's text layer: no OCR needed", async () => {
      const p = prefix(CONVERSATION_ID, "a-text");
      expect(byId("a-text")).toEqual({
        attachmentId: "a-text",
        fileName: "invoice.pdf",
        status: "readable",
        objectKey: `${p}/original`,
        ocrKey: `${p}/ocr`,
        textKey: `${p}/text.txt`,
        needsOcr: false,
        pagesTotal: 1,
        pagesAnalyzed: 1,
        truncated: false,
      });
      expect(await s3.getText(BUCKET, `${p}/text.txt`)).toContain("Invoice No. INV-20931");
      expect(Buffer.from(await s3.getBytes(BUCKET, `${p}/original`)).equals(readFileSync(samples.textPdf))).toBe(true);
    });

    it("sends an image-only PDF and a PNG to OCR", async () => {
      for (const id of ["a-image", "a-png"]) {
        const p = prefix(CONVERSATION_ID, id);
        expect(byId(id)).toMatchObject({ status: "readable", needsOcr: true, objectKey: `${p}/original`, ocrKey: `${p}/ocr`, pagesTotal: 1 });
        expect(byId(id).textKey).toBeUndefined();
        expect(await s3.listKeys(BUCKET, `${p}/`)).toEqual([`${p}/ocr`, `${p}/original`]);
      }
    });

    it("marks a user-password PDF encrypted, with no OCR", async () => {
      const p = prefix(CONVERSATION_ID, "a-locked");
      const locked = byId("a-locked");
      expect(locked).toMatchObject({ status: "encrypted", needsOcr: false, objectKey: `${p}/original`, reason: expect.any(String) });
      expect(locked.ocrKey).toBeUndefined();
      expect(await s3.listKeys(BUCKET, `${p}/`)).toEqual([`${p}/original`]);
    });

    it("truncates a long PDF: the ocr object holds only the first 5 pages, the original is kept whole", async () => {
      const p = prefix(CONVERSATION_ID, "a-long");
      expect(byId("a-long")).toMatchObject({ status: "readable", truncated: true, pagesTotal: 8, pagesAnalyzed: 5, ocrKey: `${p}/ocr`, objectKey: `${p}/original` });
      const ocr = await PDFDocument.load(await s3.getBytes(BUCKET, `${p}/ocr`));
      expect(ocr.getPageCount()).toBe(5);
      const original = await s3.getBytes(BUCKET, `${p}/original`);
      expect(Buffer.from(original).equals(readFileSync(samples.oversizePdf))).toBe(true);
      expect((await PDFDocument.load(original)).getPageCount()).toBe(8);
    });

    it("leaves random bytes named .pdf and a .docx for manual review, without OCR", async () => {
      expect(byId("a-random")).toMatchObject({ status: "invalid", needsOcr: false, reason: expect.any(String) });
      expect(byId("a-docx")).toMatchObject({ status: "unsupported", needsOcr: false, reason: expect.stringMatching(/ZIP|docx/) });
      expect(byId("a-random").ocrKey).toBeUndefined();
      expect(byId("a-docx").ocrKey).toBeUndefined();
    });

    it("logs no customer address, document text or file name", () => {
      expect(logs).not.toContain(CUSTOMER_ADDRESS);
      expect(logs.toLowerCase()).not.toContain(CUSTOMER_ADDRESS.toLowerCase());
      expect(logs).not.toContain("INV-20931");
      expect(logs).not.toContain("invoice.pdf");
      expect(logs).toContain("a-long");
    });
  });

  it("returns no documents for an email without attachments; a fallback intent is empty; no ACD participant in triage means the customer's", async () => {
    // Arrange
    fake.seedConversation({ id: "c-plain", participants: participants("q-elsewhere", "fallback"), messages: [message("m-1", "2026-01-05T10:00:00.000Z", CUSTOMER_ADDRESS, [])] });
    const { handler } = setup();

    // Act
    const email = await handler({ conversationId: "c-plain", triageQueueId: TRIAGE_QUEUE_ID });

    // Assess
    expect(email).toEqual({
      conversationId: "c-plain",
      customerParticipantId: "p-customer",
      acdParticipantId: "p-customer",
      customerAddress: CUSTOMER_ADDRESS,
      intentQueueName: "",
      documents: [],
      documentsOmitted: 0,
    });
    expect(await s3.listKeys(BUCKET)).toEqual([]);
  });

  it("loads at most MAX_DOCUMENTS_PER_EMAIL attachments and counts the rest, so the state stays far under 256 KB", async () => {
    // Arrange: a hostile email with many attachments, each with a name far over any file system's limit.
    const many = Array.from({ length: MAX_DOCUMENTS_PER_EMAIL + 5 }, (_, i) => ({ ...file(`a-${i}`, `${"n".repeat(5_000)}-${i}.pdf`, samples.randomPdf, "application/pdf") }));
    fake.seedConversation({ id: "c-many", participants: participants(), messages: [message("m-1", "2026-01-05T10:00:00.000Z", CUSTOMER_ADDRESS, many)] });
    const { handler } = setup();

    // Act
    const email = await handler({ conversationId: "c-many", triageQueueId: TRIAGE_QUEUE_ID });

    // Assess
    expect(email.documents).toHaveLength(MAX_DOCUMENTS_PER_EMAIL);
    expect(email.documentsOmitted).toBe(5);
    expect(Math.max(...email.documents.map((d) => d.fileName.length))).toBeLessThanOrEqual(255);
    expect(Buffer.byteLength(JSON.stringify(email))).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES / 4);
  });

  it("ends the execution cleanly when the email has already left the triage queue, downloading nothing", async () => {
    // Arrange
    const left = participants().map((p) => (p.id === "p-acd" ? { ...p, state: "disconnected" } : p));
    fake.seedConversation({ id: CONVERSATION_ID, participants: left, messages: [message("m-1", "2026-01-05T10:00:00.000Z", CUSTOMER_ADDRESS, [file("a-png", "c.png", samples.png, "image/png")])] });
    const { handler, metrics } = setup();

    // Act / Assess
    await expect(handler({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID })).rejects.toMatchObject({ name: "EmailLeftTriageError" });
    expect(fake.apiRequests().map((r) => r.path)).toEqual([`/api/v2/conversations/emails/${CONVERSATION_ID}`]);
    expect(metrics.addMetric).toHaveBeenCalledWith("EmailsNoLongerInTriage", "Count", 1);
  });

  it("recognizes an ended conversation (404) at once, without retrying it", async () => {
    // Arrange: the conversation is not there any more.
    const { handler, sleeps, metrics } = setup();

    // Act / Assess
    await expect(handler({ conversationId: "c-ended", triageQueueId: TRIAGE_QUEUE_ID })).rejects.toMatchObject({ name: "GenesysConversationEndedError" });
    expect(fake.apiRequests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(metrics.addDimension).toHaveBeenCalledWith("Reason", "conversation-ended");
  });

  it("marks an attachment over the download limit unsupported without downloading it", async () => {
    // Arrange
    fake.seedConversation({
      id: "c-big",
      participants: participants(),
      messages: [message("m-1", "2026-01-05T10:00:00.000Z", CUSTOMER_ADDRESS, [file("a-png", "complaint.png", samples.png, "image/png")])],
    });
    const { handler } = setup({ ...LIMITS, maxDownloadBytes: 1000 });

    // Act
    const email = await handler({ conversationId: "c-big", triageQueueId: TRIAGE_QUEUE_ID });

    // Assess
    expect(email.documents).toEqual([
      expect.objectContaining({ attachmentId: "a-png", status: "unsupported", needsOcr: false, reason: expect.stringMatching(/download limit is 1000/) }),
    ]);
    expect(fake.requests.filter((r) => r.path.includes("/downloads/") || r.path.startsWith("/signed/"))).toEqual([]);
    expect(await s3.listKeys(BUCKET)).toEqual([]);
  });

  it("surfaces Genesys throttling as GenesysRateLimitError for the state machine's Retry", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants(), messages: [] });
    fake.script(`GET /api/v2/conversations/emails/${CONVERSATION_ID}`, [{ status: 429, headers: { "retry-after": "120" }, body: { message: "Rate limit exceeded", code: "too.many.requests", status: 429 } }]);
    const { handler } = setup();

    // Act / Assess
    await expect(handler({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID })).rejects.toMatchObject({ name: "GenesysRateLimitError" });
  });

  it("surfaces a Genesys 5xx as GenesysApiError after the client's retries", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants(), messages: [] });
    fake.script(`GET /api/v2/conversations/emails/${CONVERSATION_ID}`, [{ status: 503 }, { status: 503 }]);
    const { handler, sleeps } = setup();

    // Act / Assess
    await expect(handler({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID })).rejects.toMatchObject({ name: "GenesysApiError", status: 503 });
    expect(sleeps).toHaveLength(1);
  });

  it("refuses input that is not an execution input", async () => {
    const { handler } = setup();
    await expect(handler({ conversationId: CONVERSATION_ID })).rejects.toMatchObject({ name: "InvalidStepInputError" });
  });
});
