/**
 * resolveEvent against the real table (the local engine), one fresh graph per test.
 *
 * DynamoDB requests and request units per resolution, counted with SDK middleware
 * (scripts/local/dynamodb-requests.ts) and asserted at the end of this file; before the transactional store
 * the requests were created 4, matched 3, same conversation 2, duplicate 1, merged 7, suppressed 2,
 * probabilistic fold 4, ignored 2. Units are what the engine reports: a read per item (absent ones too), a
 * Query per 4 KB, 2 write units per item a transaction writes or checks (docs/costs.md):
 *
 *   path                                                      | requests | round trips | read / write units | made of
 *   ----------------------------------------------------------+----------+-------------+--------------------+-----------------------------------------
 *   our write-back echoed / an attributes event naming nobody |    0     |      0      |       0 / 0        | -
 *   duplicate (the EventBridge id already changed the graph)  |    1     |      1      |       5 / 0        | BatchGetItem
 *   suppressed (every personal identifier erased)             |    1     |      1      |       5 / 0        | BatchGetItem
 *   known customer in a known conversation, nothing new       |    1     |      1      |       5 / 0        | BatchGetItem
 *     the same with a device or IP (the event recorded)       |    2     |      2      |       9 / 4        | BatchGetItem, TransactWriteItems (the event only)
 *   known customer in a new conversation (matched)            |    2     |      2      |       5 / 8        | BatchGetItem, TransactWriteItems
 *   new customer (created; email, phone, device and IP)       |    2     |      2      |      11 / 32       | BatchGetItem, TransactWriteItems
 *   probabilistic match folding an anonymous placeholder      |    3     |      3      |       8 / 16       | BatchGetItem, Query, TransactWriteItems
 *   merge of two profiles                                     |    4     |      3      |       9 / 22       | BatchGetItem, 2 Query at once, TransactWriteItems */
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { identitySettingsSchema } from "../../functions/identity-graph/core/settings";
import { localDynamoDBClient } from "../../scripts/local/identity-store";
import { CapacityLog, countRequests, meterCapacity, RequestLog } from "../../scripts/local/dynamodb-requests";
import { attributesEvent, conversationIds, customerStart, Graph, sorted, startGraph } from "./harness";

let graph: Graph;
let requests: RequestLog;
let capacity: CapacityLog;

beforeEach(async () => {
  graph = await startGraph(undefined, {
    client: (endpoint) => {
      const client = localDynamoDBClient(endpoint);
      requests = countRequests(client);
      capacity = meterCapacity(client);
      return client;
    },
  });
  requests.reset();
});

afterEach(async () => {
  await graph.close();
});

const JANE = "jane.doe@example.com";
const JANE_PHONE = "+12025550147";
const emailStart = (id: string, conversationId: string, address = JANE) => customerStart(id, conversationId, { mediaType: "EMAIL", addressFrom: address });
const callStart = (id: string, conversationId: string, ani = `tel:${JANE_PHONE}`) => customerStart(id, conversationId, { mediaType: "VOICE", ani });
const chatStart = (id: string, conversationId: string) => customerStart(id, conversationId, { mediaType: "MESSAGE", messageType: "WEBMESSAGING" });
const DEVICE = { deviceFingerprint: "fp-7c1e22", ipAddress: "198.51.100.23" };

