/**
 * Hostile inputs and faults at the identity resolver's entry point (the SQS batch handler, through the
 * real core, the local engine and the Genesys fake): each record ends resolved, returned to SQS
 * (transient: batchItemFailures) or in the dead-letter queue with its reason; none is lost and the handler
 * never throws. `IDENTITY_FAULT_TABLE=1` prints the closing table.
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { DynamoDBClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { Deadline, deadlineIn } from "../../functions/shared/deadline";
import { GenesysClient } from "../../functions/shared/genesys/client";
import { makeHandler } from "../../functions/identity-graph/resolver/handler";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { localDynamoDBClient, LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";
import { attributesEvent, customerStart, conversationEvent } from "../../scripts/fixtures/sample-identity-events";
import { countRequests, inspectRequests, RequestLog } from "../../scripts/local/dynamodb-requests";
import { GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { invariantViolations } from "../support/identity-invariants";

jest.setTimeout(120_000);

type Outcome = "resolved" | "retried" | "dead-lettered" | "lost";

interface Harness {
  readonly graph: LocalIdentityStore;
  readonly genesys: GenesysFake;
  readonly requests: RequestLog;
  readonly deadLetters: Array<{ messageId: string; reason: string }>;
  /** DynamoDB requests whose body contains this text fail with the given error (before they are sent). */
  failDynamoDB(text: string, error: () => Error): void;
  /** Genesys API calls go to a server that never answers. */
  hangGenesys(): Promise<void>;
  /** The dead-letter queue refuses sends. */
  breakDeadLetterQueue(): void;
  run(records: SQSRecord[], deadline?: Deadline): Promise<{ outcomes: Map<string, Outcome>; reasons: Map<string, string> }>;
  close(): Promise<void>;
}

const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, body: typeof body === "string" ? body : JSON.stringify(body), attributes: {}, messageAttributes: {} }) as unknown as SQSRecord;
const CONTEXT = { getRemainingTimeInMillis: () => 30_000 } as Context;

async function harness(): Promise<Harness> {
  const genesys = await startGenesysFake();
  for (let i = 1; i <= 9; i++) genesys.seedConversation({ id: `conv-${i}`, participants: [{ id: `cust-${i}`, purpose: "customer" }], messages: [] });
  const failures: Array<{ text: string; error: () => Error }> = [];
  let requests!: RequestLog;
  const graph = await startLocalIdentityStore({
    client: (endpoint): DynamoDBClient => {
      const client = localDynamoDBClient(endpoint);
      requests = countRequests(client);
      inspectRequests(client, (body) => {
        const failure = failures.find((f) => body.includes(f.text));
        if (failure) throw failure.error();
      });
      return client;
    },
  });
  let hanging: Server | undefined;
  let apiBaseUrl = genesys.apiBaseUrl;
  let deadLetterQueueBroken = false;
  const deadLetters: Array<{ messageId: string; reason: string }> = [];
  const client = () =>
    new GenesysClient({
      apiBaseUrl,
      loginBaseUrl: genesys.loginBaseUrl,
      credentials: async () => ({ clientId: genesys.clientId, clientSecret: genesys.clientSecret }),
      maxRetries: 2,
      sleep: async () => undefined,
    });
  let genesysClient = client();
  return {
    graph,
    genesys,
    get requests() {
      return requests;
    },
    deadLetters,
    failDynamoDB: (text, error) => failures.push({ text, error }),
    hangGenesys: async () => {
      hanging = createServer(() => undefined);
      await new Promise<void>((resolve) => hanging!.listen(0, "127.0.0.1", resolve));
      apiBaseUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      genesysClient = client();
    },
    breakDeadLetterQueue: () => (deadLetterQueueBroken = true),
    async run(records, deadline = deadlineIn(8_000)) {
      const resolved = new Set<string>();
      const handler = makeHandler({
        resolve: (event, options) => resolveEvent(event, { store: graph.store, hasher: graph.hasher, settings: DEFAULT_IDENTITY_SETTINGS }, options),
        writeBack: (conversationId, state, options) => genesysClient.patchParticipantAttributes(conversationId, state.participantId, { ...state.attributes }, options),
        saveWriteBacks: (entries, options) => graph.store.saveWriteBacks(entries, options),
        deadLetter: async (r, reason) => {
          if (deadLetterQueueBroken) throw Object.assign(new Error("SQS is unavailable"), { name: "ServiceUnavailable", $fault: "server" });
          deadLetters.push({ messageId: r.messageId, reason });
        },
        logger: {
          info: (message: string, fields?: Record<string, unknown>) => void (message === "identity event resolved" && resolved.add(String(fields?.messageId))),
          warn: () => undefined,
          error: () => undefined,
        } as never,
        metrics: { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined } as never,
        deadlineOf: () => deadline,
      });
      const { batchItemFailures } = await handler({ Records: records } as SQSEvent, CONTEXT);
      const retried = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      const outcomes = new Map<string, Outcome>();
      const reasons = new Map<string, string>();
      for (const { messageId } of records) {
        const dead = deadLetters.find((d) => d.messageId === messageId);
        if (dead) reasons.set(messageId, dead.reason);
        const ends = [retried.has(messageId) && "retried", dead && "dead-lettered", resolved.has(messageId) && !retried.has(messageId) && !dead && "resolved"].filter(Boolean);
        outcomes.set(messageId, ends.length === 1 ? (ends[0] as Outcome) : "lost");
      }
      return { outcomes, reasons };
    },
    async close() {
      hanging?.close();
      hanging?.closeAllConnections();
      await genesys.close();
      await graph.close();
    },
  };
}

