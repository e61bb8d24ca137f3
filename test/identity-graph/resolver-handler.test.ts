import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { makeHandler } from "../../functions/identity-graph/resolver/handler";
import { GenesysClient } from "../../functions/shared/genesys/client";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";
import { GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { attributesEvent, customerStart } from "../../scripts/fixtures/sample-identity-events";

const CONTEXT = { getRemainingTimeInMillis: () => 30_000 } as Context;
const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, body: typeof body === "string" ? body : JSON.stringify(body), attributes: {}, messageAttributes: {} }) as unknown as SQSRecord;
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe("identity-resolver batch handler", () => {
  let graph: LocalIdentityStore;
  let genesys: GenesysFake;
  let sleeps: number[];
  let deadLetters: Array<{ messageId: string; reason: string }>;
  let logger: { info: jest.Mock; warn: jest.Mock; error: jest.Mock };
  let handler: ReturnType<typeof makeHandler>;

  beforeEach(async () => {
    graph = await startLocalIdentityStore();
    genesys = await startGenesysFake();
    for (const [conversationId, participantId] of [
      ["conv-1", "cust-1"],
      ["conv-2", "cust-2"],
      ["conv-3", "cust-3"],
    ] as const) {
      genesys.seedConversation({ id: conversationId, participants: [{ id: participantId, purpose: "customer" }], messages: [] });
    }
    sleeps = [];
    deadLetters = [];
    logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const client = new GenesysClient({
      apiBaseUrl: genesys.apiBaseUrl,
      loginBaseUrl: genesys.loginBaseUrl,
      credentials: async () => ({ clientId: genesys.clientId, clientSecret: genesys.clientSecret }),
      maxRetries: 2,
      sleep: async (ms) => void sleeps.push(ms),
    });
    handler = makeHandler({
      resolve: (event, { deadline }) => resolveEvent(event, { store: graph.store, hasher: graph.hasher, settings: DEFAULT_IDENTITY_SETTINGS }, { deadline }),
      writeBack: (conversationId, state, { deadline }) => client.patchParticipantAttributes(conversationId, state.participantId, { ...state.attributes }, { deadline }),
      saveWriteBacks: (entries, { deadline }) => graph.store.saveWriteBacks(entries, { deadline }),
      deadLetter: async (r, reason) => void deadLetters.push({ messageId: r.messageId, reason }),
      logger,
      metrics: { addDimension: jest.fn(), addMetric: jest.fn(), publishStoredMetrics: jest.fn() },
    });
  });

  afterEach(async () => {
    await genesys.close();
    await graph.close();
  });

  const patches = () => genesys.apiRequests().filter((r) => r.method === "PATCH");

  it("dead-letters invalid events with their reason while the rest of the batch succeeds", async () => {
    // Act
    const response = await handler(
      batch(
        record("m-1", customerStart("e-1", "conv-1", "cust-1", { mediaType: "EMAIL", addressFrom: "ann@example.com" })),
        record("m-2", "{not json"),
        record("m-3", { id: "e-3", source: "x", "detail-type": "v2.detail.events.conversation.{id}.customer.start", detail: {} }),
      ),
      CONTEXT,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters).toEqual([
      { messageId: "m-2", reason: "message body is not JSON" },
      { messageId: "m-3", reason: expect.stringMatching(/^not a Genesys EventBridge event: detail\.eventBody: /) },
    ]);
    expect(genesys.attributesOf("conv-1", "cust-1")).toEqual({
      resolvedCustomerId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      identityTier: "deterministic",
      identityConfidence: "1.00",
    });
  });

  it("fails only the record whose write-back keeps failing, so SQS retries just that one", async () => {
    // Prepare
    genesys.script((r) => r.method === "PATCH" && r.path.includes("/conv-2/"), [{ status: 503 }, { status: 503 }, { status: 503 }]);

    // Act
    const response = await handler(
      batch(
        record("m-1", customerStart("e-1", "conv-1", "cust-1", { mediaType: "EMAIL", addressFrom: "ann@example.com" })),
        record("m-2", customerStart("e-2", "conv-2", "cust-2", { mediaType: "VOICE", ani: "tel:+12025550147" })),
      ),
      CONTEXT,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
    expect(genesys.attributesOf("conv-1", "cust-1")?.identityTier).toBe("deterministic");
    expect(genesys.attributesOf("conv-2", "cust-2")).toEqual({});
  });

  it("finishes a failed write-back when SQS redelivers the event", async () => {
    // Prepare
    genesys.script((r) => r.method === "PATCH", [{ status: 503 }, { status: 503 }, { status: 503 }]);
    const event = customerStart("e-2", "conv-2", "cust-2", { mediaType: "VOICE", ani: "tel:+12025550147" });
    expect(await handler(batch(record("m-2", event)), CONTEXT)).toEqual({ batchItemFailures: [{ itemIdentifier: "m-2" }] });

    // Act
    const retried = await handler(batch(record("m-2", event)), CONTEXT);

    // Assess
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(genesys.attributesOf("conv-2", "cust-2")?.identityTier).toBe("deterministic");
  });

  it("writes back only when the attributes change", async () => {
    // Act: the same customer, the same conversation, three events
    await handler(batch(record("m-1", customerStart("e-1", "conv-1", "cust-1", { mediaType: "EMAIL", addressFrom: "ann@example.com" }))), CONTEXT);
    await handler(batch(record("m-2", attributesEvent("e-2", "conv-1", "cust-1", { email: "ANN@example.com" }))), CONTEXT);
    await handler(batch(record("m-3", attributesEvent("e-3", "conv-1", "cust-1", { resolvedCustomerId: "x", identityTier: "deterministic" }))), CONTEXT);

    // Assess
    expect(patches()).toHaveLength(1);
    expect(patches()[0]!.body).toEqual({ attributes: genesys.attributesOf("conv-1", "cust-1") });
  });

  it("honours Retry-After when Genesys answers 429", async () => {
    // Prepare
    genesys.script((r) => r.method === "PATCH", [{ status: 429, headers: { "retry-after": "2" }, body: { message: "Rate limit exceeded" } }]);

    // Act
    const response = await handler(batch(record("m-1", customerStart("e-1", "conv-1", "cust-1", { mediaType: "EMAIL", addressFrom: "ann@example.com" }))), CONTEXT);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sleeps).toContain(2000);
    expect(patches()).toHaveLength(2);
    expect(genesys.attributesOf("conv-1", "cust-1")?.identityTier).toBe("deterministic");
  });

  it("never logs an identifier in clear text", async () => {
    // Act
    await handler(
      batch(
        record("m-1", customerStart("e-1", "conv-1", "cust-1", { mediaType: "EMAIL", addressFrom: "private.person@example.com" })),
        record("m-2", customerStart("e-2", "conv-2", "cust-2", { mediaType: "VOICE", ani: "tel:+12025550199" })),
        record("m-3", attributesEvent("e-3", "conv-3", "cust-3", { phone: "not-a-phone-555", ipAddress: "203.0.113.77" })),
      ),
      CONTEXT,
    );

    // Assess
    const logged = JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);
    expect(logger.info).toHaveBeenCalledTimes(3);
    for (const secret of ["private.person", "12025550199", "2025550199", "not-a-phone-555", "203.0.113.77"]) expect(logged).not.toContain(secret);
  });
});