describe("deterministic identifiers", () => {
  it("create a deterministic profile for a customer never seen", async () => {
    // Act
    const resolution = await graph.resolve(emailStart("e-1", "conv-email-1", "  Jane.Doe@Example.com"));

    // Assess
    expect(resolution).toEqual({
      eventId: "e-1",
      conversationId: "conv-email-1",
      action: "created",
      profileId: "profile-1",
      tier: "deterministic",
      confidence: 1,
      dropped: [],
      roundTrips: 2,
      writeBack: { participantId: "p-customer", attributes: { resolvedCustomerId: "profile-1", identityTier: "deterministic", identityConfidence: "1.00" } },
    });
    expect(await graph.profile("profile-1")).toEqual({
      profileId: "profile-1",
      tier: "deterministic",
      createdAt: "2026-11-21T09:00:01.000Z",
      identifierKeys: sorted([graph.key("conv", "conv-email-1"), graph.key("email", JANE)]),
      conversations: [{ conversationId: "conv-email-1", participantId: "p-customer" }],
    });
  });

  it("match a known email in a new conversation, whatever its spelling", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-email-1", "Jane.Doe@Example.com"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-2", "conv-msg-1", { email: " jane.doe@EXAMPLE.com " }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic", confidence: 1, roundTrips: 2 });
    expect(conversationIds(await graph.profile("profile-1"))).toEqual(["conv-email-1", "conv-msg-1"]);
  });

  it("match a phone written nationally to the same phone sent as a tel: ANI", async () => {
    // Prepare
    await graph.resolve(callStart("e-1", "conv-call-1", "tel:+12025550147"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-2", "conv-msg-1", { phone: "(202) 555-0147" }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic", confidence: 1 });
  });

  it("match a national number in the configured default region", async () => {
    // Prepare
    await graph.close();
    graph = await startGraph(identitySettingsSchema.parse({ defaultPhoneRegion: "GB" }));
    await graph.resolve(callStart("e-1", "conv-call-1", "tel:+442079460958"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-2", "conv-msg-1", { phone: "0207 946 0958" }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic" });
  });

  it.each([
    ["external contact id", (id: string, c: string) => customerStart(id, c, { mediaType: "MESSAGE", externalContactId: "ec-1" })],
    ["CRM id attribute", (id: string, c: string) => attributesEvent(id, c, { crmId: "CRM-7" })],
    ["journey session id", (id: string, c: string) => customerStart(id, c, { mediaType: "MESSAGE", journeyContext: { sessionId: "js-9" } })],
  ])("match a known %s", async (_type, event) => {
    // Prepare
    const first = await graph.resolve(event("e-1", "conv-1"));

    // Act
    const second = await graph.resolve(event("e-2", "conv-2"));

    // Assess
    expect(first).toMatchObject({ action: "created", profileId: "profile-1", tier: "deterministic", confidence: 1 });
    expect(second).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic", confidence: 1 });
  });

  it("read the email under a configured attribute name", async () => {
    // Prepare
    await graph.close();
    graph = await startGraph(identitySettingsSchema.parse({ attributeKeys: { email: "customerEmail" } }));
    await graph.resolve(emailStart("e-1", "conv-email-1"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-2", "conv-msg-1", { customerEmail: "Jane.Doe@example.com" }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic" });
  });

  it("list dropped invalid identifiers by type and reason, without the value", async () => {
    // Act
    const resolution = await graph.resolve(callStart("e-1", "conv-call-2", "tel:+12"));

    // Assess
    expect(resolution.dropped).toEqual([{ type: "phone", reason: "phone is not a valid number" }]);
    expect(resolution).toMatchObject({ action: "created", tier: "anonymous", confidence: 0 });
  });
});

describe("anonymous customers", () => {
  it("get an anonymous profile from a customer.start with no identifiers", async () => {
    // Act
    const resolution = await graph.resolve(chatStart("e-1", "conv-chat-1"));

    // Assess
    expect(resolution).toMatchObject({ action: "created", profileId: "profile-1", tier: "anonymous", confidence: 0, roundTrips: 2 });
    expect(await graph.profile("profile-1")).toEqual({
      profileId: "profile-1",
      tier: "anonymous",
      createdAt: "2026-11-21T09:00:01.000Z",
      identifierKeys: [graph.key("conv", "conv-chat-1")],
      conversations: [{ conversationId: "conv-chat-1", participantId: "p-customer" }],
    });
  });

  it("are not created by an attributes event with nothing identifying", async () => {
    // Act
    const resolution = await graph.resolve(attributesEvent("e-1", "conv-chat-1", { intent: "IRA" }));

    // Assess
    expect(resolution).toEqual({ eventId: "e-1", conversationId: "conv-chat-1", action: "ignored", dropped: [], roundTrips: 0 });
    expect(await graph.local.store.ownerOf(graph.key("conv", "conv-chat-1"))).toBeUndefined();
    expect(requests.operations).toEqual(["GetItem"]);
  });
});