const email = (i: number) => customerStart(`e-${i}`, `conv-${i}`, `cust-${i}`, { mediaType: "EMAIL", addressFrom: `ann${i}@example.com` });
const table: Array<{ input: string; outcomes: Outcome[] }> = [];

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

async function tried(input: string, records: SQSRecord[], deadline?: Deadline) {
  const result = await h.run(records, deadline);
  table.push({ input, outcomes: [...result.outcomes.values()] });
  return result;
}

afterAll(() => {
  if (process.env.IDENTITY_FAULT_TABLE !== "1") return;
  const count = (o: Outcome) => table.reduce((n, row) => n + row.outcomes.filter((x) => x === o).length, 0);
  const lines = table.map((row) => `| ${row.input} | ${row.outcomes.length} | ${row.outcomes.filter((o) => o === "resolved").length} | ${row.outcomes.filter((o) => o === "retried").length} | ${row.outcomes.filter((o) => o === "dead-lettered").length} | ${row.outcomes.filter((o) => o === "lost").length} |`);
  process.stdout.write(
    ["| identity-resolver input | tried | handled | retried | dead-lettered | lost |", "|---|---|---|---|---|---|", ...lines, `| total | ${table.reduce((n, r) => n + r.outcomes.length, 0)} | ${count("resolved")} | ${count("retried")} | ${count("dead-lettered")} | ${count("lost")} |`].join("\n") + "\n",
  );
});

