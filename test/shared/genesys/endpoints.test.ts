import { AgentlessEmail, GenesysClient, GenesysResponseError, GenesysValidationError } from "../../../functions/shared/genesys/client";
import { GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, seededGenesysFake } from "./harness";

let fake: GenesysFake;

beforeEach(async () => (fake = await seededGenesysFake()));
afterEach(() => fake.close());

describe("GenesysClient email reads", () => {
  it("reads the conversation's participants", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const conversation = await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(conversation).toEqual({
      id: CONVERSATION_ID,
      participants: [
        { id: "p-customer", purpose: "customer", state: "connected", attributes: { language: "en" } },
        { id: "p-acd", purpose: "acd", state: "connected", queue: { id: "q-triage" }, attributes: {} },
      ],
    });
    expect(fake.apiRequests()[0]).toMatchObject({ method: "GET", path: `/api/v2/conversations/emails/${CONVERSATION_ID}`, body: undefined });
    expect(fake.apiRequests()[0]?.headers.accept).toBe("application/json");
  });

  it("lists message previews with their attachments", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const messages = await client.listEmailMessages(CONVERSATION_ID);

    // Assess
    expect(messages).toEqual([
      {
        id: "m-1",
        subject: "Invoice 42",
        time: "2026-01-05T10:00:00.000Z",
        textBodyPreview: "Please find my invoice attached.",
        attachments: [
          { attachmentId: "a-pdf", name: "invoice.pdf", contentType: "application/pdf", contentLength: 21, contentUri: fake.contentUriOf("a-pdf"), inlineImage: false },
          { attachmentId: "a-logo", name: "logo.png", contentType: "image/png", contentLength: 3, contentUri: fake.contentUriOf("a-logo"), inlineImage: true },
        ],
      },
    ]);
    expect(fake.apiRequests()[0]?.path).toBe(`/api/v2/conversations/emails/${CONVERSATION_ID}/messages`);
  });

  it("reads one message with its full bodies", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const message = await client.getEmailMessage(CONVERSATION_ID, "m-1");

    // Assess
    expect(message).toMatchObject({ id: "m-1", subject: "Invoice 42", textBody: "Please find my invoice attached.", htmlBody: "<p>Please find my invoice attached.</p>" });
    expect(message.attachments?.map((a) => a.attachmentId)).toEqual(["a-pdf", "a-logo"]);
    expect(fake.apiRequests()[0]?.path).toBe(`/api/v2/conversations/emails/${CONVERSATION_ID}/messages/m-1`);
  });

  it("keeps unknown response fields and encodes ids into the path", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script(/\/messages$/, [{ status: 200, body: { entities: [{ id: "m/9", draftType: "Reply" }], pageSize: 25 } }]);

    // Act
    const messages = await client.listEmailMessages("id:with@plus+equals=");

    // Assess
    expect(messages).toEqual([{ id: "m/9", draftType: "Reply" }]);
    expect(fake.apiRequests()[0]?.path).toBe("/api/v2/conversations/emails/id%3Awith%40plus%2Bequals%3D/messages");
  });

  it("rejects a response missing a field the client depends on", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script(`/api/v2/conversations/emails/${CONVERSATION_ID}`, [{ status: 200, body: { id: CONVERSATION_ID, participants: [{ purpose: "customer" }] } }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysResponseError);
    expect((error as Error).message).toBe(
      `Unexpected Genesys response to GET /api/v2/conversations/emails/${CONVERSATION_ID}: participants.0.id: invalid_type (expected string)`,
    );
  });
});