describe("device fingerprint and IP (probabilistic)", () => {
  /** profile-1: a chat that showed the device; profile-2: a new chat's anonymous placeholder. */
  async function knownDeviceThenNewChat(): Promise<void> {
    await graph.resolve(chatStart("e-1", "conv-chat-1"));
    await graph.resolve(attributesEvent("e-2", "conv-chat-1", DEVICE));
    await graph.resolve(chatStart("e-3", "conv-chat-2"));
  }

  it("do not match on the fingerprint alone (0.7 < 0.8)", async () => {
    // Prepare
    await knownDeviceThenNewChat();

    // Act
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-chat-2", { deviceFingerprint: DEVICE.deviceFingerprint }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-2", tier: "anonymous", confidence: 0 });
    expect(conversationIds(await graph.profile("profile-1"))).toEqual(["conv-chat-1"]);
  });

  it("do not match on the IP alone (0.3 < 0.8)", async () => {
    // Prepare
    await knownDeviceThenNewChat();

    // Act
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-chat-2", { ipAddress: DEVICE.ipAddress }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-2", tier: "anonymous", confidence: 0 });
  });

  it("match on fingerprint and IP together, folding the new chat's anonymous placeholder in", async () => {
    // Prepare
    await knownDeviceThenNewChat();

    // Act
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-chat-2", DEVICE));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "probabilistic", confidence: 1, roundTrips: 3 });
    expect(conversationIds(await graph.profile("profile-1"))).toEqual(["conv-chat-1", "conv-chat-2"]);
    expect(await graph.profile("profile-2")).toBeUndefined();
    expect(await graph.local.store.ownerOf(graph.key("conv", "conv-chat-2"))).toEqual({ profileId: "profile-1", tier: "probabilistic", confidence: 1 });
  });

  it("match on the fingerprint alone when the configured threshold allows it, with its score as confidence", async () => {
    // Prepare
    await graph.close();
    graph = await startGraph(identitySettingsSchema.parse({ probabilistic: { threshold: 0.6 } }));
    await knownDeviceThenNewChat();

    // Act
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-chat-2", { deviceFingerprint: DEVICE.deviceFingerprint }));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "probabilistic", confidence: 0.7 });
    expect(resolution.writeBack?.attributes.identityConfidence).toBe("0.70");
  });

  it("never move a deterministically resolved conversation to another profile", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-a", "ann@example.com"));
    await graph.resolve(attributesEvent("e-2", "conv-a", DEVICE));
    await graph.resolve(emailStart("e-3", "conv-b", "bob@example.com"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-b", DEVICE));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-2", tier: "deterministic", confidence: 1 });
    const ann = await graph.profile("profile-1");
    const bob = await graph.profile("profile-2");
    expect(conversationIds(ann)).toEqual(["conv-a"]);
    expect(conversationIds(bob)).toEqual(["conv-b"]);
    expect(ann?.identifierKeys).toContain(graph.key("email", "ann@example.com"));
    expect(ann?.identifierKeys).not.toContain(graph.key("email", "bob@example.com"));
    expect(bob?.identifierKeys).not.toContain(graph.key("email", "ann@example.com"));
  });

  it("are not scored when the event carries a deterministic identifier", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-a", "ann@example.com"));
    await graph.resolve(attributesEvent("e-2", "conv-a", DEVICE));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-3", "conv-c", { email: "carol@example.com", ...DEVICE }));

    // Assess
    expect(resolution).toMatchObject({ action: "created", profileId: "profile-2", tier: "deterministic", confidence: 1 });
    expect(conversationIds(await graph.profile("profile-1"))).toEqual(["conv-a"]);
  });
});

