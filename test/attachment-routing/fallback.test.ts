import { FallbackRequest } from "../../functions/attachment-routing/core/contracts";
import { PIPELINE_STATUS_CHANGE } from "../../functions/attachment-routing/core/events";
import { makeHandler } from "../../functions/attachment-routing/fallback/handler";
import { FakeParticipant, GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { CONVERSATION_ID, genesysClientFor, recorders, TRIAGE_QUEUE_ID } from "./harness";

const QUEUE_IDS = { Billing: "q-billing", IRA: "q-ira" };
const FALLBACK_QUEUE_ID = "q-fallback";
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:gcx-dev-attachment-pipeline:${CONVERSATION_ID}`;

const participants = (intent: string | undefined, acdState = "connected"): FakeParticipant[] => [
  { id: "p-customer", purpose: "customer", state: "connected", attributes: intent === undefined ? {} : { intent, documentType: "Invoice" } },
  { id: "p-acd", purpose: "acd", state: acdState, queue: { id: TRIAGE_QUEUE_ID } },
];

const request = (overrides: Partial<FallbackRequest> = {}): FallbackRequest => ({
  conversationId: CONVERSATION_ID,
  triageQueueId: TRIAGE_QUEUE_ID,
  processingStatus: "CLASSIFY_FAILED",
  error: { Error: "InvalidStepInputError", Cause: "invalid attachment-classify input: email: invalid_type" },
  ...overrides,
});

/** Step Functions' status-change event, as EventBridge delivers it. */
const statusChange = (status: string, input: unknown = { conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID }) => ({
  version: "0",
  id: "ev-1",
  "detail-type": PIPELINE_STATUS_CHANGE.detailType,
  source: PIPELINE_STATUS_CHANGE.source,
  account: "123456789012",
  time: "2026-01-05T10:30:00Z",
  region: "us-east-1",
  resources: [EXECUTION_ARN],
  detail: {
    executionArn: EXECUTION_ARN,
    stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:gcx-dev-attachment-pipeline",
    name: CONVERSATION_ID,
    status,
    startDate: 1767607201000,
    stopDate: 1767609001000,
    input: typeof input === "string" ? input : JSON.stringify(input),
    output: null,
  },
});

describe("attachment-fallback against the Genesys fake", () => {
  let fake: GenesysFake;

  beforeEach(async () => {
    fake = await startGenesysFake();
  });
  afterEach(() => fake.close());

  function setup(maxRetries = 1) {
    const { logger, metrics } = recorders();
    const { client, sleeps } = genesysClientFor(fake, { maxRetries });
    const handler = makeHandler({ genesys: client, queueIds: QUEUE_IDS, fallbackQueueId: FALLBACK_QUEUE_ID, logger, metrics });
    return { handler, logger, metrics, sleeps };
  }

  it("moves the email to its text intent's queue with processingStatus saying why, leaving the document attributes", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants("Billing"), messages: [] });
    const { handler } = setup();

    // Act
    const result = await handler(request());

    // Assess
    expect(result).toEqual({ outcome: "routed", queueId: "q-billing", processingStatus: "CLASSIFY_FAILED" });
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toEqual({ intent: "Billing", documentType: "Invoice", processingStatus: "CLASSIFY_FAILED" });
    expect(fake.transfers).toEqual([expect.objectContaining({ participantId: "p-acd", queueId: "q-billing" })]);
  });

  it.each([
    ["the flow's fallback intent", "fallback"],
    ["no intent", undefined],
    ["an intent without a queue id", "Mortgages"],
  ])("moves the email to the fallback queue for %s", async (_what, intent) => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants(intent), messages: [] });
    const { handler } = setup();

    // Act / Assess
    await expect(handler(request({ processingStatus: "LOAD_FAILED" }))).resolves.toMatchObject({ outcome: "routed", queueId: FALLBACK_QUEUE_ID });
    expect(fake.transfers.map((t) => t.queueId)).toEqual([FALLBACK_QUEUE_ID]);
  });

  it("tries the fallback queue when the intent's queue refuses the email for good", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants("IRA"), messages: [] });
    fake.script((r) => r.path.endsWith("/replace/queue") && (r.body as { queueId?: string }).queueId === "q-ira", [{ status: 400, body: { message: "queue not accepting", code: "bad.request", status: 400 } }]);
    const { handler } = setup();

    // Act / Assess
    await expect(handler(request({ processingStatus: "ROUTE_FAILED" }))).resolves.toEqual({ outcome: "routed", queueId: FALLBACK_QUEUE_ID, processingStatus: "ROUTE_FAILED" });
    expect(fake.transfers.map((t) => t.queueId)).toEqual([FALLBACK_QUEUE_ID]);
  });

  it("still moves the email when processingStatus cannot be written", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants("Billing"), messages: [] });
    fake.script(/\/attributes$/, [{ status: 400, body: { message: "attribute rejected", code: "bad.request", status: 400 } }]);
    const { handler, logger } = setup();

    // Act / Assess
    await expect(handler(request())).resolves.toMatchObject({ outcome: "routed", queueId: "q-billing" });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/could not write processingStatus/), expect.anything());
  });

  it("does nothing when the email has already left the triage queue, or the conversation ended", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants("Billing", "disconnected"), messages: [] });
    const { handler, metrics } = setup();

    // Act
    const left = await handler(request());
    const ended = await handler(request({ conversationId: "c-gone" }));

    // Assess
    expect([left, ended]).toEqual([{ outcome: "left-triage" }, { outcome: "conversation-ended" }]);
    expect(fake.transfers).toEqual([]);
    expect(metrics.addDimension).toHaveBeenCalledWith("Reason", "conversation-ended");
  });

  it("throws transient Genesys failures under the names the state machine retries", async () => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants("Billing"), messages: [] });
    fake.script(/\/replace\/queue$/, [{ status: 503 }, { status: 503 }]);
    const { handler } = setup();

    // Act / Assess
    await expect(handler(request())).rejects.toMatchObject({ name: "GenesysApiError", status: 503 });
  });

  it.each([
    ["FAILED", "PIPELINE_FAILED"],
    ["TIMED_OUT", "PIPELINE_TIMED_OUT"],
    ["ABORTED", "PIPELINE_ABORTED"],
  ])("rescues the email of an execution that ended %s (Step Functions' status-change event)", async (status, processingStatus) => {
    // Arrange
    fake.seedConversation({ id: CONVERSATION_ID, participants: participants("Billing"), messages: [] });
    const { handler, logger } = setup();

    // Act
    const result = await handler(statusChange(status));

    // Assess
    expect(result).toEqual({ outcome: "routed", queueId: "q-billing", processingStatus });
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toMatchObject({ processingStatus });
    expect(logger.info).toHaveBeenCalledWith(expect.stringMatching(/could not route/), expect.objectContaining({ executionArn: EXECUTION_ARN }));
  });

  it("refuses, without calling Genesys, input it can never handle", async () => {
    const { handler } = setup();
    for (const event of [
      {},
      request({ processingStatus: "CLASSIFIED" as never }),
      statusChange("SUCCEEDED"),
      statusChange("FAILED", "not json"),
      statusChange("FAILED", { conversationId: CONVERSATION_ID }),
      request({ conversationId: "c".repeat(129) }),
    ]) {
      await expect(handler(event)).rejects.toMatchObject({ name: "InvalidStepInputError" });
    }
    expect(fake.apiRequests()).toEqual([]);
  });
});