describe("the identity resolver's batch handler under hostile input and faults", () => {
  it("dead-letters a body that is not JSON, and JSON that is not an envelope, at once, with the reason", async () => {
    // Act
    const { outcomes, reasons } = await tried("not JSON; JSON that is not an EventBridge envelope", [
      record("m-1", "{not json"),
      record("m-2", "null"),
      record("m-3", "[1,2]"),
      record("m-4", { id: "e-4", source: "x", "detail-type": "v2.detail.events.conversation.{id}.customer.start", detail: {} }),
    ]);

    // Assess
    expect([...outcomes.values()]).toEqual(["dead-lettered", "dead-lettered", "dead-lettered", "dead-lettered"]);
    expect(reasons.get("m-1")).toBe("message body is not JSON");
    expect(reasons.get("m-4")).toMatch(/^not a Genesys EventBridge event: detail\.eventBody: /);
  });

  it("dead-letters ids too long for a table key (event id over 2 KB, conversation id over 256 characters)", async () => {
    // Act
    const { outcomes, reasons } = await tried("event id 3,000 characters; conversation id 300 characters", [
      record("m-1", customerStart("e".repeat(3_000), "conv-1", "cust-1", { mediaType: "EMAIL", addressFrom: "a@example.com" })),
      record("m-2", customerStart("e-2", "c".repeat(300), "cust-2", { mediaType: "EMAIL", addressFrom: "b@example.com" })),
    ]);

    // Assess
    expect([...outcomes.values()]).toEqual(["dead-lettered", "dead-lettered"]);
    expect(reasons.get("m-1")).toBe("not a Genesys EventBridge event: id: longer than 256 characters");
    expect(reasons.get("m-2")).toBe("not a Genesys EventBridge event: detail.eventBody.conversationId: longer than 256 characters");
    expect(await h.graph.countProfiles()).toBe(0);
  });

  it("resolves events with oversized or crafted identifiers, dropping those identifiers with a reason", async () => {
    // Prepare: a 240 KB crafted email (a backtracking pattern took 31.7 s on it), a 200 KB phone, 10,000 attributes, 500 external ids.
    const crafted = `a@${"a.".repeat(120_000)}`;
    const manyAttributes = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, "v"]));
    const events = [
      attributesEvent("e-1", "conv-1", "cust-1", { email: crafted }),
      attributesEvent("e-2", "conv-2", "cust-2", { phone: "1".repeat(200_000), email: "ok2@example.com" }),
      attributesEvent("e-3", "conv-3", "cust-3", { ...manyAttributes, email: "ok3@example.com" }),
      customerStart("e-4", "conv-4", "cust-4", { mediaType: "MESSAGE", conversationExternalContactIds: Array.from({ length: 500 }, (_, i) => `ext-${i}`) }),
    ];

    // Act
    const { outcomes } = await tried("240 KB email; 200 KB phone; 10,000 attributes; 500 external contact ids", events.map((e, i) => record(`m-${i + 1}`, e)));

    // Assess
    expect(events.every((e) => JSON.stringify(e).length <= 256 * 1024)).toBe(true);
    expect([...outcomes.values()]).toEqual(["resolved", "resolved", "resolved", "resolved"]);
    expect(await h.graph.store.ownerOf(h.graph.hasher.identify({ type: "email", value: "ok3@example.com" }).key)).toBeDefined();
    const profile = (await h.graph.store.profiles([(await h.graph.store.ownerOf(h.graph.hasher.identify({ type: "conv", value: "conv-4" }).key))!.profileId])).values().next().value;
    expect(profile?.identifierKeys.filter((k) => k.startsWith("ext#"))).toHaveLength(10);
  });

  it("ignores topics it does not consume and our own write-back echoed back", async () => {
    // Act
    const { outcomes } = await tried("unknown topic; write-back echo", [
      record("m-1", conversationEvent("e-1", "wrapup", { conversationId: "conv-1" })),
      record("m-2", attributesEvent("e-2", "conv-2", "cust-2", { resolvedCustomerId: "x", identityTier: "anonymous" })),
    ]);

    // Assess
    expect([...outcomes.values()]).toEqual(["resolved", "resolved"]);
  });

  it("dead-letters a write-back to an ended conversation (404) at once, keeping the resolution", async () => {
    // Act
    const { outcomes, reasons } = await tried("write-back 404 (conversation ended)", [record("m-1", customerStart("e-1", "conv-gone", "cust-x", { mediaType: "EMAIL", addressFrom: "gone@example.com" }))]);

    // Assess
    expect(outcomes.get("m-1")).toBe("dead-lettered");
    expect(reasons.get("m-1")).toMatch(/^GenesysConversationEndedError: /);
    expect(await h.graph.store.ownerOf(h.graph.hasher.identify({ type: "email", value: "gone@example.com" }).key)).toBeDefined();
    expect(h.genesys.apiRequests().filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("dead-letters other refused write-backs (400, 403) at once", async () => {
    // Prepare
    h.genesys.script((r) => r.method === "PATCH" && r.path.includes("/conv-1/"), [{ status: 400, body: { message: "bad attributes", code: "bad.request", status: 400 } }]);
    h.genesys.script((r) => r.method === "PATCH" && r.path.includes("/conv-2/"), [{ status: 403, body: { message: "missing permission", code: "missing.permissions", status: 403 } }]);

    // Act
    const { outcomes, reasons } = await tried("write-back 400; write-back 403", [record("m-1", email(1)), record("m-2", email(2))]);

    // Assess
    expect([...outcomes.values()]).toEqual(["dead-lettered", "dead-lettered"]);
    expect(reasons.get("m-1")).toMatch(/^GenesysRequestRejectedError: .*HTTP 400/);
  });

  it("returns to SQS an event whose write-back keeps failing with 5xx, or is throttled past the deadline, and the rest of its conversation with it", async () => {
    // Prepare
    h.genesys.script((r) => r.method === "PATCH" && r.path.includes("/conv-1/"), [{ status: 503 }, { status: 503 }, { status: 503 }]);
    h.genesys.script((r) => r.method === "PATCH" && r.path.includes("/conv-2/"), [{ status: 429, headers: { "retry-after": "40" }, body: { message: "Rate limit exceeded" } }]);

    // Act
    const { outcomes } = await tried("write-back 503 x3; 429 Retry-After 40 s; a later event of that conversation; another conversation", [
      record("m-1", email(1)),
      record("m-2", email(2)),
      record("m-3", attributesEvent("e-3", "conv-2", "cust-2", { phone: "+12025550123" })),
      record("m-4", email(4)),
    ]);

    // Assess
    expect([...outcomes.values()]).toEqual(["retried", "retried", "retried", "resolved"]);
    expect(await h.graph.store.ownerOf(h.graph.hasher.identify({ type: "phone", value: "+12025550123" }).key)).toBeUndefined();
  });

  it("returns to SQS, within the deadline, an event whose Genesys call never answers", async () => {
    // Prepare
    await h.hangGenesys();

    // Act
    const { outcomes } = await tried("Genesys never answers", [record("m-1", email(1))], deadlineIn(1_500));

    // Assess
    expect(outcomes.get("m-1")).toBe("retried");
  });

  it("dead-letters an event when Genesys refuses the credentials (401 with a fresh token)", async () => {
    // Prepare
    h.genesys.script((r) => r.method === "PATCH", [{ status: 401 }, { status: 401 }, { status: 401 }]);

    // Act
    const { outcomes, reasons } = await tried("write-back 401 after a token refresh", [record("m-1", email(1))]);

    // Assess
    expect(outcomes.get("m-1")).toBe("dead-lettered");
    expect(reasons.get("m-1")).toMatch(/^Genesys(Auth|RequestRejected)Error/);
  });

  it("returns to SQS an event DynamoDB throttles, and dead-letters one it refuses as invalid", async () => {
    // Prepare
    h.failDynamoDB("conv-1", () => new ProvisionedThroughputExceededException({ message: "The level of configured provisioned throughput for the table was exceeded.", $metadata: {} }));
    h.failDynamoDB(
      "conv-2",
      () => new DynamoDBServiceException({ name: "ValidationException", $fault: "client", message: "Item size has exceeded the maximum allowed size", $metadata: {} }),
    );

    // Act
    const { outcomes, reasons } = await tried("DynamoDB throttling; DynamoDB ValidationException", [record("m-1", email(1)), record("m-2", email(2)), record("m-3", email(3))]);

    // Assess
    expect([...outcomes.values()]).toEqual(["retried", "dead-lettered", "resolved"]);
    expect(reasons.get("m-2")).toBe("ValidationException: Item size has exceeded the maximum allowed size");
  });

  it("returns the whole batch to SQS untouched when the invocation has no time left", async () => {
    // Act
    const { outcomes } = await tried("no time left in the invocation", [record("m-1", email(1)), record("m-2", email(2))], deadlineIn(100));

    // Assess
    expect([...outcomes.values()]).toEqual(["retried", "retried"]);
    expect(await h.graph.countProfiles()).toBe(0);
  });

  it("returns an invalid event to SQS when the dead-letter queue cannot take it", async () => {
    // Prepare
    h.breakDeadLetterQueue();

    // Act
    const { outcomes } = await tried("invalid event while the dead-letter queue is down", [record("m-1", "{not json")]);

    // Assess
    expect(outcomes.get("m-1")).toBe("retried");
  });

  it("resolves the records of a batch concurrently, and the events of one conversation in order", async () => {
    // Prepare: six conversations, the last with three events that build on each other.
    const records = [
      ...Array.from({ length: 6 }, (_, i) => record(`m-${i + 1}`, email(i + 1))),
      record("m-7", attributesEvent("e-7", "conv-6", "cust-6", { phone: "+12025550166" })),
      record("m-8", attributesEvent("e-8", "conv-6", "cust-6", { crmId: "CRM-66" })),
    ];
    h.requests.reset();

    // Act
    const { outcomes } = await tried("a batch of eight across six conversations", records);

    // Assess
    expect([...outcomes.values()].every((o) => o === "resolved")).toBe(true);
    // One read shared by the six conversations' first events, their six transactions at once; then the
    // two later events of conv-6, each read and written in turn; then the write-back record: 7 round
    // trips, where one record after another would take 2 per event and the record (17).
    expect(h.requests.operations.filter((op) => op === "BatchGetItem")).toHaveLength(3);
    expect(h.requests.operations.filter((op) => op === "TransactWriteItems")).toHaveLength(8);
    expect(h.requests.roundTrips()).toBe(7);
    const owners = await Promise.all(
      [{ type: "email", value: "ann6@example.com" }, { type: "phone", value: "+12025550166" }, { type: "crm", value: "CRM-66" }].map((id) =>
        h.graph.store.ownerOf(h.graph.hasher.identify(id as never).key),
      ),
    );
    expect(new Set(owners.map((o) => o?.profileId)).size).toBe(1);
    expect(invariantViolations(await h.graph.scan())).toEqual([]);
  });
});

describe("every input tried", () => {
  it("ended resolved, returned to SQS or dead-lettered with a reason: none lost", () => {
    // Assess (runs after the cases above, in file order)
    expect(table.length).toBeGreaterThanOrEqual(12);
    expect(table.flatMap((row) => row.outcomes.filter((o) => o === "lost").map(() => row.input))).toEqual([]);
  });
});