describe("merges", () => {
  /** profile-1: Jane's email conversation; profile-2: Jane's call, not yet known to be her. */
  async function janeTwice(): Promise<void> {
    await graph.resolve(emailStart("e-1", "conv-email-1"));
    await graph.resolve(callStart("e-2", "conv-call-1"));
  }

  it("fold two profiles named by one event into the oldest, keeping every identifier and conversation", async () => {
    // Prepare
    await janeTwice();

    // Act
    const resolution = await graph.resolve(attributesEvent("e-3", "conv-msg-1", { email: `${JANE} `, phone: "(202) 555-0147" }));

    // Assess
    expect(resolution).toMatchObject({ action: "merged", profileId: "profile-1", tier: "deterministic", confidence: 1, roundTrips: 3 });
    const survivor = await graph.profile("profile-1");
    expect(sorted(survivor?.identifierKeys ?? [])).toEqual(
      sorted([
        graph.key("email", JANE),
        graph.key("phone", JANE_PHONE),
        graph.key("conv", "conv-email-1"),
        graph.key("conv", "conv-call-1"),
        graph.key("conv", "conv-msg-1"),
      ]),
    );
    expect(conversationIds(survivor)).toEqual(["conv-call-1", "conv-email-1", "conv-msg-1"]);
    expect(await graph.profile("profile-2")).toBeUndefined();
    expect((await graph.local.store.ownerOf(graph.key("phone", JANE_PHONE)))?.profileId).toBe("profile-1");
    expect((await graph.local.store.ownerOf(graph.key("conv", "conv-call-1")))?.profileId).toBe("profile-1");
  });

  it("keep the better-resolved profile over an older anonymous one", async () => {
    // Prepare
    await graph.resolve(chatStart("e-1", "conv-chat-1"));
    await graph.resolve(emailStart("e-2", "conv-email-1"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-3", "conv-chat-1", { email: JANE }));

    // Assess
    expect(resolution).toMatchObject({ action: "merged", profileId: "profile-2", tier: "deterministic", confidence: 1 });
    expect(await graph.profile("profile-1")).toBeUndefined();
    expect(conversationIds(await graph.profile("profile-2"))).toEqual(["conv-chat-1", "conv-email-1"]);
  });

  it("keep the oldest profile when both hold deterministic identifiers, even if the oldest began anonymous", async () => {
    // Prepare: profile-1 starts as an anonymous chat and then gives Jane's email; profile-2 is Jane's later call.
    await graph.resolve(chatStart("e-1", "conv-chat-1"));
    await graph.resolve(attributesEvent("e-2", "conv-chat-1", { email: JANE }));
    await graph.resolve(callStart("e-3", "conv-call-1"));

    // Act
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-msg-1", { email: JANE, phone: JANE_PHONE }));

    // Assess
    expect(resolution).toMatchObject({ action: "merged", profileId: "profile-1", tier: "deterministic" });
    expect(await graph.profile("profile-2")).toBeUndefined();
  });

  it("keep how each moved conversation was resolved", async () => {
    // Prepare: conv-call-1 was resolved deterministically (by phone) before it moved into profile-1.
    await janeTwice();
    await graph.resolve(attributesEvent("e-3", "conv-msg-1", { email: JANE, phone: JANE_PHONE }));

    // Act: a later event on that call carries nothing deterministic.
    const resolution = await graph.resolve(attributesEvent("e-4", "conv-call-1", { deviceFingerprint: DEVICE.deviceFingerprint }, "p-call"));

    // Assess
    expect(resolution).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic", confidence: 1 });
  });
});

describe("duplicate delivery", () => {
  it("answers a redelivered event as a duplicate of its first outcome and leaves the graph unchanged", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-email-1"));
    await graph.resolve(callStart("e-2", "conv-call-1"));
    const merge = attributesEvent("e-3", "conv-msg-1", { email: JANE, phone: JANE_PHONE });
    await graph.resolve(merge);
    const contentsBefore = await graph.profile("profile-1");
    const tableBefore = await graph.scan();

    // Act
    const resolution = await graph.resolve(structuredClone(merge));

    // Assess
    expect(resolution).toMatchObject({ eventId: "e-3", action: "duplicate", profileId: "profile-1", tier: "deterministic", confidence: 1, roundTrips: 1 });
    expect(await graph.profile("profile-1")).toEqual(contentsBefore);
    expect(await graph.scan()).toEqual(tableBefore);
  });

  it("recognizes the id even when the redelivered body differs", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-email-1"));

    // Act
    const resolution = await graph.resolve(emailStart("e-1", "conv-email-1", "someone.else@example.com"));

    // Assess
    expect(resolution).toMatchObject({ action: "duplicate", profileId: "profile-1" });
    expect(await graph.local.store.ownerOf(graph.key("email", "someone.else@example.com"))).toBeUndefined();
  });

  it("answers a redelivered ignored event as ignored again, without touching storage", async () => {
    // Prepare
    await graph.resolve(attributesEvent("e-1", "conv-chat-1", { intent: "IRA" }));
    requests.reset();

    // Act
    const resolution = await graph.resolve(attributesEvent("e-1", "conv-chat-1", { intent: "IRA" }));

    // Assess
    expect(resolution).toEqual({ eventId: "e-1", conversationId: "conv-chat-1", action: "ignored", dropped: [], roundTrips: 0 });
    expect(requests.operations).toEqual([]);
  });

  it("writes nothing for a person's identifiers the graph already holds, and their late redelivery changes nothing after a merge or an erasure", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-email-1"));
    const known = attributesEvent("e-2", "conv-email-1", { email: JANE });
    const tableBefore = await graph.scan();

    // Act
    const first = await graph.resolve(known);
    const tableAfterFirst = await graph.scan();
    await graph.resolve(callStart("e-3", "conv-call-1"));
    await graph.resolve(attributesEvent("e-4", "conv-msg-1", { email: JANE, phone: JANE_PHONE }));
    const tableAfterMerge = await graph.scan();
    const afterMerge = await graph.resolve(structuredClone(known));
    const tableAfterMergeRedelivery = await graph.scan();
    await eraseIdentity({ email: JANE }, graph.deps);
    const tableAfterErasure = await graph.scan();
    const afterErasure = await graph.resolve(structuredClone(known));

    // Assess
    expect(first).toMatchObject({ action: "matched", profileId: "profile-1", roundTrips: 1 });
    expect(tableAfterFirst).toEqual(tableBefore);
    expect(afterMerge).toMatchObject({ action: "matched", profileId: "profile-1", roundTrips: 1 });
    expect(tableAfterMergeRedelivery).toEqual(tableAfterMerge);
    expect(afterErasure).toMatchObject({ action: "suppressed", roundTrips: 1 });
    expect(await graph.scan()).toEqual(tableAfterErasure);
  });

  it("records a customer start naming no person in a known conversation, so that after an erasure its redelivery creates no profile", async () => {
    // Prepare: an anonymous chat whose customer gives her email; the conversation starts again; she is erased.
    await graph.resolve(chatStart("e-1", "conv-chat-1"));
    await graph.resolve(attributesEvent("e-2", "conv-chat-1", { email: JANE }));
    const restart = chatStart("e-3", "conv-chat-1");
    const first = await graph.resolve(restart);
    await eraseIdentity({ email: JANE }, graph.deps);
    const tableBefore = await graph.scan();

    // Act
    const redelivered = await graph.resolve(structuredClone(restart));

    // Assess
    expect(first).toMatchObject({ action: "matched", profileId: "profile-1", roundTrips: 2 });
    expect(redelivered).toMatchObject({ action: "duplicate", profileId: "profile-1" });
    expect(await graph.scan()).toEqual(tableBefore);
    expect(await graph.local.countProfiles()).toBe(0);
  });

  it("records only the event when the graph already holds everything it says, so that its late redelivery changes nothing", async () => {
    // Prepare: the device is seen with Ann, then with Bob; then Ann's event is delivered again.
    await graph.resolve(emailStart("e-1", "conv-a", "ann@example.com"));
    const annsDevice = attributesEvent("e-2", "conv-a", DEVICE);
    await graph.resolve(annsDevice);
    const seenAgain = attributesEvent("e-3", "conv-a", { email: "ann@example.com", ...DEVICE });
    await graph.resolve(seenAgain);
    await graph.resolve(emailStart("e-4", "conv-b", "bob@example.com"));
    await graph.resolve(attributesEvent("e-5", "conv-b", DEVICE));
    const tableBefore = await graph.scan();

    // Act
    const redelivered = await graph.resolve(structuredClone(seenAgain));

    // Assess
    expect(redelivered).toMatchObject({ action: "duplicate", profileId: "profile-1" });
    expect(await graph.scan()).toEqual(tableBefore);
    expect((await graph.local.store.ownerOf(graph.key("fp", DEVICE.deviceFingerprint)))?.profileId).toBe("profile-2");
  });
});