describe("GenesysClient writes", () => {
  it("PATCHes participant attributes as {attributes: {...}}", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { docClass: "invoice", targetQueueId: "q-billing" });

    // Assess
    const [request] = fake.apiRequests();
    expect(request).toMatchObject({
      method: "PATCH",
      path: `/api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`,
      body: { attributes: { docClass: "invoice", targetQueueId: "q-billing" } },
    });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(fake.attributesOf(CONVERSATION_ID, "p-customer")).toEqual({ language: "en", docClass: "invoice", targetQueueId: "q-billing" });
  });

  it("POSTs replace/queue with {queueId}", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    await client.replaceParticipantWithQueue(CONVERSATION_ID, "p-acd", "q-billing");

    // Assess
    expect(fake.apiRequests()[0]).toMatchObject({
      method: "POST",
      path: `/api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`,
      body: { queueId: "q-billing" },
    });
    expect(fake.transfers).toEqual([{ conversationId: CONVERSATION_ID, participantId: "p-acd", queueId: "q-billing", body: { queueId: "q-billing" } }]);
  });

  it("sends an agentless email stitched into the conversation", async () => {
    // Prepare
    const { client } = clientFor(fake);
    const email: AgentlessEmail = {
      senderType: "Outbound",
      fromAddress: { email: "support@acme.mypurecloud.com", name: "Acme Support" },
      toAddresses: [{ email: "customer@example.com", name: "Pat" }],
      replyToAddress: { email: "support@acme.mypurecloud.com" },
      subject: "We received your documents",
      textBody: "Thank you, we are reviewing them.",
      htmlBody: "<p>Thank you, we are reviewing them.</p>",
      conversationId: CONVERSATION_ID,
    };

    // Act
    const result = await client.sendAgentlessEmail(email);

    // Assess
    expect(fake.apiRequests()[0]).toMatchObject({ method: "POST", path: "/api/v2/conversations/emails/agentless", body: email });
    expect(result).toEqual({ id: fake.agentlessEmails[0]?.id, conversationId: CONVERSATION_ID });
  });

  it("refuses an agentless email with more than one recipient before any request", async () => {
    // Prepare
    const { client } = clientFor(fake);
    const email = {
      senderType: "Outbound",
      fromAddress: { email: "support@acme.mypurecloud.com" },
      toAddresses: [{ email: "a@example.com" }, { email: "b@example.com" }],
      subject: "Hi",
    } as unknown as AgentlessEmail;

    // Act
    const error = await client.sendAgentlessEmail(email).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysValidationError);
    expect(error).toMatchObject({ field: "request.toAddresses", transient: false });
    expect((error as Error).message).toBe("Invalid request.toAddresses: agentless email takes exactly one recipient, got 2");
    expect(fake.requests).toEqual([]);
  });
});

describe("GenesysClient hosts", () => {
  function recordingFetch() {
    const calls: { url: string; method: string | undefined; authorization: string | null }[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), method: init?.method, authorization: new Headers(init?.headers).get("authorization") });
      if (String(input).endsWith("/oauth/token")) return Response.json({ access_token: "tok-eu", expires_in: 86400 });
      return Response.json({ id: "c-eu", participants: [] });
    };
    return { calls, fetchFn };
  }

  it("derives the API and login hosts from the region", async () => {
    // Prepare
    const { calls, fetchFn } = recordingFetch();
    const client = new GenesysClient({ region: "eu-central-1", fetch: fetchFn, credentials: async () => ({ clientId: "id", clientSecret: "secret" }) });

    // Act
    await client.getEmailConversation("c-eu");

    // Assess
    expect(calls).toEqual([
      { url: "https://login.mypurecloud.de/oauth/token", method: "POST", authorization: `Basic ${Buffer.from("id:secret").toString("base64")}` },
      { url: "https://api.mypurecloud.de/api/v2/conversations/emails/c-eu", method: "GET", authorization: "Bearer tok-eu" },
    ]);
  });

  it("uses short-code hosts, not AWS region names", async () => {
    // Prepare
    const { calls, fetchFn } = recordingFetch();
    const client = new GenesysClient({ region: "us-west-2", fetch: fetchFn, credentials: async () => ({ clientId: "id", clientSecret: "secret" }) });

    // Act
    await client.getEmailConversation("c-eu");

    // Assess
    expect(calls.map((c) => new URL(c.url).origin)).toEqual(["https://login.usw2.pure.cloud", "https://api.usw2.pure.cloud"]);
  });

  it("needs a region or both base URLs", () => {
    // Prepare
    const credentials = async () => ({ clientId: "id", clientSecret: "secret" });

    // Act
    const create = () => new GenesysClient({ apiBaseUrl: "http://127.0.0.1:1", credentials });

    // Assess
    expect(create).toThrow("GenesysClient needs a region, or both apiBaseUrl and loginBaseUrl");
  });
});
