import { deadlineIn } from "../../../functions/shared/deadline";
import {
  AgentlessEmail,
  GenesysApiError,
  GenesysResponseError,
  GenesysValidationError,
  MAX_GENESYS_ID_LENGTH,
} from "../../../functions/shared/genesys/client";
import { faults, GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, seededGenesysFake } from "./harness";
import { ACKNOWLEDGEMENT } from "./methods";

let fake: GenesysFake;

beforeEach(async () => (fake = await seededGenesysFake()));
afterEach(() => fake.close());

const HOSTILE_IDS: [string, unknown][] = [
  ["300 characters", "c".repeat(300)],
  ["a path traversal", "../../../api/v2/users"],
  ["a slash", "c/1"],
  ["a space", "c 1"],
  ["a newline", "c-1\nX-Injected: yes"],
  ["a percent escape", "c%2F1"],
  ["a query string", "c-1?expand=all"],
  ["non-ASCII letters", "cönversation"],
  ["an empty string", ""],
  ["a number", 42],
  ["null", null],
];

describe("Hostile ids fail before any request with a permanent GenesysValidationError naming the field", () => {
  const calls: [string, string, (id: unknown) => (client: ReturnType<typeof clientFor>["client"]) => Promise<unknown>][] = [
    ["getEmailConversation", "conversationId", (id) => (c) => c.getEmailConversation(id as string)],
    ["listEmailMessages", "conversationId", (id) => (c) => c.listEmailMessages(id as string)],
    ["getEmailMessage", "conversationId", (id) => (c) => c.getEmailMessage(id as string, "m-1")],
    ["getEmailMessage", "messageId", (id) => (c) => c.getEmailMessage(CONVERSATION_ID, id as string)],
    ["patchParticipantAttributes", "conversationId", (id) => (c) => c.patchParticipantAttributes(id as string, "p-customer", { a: "b" })],
    ["patchParticipantAttributes", "participantId", (id) => (c) => c.patchParticipantAttributes(CONVERSATION_ID, id as string, { a: "b" })],
    ["replaceParticipantWithQueue", "conversationId", (id) => (c) => c.replaceParticipantWithQueue(id as string, "p-acd", "q-1")],
    ["replaceParticipantWithQueue", "participantId", (id) => (c) => c.replaceParticipantWithQueue(CONVERSATION_ID, id as string, "q-1")],
    ["replaceParticipantWithQueue", "queueId", (id) => (c) => c.replaceParticipantWithQueue(CONVERSATION_ID, "p-acd", id as string)],
    ["sendAgentlessEmail", "request.conversationId", (id) => (c) => c.sendAgentlessEmail({ ...ACKNOWLEDGEMENT, conversationId: id as string })],
  ];

  it.each(calls)("%s rejects a hostile %s", async (_method, field, call) => {
    for (const [description, id] of HOSTILE_IDS) {
      // Prepare
      const { client } = clientFor(fake);

      // Act
      const error = await call(id)(client).catch((e: unknown) => e);

      // Assess
      expect({ description, error }).toMatchObject({ description, error: expect.any(GenesysValidationError) });
      expect(error).toMatchObject({ name: "GenesysValidationError", field, transient: false });
      expect((error as Error).message).toMatch(new RegExp(`^Invalid ${field.replace(".", "\\.")}: `));
      expect((error as Error).message.length).toBeLessThan(200);
    }
    expect(fake.requests).toEqual([]);
  });

  it(`accepts ids up to ${MAX_GENESYS_ID_LENGTH} characters of the allowed set`, async () => {
    // Prepare
    const { client } = clientFor(fake);
    const longest = "a".repeat(MAX_GENESYS_ID_LENGTH);

    // Act
    const error = await client.getEmailConversation(longest).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysConversationEndedError", status: 404 });
    expect(fake.apiRequests()).toHaveLength(1);
  });
});