describe("our own write-back echoed back", () => {
  it("is ignored without touching storage", async () => {
    // Prepare
    await graph.resolve(callStart("e-1", "conv-call-1"));
    const tableBefore = await graph.scan();

    // Act
    const resolution = await graph.resolve(
      attributesEvent("e-2", "conv-call-1", { resolvedCustomerId: "profile-1", identityTier: "deterministic", identityConfidence: "1.00" }),
    );

    // Assess
    expect(resolution).toEqual({ eventId: "e-2", conversationId: "conv-call-1", action: "ignored", dropped: [], roundTrips: 0 });
    expect(await graph.scan()).toEqual(tableBefore);
  });
});

describe("write-back decision", () => {
  it("writes the resolution onto the customer participant the first time, as short strings", async () => {
    // Act
    const resolution = await graph.resolve(chatStart("e-1", "conv-chat-1"));

    // Assess
    expect(resolution.writeBack).toEqual({
      participantId: "p-customer",
      attributes: { resolvedCustomerId: "profile-1", identityTier: "anonymous", identityConfidence: "0.00" },
    });
  });

  it("does not write again what was already written", async () => {
    // Prepare
    const first = await graph.resolve(emailStart("e-1", "conv-email-1"));
    await graph.local.store.saveWriteBacks([{ conversationId: "conv-email-1", state: first.writeBack! }]);

    // Act
    const second = await graph.resolve(attributesEvent("e-2", "conv-email-1", { email: JANE }));

    // Assess
    expect(second).toMatchObject({ action: "matched", profileId: "profile-1", tier: "deterministic", confidence: 1 });
    expect(second.writeBack).toBeUndefined();
  });

  it("writes again when the conversation's tier changes", async () => {
    // Prepare
    const first = await graph.resolve(chatStart("e-1", "conv-chat-1"));
    await graph.local.store.saveWriteBacks([{ conversationId: "conv-chat-1", state: first.writeBack! }]);

    // Act
    const second = await graph.resolve(attributesEvent("e-2", "conv-chat-1", { email: JANE }));

    // Assess
    expect(second.writeBack).toEqual({
      participantId: "p-customer",
      attributes: { resolvedCustomerId: "profile-1", identityTier: "deterministic", identityConfidence: "1.00" },
    });
  });

  it("writes again when the conversation moves to another profile", async () => {
    // Prepare
    await graph.resolve(emailStart("e-1", "conv-email-1"));
    const chat = await graph.resolve(chatStart("e-2", "conv-chat-1"));
    await graph.local.store.saveWriteBacks([{ conversationId: "conv-chat-1", state: chat.writeBack! }]);

    // Act
    const merged = await graph.resolve(attributesEvent("e-3", "conv-chat-1", { email: JANE }));

    // Assess
    expect(merged.writeBack).toEqual({
      participantId: "p-customer",
      attributes: { resolvedCustomerId: "profile-1", identityTier: "deterministic", identityConfidence: "1.00" },
    });
  });

  it("offers the write-back again on a redelivery when it was never saved", async () => {
    // Prepare
    const first = await graph.resolve(emailStart("e-1", "conv-email-1"));

    // Act
    const redelivered = await graph.resolve(emailStart("e-1", "conv-email-1"));

    // Assess
    expect(redelivered.action).toBe("duplicate");
    expect(redelivered.writeBack).toEqual(first.writeBack);
  });

  it("offers, on a late redelivery, how the conversation stands now rather than the event's older outcome", async () => {
    // Prepare: an anonymous chat, then the customer gives her email in it; the first event comes again.
    const start = chatStart("e-1", "conv-chat-1");
    await graph.resolve(start);
    const identified = await graph.resolve(attributesEvent("e-2", "conv-chat-1", { email: JANE }));
    await graph.local.store.saveWriteBacks([{ conversationId: "conv-chat-1", state: identified.writeBack! }]);

    // Act
    const redelivered = await graph.resolve(structuredClone(start));

    // Assess
    expect(redelivered).toMatchObject({ action: "duplicate", tier: "anonymous" });
    expect(redelivered.writeBack).toBeUndefined();
  });

  it("has nothing to write when the event names no participant", async () => {
    // Prepare
    const event = emailStart("e-1", "conv-email-1");
    Reflect.deleteProperty(event.detail.eventBody, "participantId");

    // Act
    const resolution = await graph.resolve(event);

    // Assess
    expect(resolution).toMatchObject({ action: "created", profileId: "profile-1" });
    expect(resolution.writeBack).toBeUndefined();
  });
});

