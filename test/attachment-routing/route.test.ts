import { makeHandler } from "../../functions/attachment-routing/route/handler";
import { LoadedEmail, RoutingDecision } from "../../functions/attachment-routing/core/contracts";
import { GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { allLogs, CONVERSATION_ID, CUSTOMER_ADDRESS, genesysClientFor, recorders, TRIAGE_QUEUE_ID } from "./harness";

const QUEUE_IDS = { Invoices: "q-invoices", Claims: "q-claims", Billing: "q-billing" };
const FALLBACK_QUEUE_ID = "q-fallback";
const RESEND = {
  fromAddress: "support@acme.mypurecloud.com",
  fromName: "Acme Support",
  subject: "Please resend your document",
  body: "We could not open your attachment because it is password-protected. Please send it again without a password.",
};

const EMAIL: LoadedEmail = {
  conversationId: CONVERSATION_ID,
  customerParticipantId: "p-customer",
  acdParticipantId: "p-acd",
  customerAddress: CUSTOMER_ADDRESS,
  intentQueueName: "Billing",
  documents: [{ attachmentId: "a-1", fileName: "invoice.pdf", status: "readable", needsOcr: false, pagesTotal: 1, pagesAnalyzed: 1, truncated: false }],
  documentsOmitted: 0,
};

const decision = (overrides: Partial<RoutingDecision> = {}): RoutingDecision => ({
  processingStatus: "CLASSIFIED",
  documentType: "Invoice",
  documentConfidence: 0.8666,
  targetQueueName: "Invoices",
  requestResend: false,
  ...overrides,
});

describe("attachment-route against the Genesys fake", () => {
  let fake: GenesysFake;

  beforeEach(async () => {
    fake = await startGenesysFake();
    fake.seedConversation({
      id: CONVERSATION_ID,
      participants: [
        { id: "p-customer", purpose: "customer", state: "connected", attributes: { intent: "Billing" } },
        { id: "p-acd", purpose: "acd", state: "connected", queue: { id: TRIAGE_QUEUE_ID } },
      ],
      messages: [],
    });
  });
  afterEach(() => fake.close());

  function setup(maxRetries = 4) {
    const { logger, metrics } = recorders();
    const { client, sleeps } = genesysClientFor(fake, { maxRetries });
    const handler = makeHandler({ genesys: client, queueIds: QUEUE_IDS, fallbackQueueId: FALLBACK_QUEUE_ID, resend: RESEND, logger, metrics });
    return { handler, logger, metrics, sleeps };
  }

  const writes = () =>
    fake
      .apiRequests()
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);

  it("writes processingReason next to processingStatus when the decision has one, for the agent", async () => {
    const { handler } = setup();
    const reason = "attachment 1: invalid, not a readable PDF (InvalidPDFException: Invalid PDF structure.)";

    await handler({ email: EMAIL, decision: decision({ processingStatus: "MANUAL_REVIEW", documentType: "", documentConfidence: 0, targetQueueName: "Billing", processingReason: reason }) });

    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toEqual({
      intent: "Billing",
      documentType: "",
      documentConfidence: "0.00",
      processingStatus: "MANUAL_REVIEW",
      processingReason: reason,
    });
  });

  it("writes the attributes, then moves the ACD participant to the document type's queue", async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const result = await handler({ email: EMAIL, decision: decision() });

    // Assess
    expect(result).toEqual({ queueId: "q-invoices", resendSent: false });
    expect(writes()).toEqual([
      `PATCH /api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`,
      `POST /api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`,
    ]);
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toEqual({ intent: "Billing", documentType: "Invoice", documentConfidence: "0.87", processingStatus: "CLASSIFIED" });
    expect(fake.transfers).toEqual([{ conversationId: CONVERSATION_ID, participantId: "p-acd", queueId: "q-invoices", body: { queueId: "q-invoices" } }]);
    expect(fake.agentlessEmails).toEqual([]);
  });

  it("asks the customer to resend an encrypted document with an agentless email stitched into the conversation, once", async () => {
    // Arrange
    const { handler, logger } = setup();
    const encrypted = decision({ processingStatus: "ENCRYPTED", documentType: "", documentConfidence: 0, targetQueueName: "Billing", requestResend: true });

    // Act
    const first = await handler({ email: EMAIL, decision: encrypted });
    const retried = await handler({ email: EMAIL, decision: encrypted });

    // Assess
    expect(first).toEqual({ queueId: "q-billing", resendSent: true });
    expect(retried).toEqual({ queueId: "q-billing", resendSent: false });
    expect(fake.agentlessEmails).toHaveLength(1);
    expect(fake.agentlessEmails[0]!.body).toEqual({
      senderType: "Outbound",
      fromAddress: { email: RESEND.fromAddress, name: RESEND.fromName },
      toAddresses: [{ email: CUSTOMER_ADDRESS }],
      subject: RESEND.subject,
      textBody: RESEND.body,
      conversationId: CONVERSATION_ID,
    });
    expect(writes().slice(0, 3)).toEqual([
      "POST /api/v2/conversations/emails/agentless",
      `PATCH /api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`,
      `POST /api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`,
    ]);
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toMatchObject({ documentType: "", documentConfidence: "0.00", processingStatus: "ENCRYPTED" });
    expect(allLogs(logger)).not.toContain(CUSTOMER_ADDRESS);
  });

  it("sends no resend request when the customer's address is unknown", async () => {
    // Arrange
    const { handler } = setup();
    const { customerAddress: _address, ...withoutAddress } = EMAIL;

    // Act
    await handler({ email: withoutAddress, decision: decision({ processingStatus: "ENCRYPTED", requestResend: true, targetQueueName: "Billing" }) });

    // Assess
    expect(fake.agentlessEmails).toEqual([]);
    expect(fake.transfers.map((t) => t.queueId)).toEqual(["q-billing"]);
  });

  it.each([
    ["an unknown queue name", "Mortgages"],
    ["an empty queue name", ""],
  ])("moves the email to the fallback queue for %s", async (_what, targetQueueName) => {
    // Arrange
    const { handler } = setup();

    // Act
    const result = await handler({ email: EMAIL, decision: decision({ processingStatus: "MANUAL_REVIEW", documentType: "", targetQueueName }) });

    // Assess
    expect(result.queueId).toBe(FALLBACK_QUEUE_ID);
    expect(fake.transfers.map((t) => t.queueId)).toEqual([FALLBACK_QUEUE_ID]);
  });

  it("honours Retry-After on a 429 and then completes", async () => {
    // Arrange
    fake.script(`PATCH /api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`, [
      { status: 429, headers: { "retry-after": "7" }, body: { message: "Rate limit exceeded", code: "too.many.requests", status: 429 } },
    ]);
    const { handler, sleeps } = setup();

    // Act
    await handler({ email: EMAIL, decision: decision() });

    // Assess
    expect(sleeps).toEqual([7000]);
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toMatchObject({ processingStatus: "CLASSIFIED" });
    expect(fake.transfers.map((t) => t.queueId)).toEqual(["q-invoices"]);
  });

  it("surfaces lasting throttling as GenesysRateLimitError, without moving the email", async () => {
    // Arrange
    fake.script(`PATCH /api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`, [{ status: 429, headers: { "retry-after": "3600" } }]);
    const { handler } = setup();

    // Act / Assess
    await expect(handler({ email: EMAIL, decision: decision() })).rejects.toMatchObject({ name: "GenesysRateLimitError", retryAfterSeconds: 3600 });
    expect(fake.transfers).toEqual([]);
  });

  it("surfaces a failing transfer as GenesysApiError after the attributes were written", async () => {
    // Arrange
    fake.script(`POST /api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`, [{ status: 502 }, { status: 502 }]);
    const { handler } = setup(1);

    // Act / Assess
    await expect(handler({ email: EMAIL, decision: decision() })).rejects.toMatchObject({ name: "GenesysApiError", status: 502 });
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toMatchObject({ processingStatus: "CLASSIFIED" });
  });

  it("recognizes an ended conversation (404 on the move) at once, without retrying it", async () => {
    // Arrange
    fake.script(`POST /api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`, [{ status: 404, body: { message: "Not found", code: "not.found", status: 404 } }]);
    const { handler, sleeps, metrics } = setup();

    // Act / Assess
    await expect(handler({ email: EMAIL, decision: decision() })).rejects.toMatchObject({ name: "GenesysConversationEndedError" });
    expect(sleeps).toEqual([]);
    expect(fake.apiRequests().filter((r) => r.path.endsWith("/replace/queue"))).toHaveLength(1);
    expect(metrics.addMetric).toHaveBeenCalledWith("EmailsNoLongerInTriage", "Count", 1);
  });

  it("throws a refused move (400) under a name the state machine does not retry: the fallback takes over", async () => {
    // Arrange
    fake.script(`POST /api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`, [{ status: 400, body: { message: "Bad queue", code: "bad.request", status: 400 } }]);
    const { handler, sleeps } = setup();

    // Act / Assess
    await expect(handler({ email: EMAIL, decision: decision() })).rejects.toMatchObject({ name: "GenesysRequestRejectedError", status: 400 });
    expect(sleeps).toEqual([]);
  });

  it("refuses input that breaks the contract", async () => {
    const { handler } = setup();
    await expect(handler({ email: EMAIL, decision: { ...decision(), documentConfidence: 2 } })).rejects.toMatchObject({ name: "InvalidStepInputError" });
    expect(fake.apiRequests()).toEqual([]);
  });
});