describe("Hostile arguments", () => {
  it("rejects a non-string attribute value, naming the attribute", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { ok: "yes", score: 3 as unknown as string }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysValidationError", field: "attributes.score" });
    expect(fake.requests).toEqual([]);
  });

  it("rejects attributes that are not an object", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", ["a"] as unknown as Record<string, string>).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysValidationError", field: "attributes" });
  });

  it("rejects an agentless email without recipients", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.sendAgentlessEmail({ ...ACKNOWLEDGEMENT, toAddresses: undefined } as unknown as AgentlessEmail).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysValidationError", field: "request.toAddresses" });
    expect(fake.requests).toEqual([]);
  });

  it("rejects a huge contentUri and a bad maxBytes before any request", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const huge = await client.downloadAttachment(`${fake.apiBaseUrl}/api/v2/downloads/${"a".repeat(10_000)}`, 1024).catch((e: unknown) => e);
    const negative = await client.downloadAttachment(fake.contentUriOf("a-pdf"), -1).catch((e: unknown) => e);

    // Assess
    expect(huge).toMatchObject({ name: "GenesysValidationError", field: "contentUri" });
    expect(negative).toMatchObject({ name: "GenesysValidationError", field: "maxBytes" });
    expect(fake.requests).toEqual([]);
  });
});

describe("Hostile responses", () => {
  const PATH = `/api/v2/conversations/emails/${CONVERSATION_ID}`;

  it("refuses a JSON body over maxResponseBytes by its Content-Length, without reading it", async () => {
    // Prepare
    const { client } = clientFor(fake, { maxResponseBytes: 64 * 1024 });
    fake.script(PATH, [{ status: 200, body: { id: CONVERSATION_ID, participants: [], padding: "x".repeat(200_000) } }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysResponseError);
    expect(error).toMatchObject({ transient: false });
    expect((error as Error).message).toMatch(/body declares \d+ bytes, over the limit of 65536 bytes$/);
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it("stops reading a streamed JSON body (no Content-Length) once it passes maxResponseBytes", async () => {
    // Prepare
    const { client } = clientFor(fake, { maxResponseBytes: 64 * 1024 });
    fake.script(PATH, [{ status: 200, chunked: true, body: { id: CONVERSATION_ID, participants: [], padding: "x".repeat(200_000) } }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysResponseError);
    expect((error as Error).message).toMatch(/body exceeded \d+ bytes, over the limit of 65536 bytes$/);
  });

  it("enforces the 16 MiB default", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script(PATH, [{ status: 200, body: { id: CONVERSATION_ID, participants: [], padding: "x".repeat(17 * 1024 * 1024) } }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toContain("over the limit of 16777216 bytes");
  });

  it("keeps a huge error page out of the error: status kept, message bounded", async () => {
    // Prepare
    const { client } = clientFor(fake, { maxRetries: 0 });
    fake.script(PATH, [{ status: 502, headers: { "content-type": "text/html" }, body: `<html>${"<div>".repeat(1_000_000)}</html>` }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error).toMatchObject({ status: 502, transient: true });
    expect((error as Error).message).toBe(`Genesys API request failed: GET ${PATH} -> HTTP 502`);
  });

  it("truncates a huge Genesys error message to 300 characters", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script(PATH, [{ status: 400, body: { message: "m".repeat(50_000), code: "bad.request", status: 400 } }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysRequestRejectedError", code: "bad.request" });
    expect((error as { genesysMessage: string }).genesysMessage).toHaveLength(303);
  });

  it("reports a 200 that is not JSON as a permanent GenesysResponseError", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script(PATH, [{ status: 200, headers: { "content-type": "text/html" }, body: "<html>maintenance</html>" }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysResponseError);
    expect(error).toMatchObject({ transient: false });
    expect((error as Error).message).toBe(`Unexpected Genesys response to GET ${PATH}: body is not JSON`);
  });

  it.each([
    ["an unparseable value", "soon", 3_000],
    ["a negative number", "-5", 3_000],
    ["an HTTP date in the past", "Wed, 21 Oct 2015 07:28:00 GMT", 0],
    ["zero", "0", 0],
  ])("reads a Retry-After of %s sensibly", async (_description, header, expectedSleep) => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(PATH, [{ status: 429, headers: { "retry-after": header } }]);

    // Act
    await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(30_000, clock) });

    // Assess
    expect(clock.sleeps).toEqual([expectedSleep]);
  });

  it("fails fast on an absurd Retry-After", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(PATH, [faults.rateLimited(99_999_999_999)]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysRateLimitError", retryAfterSeconds: 99_999_999_999, transient: true });
    expect(clock.sleeps).toEqual([]);
  });
});