describe("DynamoDB requests (the table at the top of this file)", () => {
  /** The requests and round trips one resolution makes, after `prepare`. */
  async function measure(event: unknown, prepare: () => Promise<unknown> = async () => undefined) {
    await prepare();
    requests.reset();
    capacity.reset();
    const resolution = await graph.resolve(event);
    return {
      action: resolution.action,
      operations: [...requests.operations].sort(),
      roundTrips: requests.roundTrips(),
      reported: resolution.roundTrips,
      units: { read: capacity.read, write: capacity.write },
    };
  }

  it("takes 1 for a duplicate", async () => {
    // Act
    const measured = await measure(emailStart("e-1", "conv-email-1"), () => graph.resolve(emailStart("e-1", "conv-email-1")));

    // Assess
    expect(measured).toEqual({ action: "duplicate", operations: ["BatchGetItem"], roundTrips: 1, reported: 1, units: { read: 5, write: 0 } });
  });

  it("takes 1 for a known customer in a known conversation with nothing new", async () => {
    // Act
    const measured = await measure(attributesEvent("e-2", "conv-email-1", { email: JANE }), () => graph.resolve(emailStart("e-1", "conv-email-1")));

    // Assess
    expect(measured).toEqual({ action: "matched", operations: ["BatchGetItem"], roundTrips: 1, reported: 1, units: { read: 5, write: 0 } });
  });

  it("takes 2 for the same with a device and IP (the event recorded)", async () => {
    // Act
    const measured = await measure(attributesEvent("e-3", "conv-email-1", { email: JANE, ...DEVICE }), async () => {
      await graph.resolve(emailStart("e-1", "conv-email-1"));
      await graph.resolve(attributesEvent("e-2", "conv-email-1", DEVICE));
    });

    // Assess
    expect(measured).toEqual({ action: "matched", operations: ["BatchGetItem", "TransactWriteItems"], roundTrips: 2, reported: 2, units: { read: 9, write: 4 } });
  });

  it("takes 2 for a known customer in a new conversation", async () => {
    // Act
    const measured = await measure(emailStart("e-2", "conv-email-2"), () => graph.resolve(emailStart("e-1", "conv-email-1")));

    // Assess
    expect(measured).toEqual({ action: "matched", operations: ["BatchGetItem", "TransactWriteItems"], roundTrips: 2, reported: 2, units: { read: 5, write: 8 } });
  });

  it("takes 2 for a new customer", async () => {
    // Act
    const measured = await measure(attributesEvent("e-1", "conv-msg-1", { email: JANE, phone: JANE_PHONE, ...DEVICE }));

    // Assess
    expect(measured).toEqual({ action: "created", operations: ["BatchGetItem", "TransactWriteItems"], roundTrips: 2, reported: 2, units: { read: 11, write: 32 } });
  });

  it("takes 1 for an event whose identifiers are all suppressed", async () => {
    // Act
    const measured = await measure(emailStart("e-2", "conv-email-2"), async () => {
      await graph.resolve(emailStart("e-1", "conv-email-1"));
      await eraseIdentity({ email: JANE }, graph.deps);
    });

    // Assess
    expect(measured).toEqual({ action: "suppressed", operations: ["BatchGetItem"], roundTrips: 1, reported: 1, units: { read: 5, write: 0 } });
  });

  it("takes 3 round trips (4 requests) to merge two profiles", async () => {
    // Act
    const measured = await measure(attributesEvent("e-3", "conv-msg-1", { email: JANE, phone: JANE_PHONE }), async () => {
      await graph.resolve(emailStart("e-1", "conv-email-1"));
      await graph.resolve(callStart("e-2", "conv-call-1"));
    });

    // Assess
    expect(measured).toEqual({ action: "merged", operations: ["BatchGetItem", "Query", "Query", "TransactWriteItems"], roundTrips: 3, reported: 3, units: { read: 9, write: 22 } });
  });

  it("takes 3 to fold an anonymous placeholder into a probabilistic match", async () => {
    // Act
    const measured = await measure(attributesEvent("e-4", "conv-chat-2", DEVICE), async () => {
      await graph.resolve(chatStart("e-1", "conv-chat-1"));
      await graph.resolve(attributesEvent("e-2", "conv-chat-1", DEVICE));
      await graph.resolve(chatStart("e-3", "conv-chat-2"));
    });

    // Assess
    expect(measured).toEqual({ action: "matched", operations: ["BatchGetItem", "Query", "TransactWriteItems"], roundTrips: 3, reported: 3, units: { read: 8, write: 16 } });
  });
});
