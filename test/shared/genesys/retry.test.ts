import { GenesysApiError, GenesysNetworkError, GenesysRateLimitError } from "../../../functions/shared/genesys/client";
import { GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, seededGenesysFake } from "./harness";

let fake: GenesysFake;
const PATH = `/api/v2/conversations/emails/${CONVERSATION_ID}`;
const AGENTLESS = "/api/v2/conversations/emails/agentless";
const ACK = {
  senderType: "Outbound" as const,
  fromAddress: { email: "support@acme.mypurecloud.com" },
  toAddresses: [{ email: "customer@example.com" }] as [{ email: string }],
  subject: "We received your documents",
  textBody: "Thank you.",
};

beforeEach(async () => (fake = await seededGenesysFake()));
afterEach(() => fake.close());

describe("GenesysClient retries on 429", () => {
  it("waits Retry-After seconds and then succeeds", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(PATH, [{ status: 429, headers: { "retry-after": "2" }, body: { message: "Rate limit exceeded", code: "too.many.requests", status: 429 } }]);

    // Act
    const conversation = await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(conversation.id).toBe(CONVERSATION_ID);
    expect(clock.sleeps).toEqual([2000]);
    expect(fake.apiRequests()).toHaveLength(2);
  });

  it("waits 3 s when a 429 carries no Retry-After", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(PATH, [{ status: 429 }]);

    // Act
    await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(clock.sleeps).toEqual([3000]);
  });

  it("fails fast with GenesysRateLimitError when Retry-After exceeds the cap", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { maxRetryAfterSeconds: 60 });
    fake.script(PATH, [
      {
        status: 429,
        headers: { "retry-after": "3600" },
        body: { message: "Daily quota exceeded", code: "too.many.requests", status: 429, limit: { key: "org.daily.quota" } },
      },
    ]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysRateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 3600, path: PATH, limitKey: "org.daily.quota", attempts: 1 });
    expect(clock.sleeps).toEqual([]);
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it("gives up after maxRetries consecutive 429s", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { maxRetries: 2 });
    fake.script(PATH, [1, 2, 3].map(() => ({ status: 429, headers: { "retry-after": "1" } })));

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysRateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 1, attempts: 3 });
    expect(clock.sleeps).toEqual([1000, 1000]);
  });
});

describe("GenesysClient retries on 5xx and network errors", () => {
  it("backs off exponentially with full jitter and then succeeds", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { baseDelayMs: 100, random: () => 0.5 });
    fake.script(PATH, [{ status: 503 }, { status: 502 }, { status: 500 }]);

    // Act
    const conversation = await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(conversation.id).toBe(CONVERSATION_ID);
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(fake.apiRequests()).toHaveLength(4);
  });

  it("caps each backoff at maxBackoffMs", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { baseDelayMs: 1000, maxBackoffMs: 1500, random: () => 0.99 });
    fake.script(PATH, [{ status: 503 }, { status: 503 }, { status: 503 }]);

    // Act
    await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(clock.sleeps).toEqual([990, 1485, 1485]);
  });

  it("gives up after maxRetries with a GenesysApiError carrying status, path and Genesys' message", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { maxRetries: 4 });
    const unavailable = { status: 503, body: { message: "Service unavailable", code: "service.unavailable", status: 503, contextId: "ctx-9" } };
    fake.script(PATH, [unavailable, unavailable, unavailable, unavailable, unavailable]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error).toMatchObject({
      status: 503,
      method: "GET",
      path: PATH,
      code: "service.unavailable",
      genesysMessage: "Service unavailable",
      contextId: "ctx-9",
      attempts: 5,
    });
    expect((error as Error).message).toBe(
      `Genesys API request failed: GET ${PATH} -> HTTP 503 (Service unavailable, code service.unavailable) after 5 attempts`,
    );
    expect(clock.sleeps).toEqual([125, 250, 500, 1000]);
    expect(fake.apiRequests()).toHaveLength(5);
  });

  it("does not retry a 400", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(PATH, [{ status: 400, body: { message: "Invalid conversation id", code: "bad.request", status: 400 } }]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error).toMatchObject({ status: 400, code: "bad.request", genesysMessage: "Invalid conversation id", attempts: 1 });
    expect(clock.sleeps).toEqual([]);
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it("reports a 404 with Genesys' code", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.getEmailConversation("unknown-id").catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 404, code: "not.found", path: "/api/v2/conversations/emails/unknown-id", attempts: 1 });
  });

  it("retries network errors with backoff and then fails with GenesysNetworkError", async () => {
    // Prepare
    const calls: string[] = [];
    const failingFetch: typeof fetch = async (input, init) => {
      calls.push(String(input));
      if (String(input).startsWith(fake.loginBaseUrl)) return fetch(input, init);
      throw Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
    };
    const { client, clock } = clientFor(fake, { fetch: failingFetch, maxRetries: 2 });

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect(error).toMatchObject({ method: "GET", path: PATH, attempts: 3 });
    expect((error as Error).message).toBe(`Genesys request failed without a response: GET ${PATH} after 3 attempt(s): TypeError (ECONNRESET)`);
    expect(clock.sleeps).toEqual([125, 250]);
    expect(calls.filter((url) => url.endsWith(PATH))).toHaveLength(3);
  });
});

describe("GenesysClient retries of agentless email (not idempotent)", () => {
  it("does not resend after a 500 or 504, where Genesys may have sent it", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(AGENTLESS, [{ status: 504 }]);

    // Act
    const error = await client.sendAgentlessEmail(ACK).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 504, path: AGENTLESS, attempts: 1 });
    expect(clock.sleeps).toEqual([]);
    expect(fake.agentlessEmails).toEqual([]);
  });

  it("resends after a 503 or a 429, where Genesys did not act", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(AGENTLESS, [{ status: 503 }, { status: 429, headers: { "retry-after": "1" } }]);

    // Act
    const result = await client.sendAgentlessEmail(ACK);

    // Assess
    expect(result.id).toBe(fake.agentlessEmails[0]?.id);
    expect(fake.agentlessEmails).toHaveLength(1);
    expect(clock.sleeps).toEqual([125, 1000]);
  });
});

describe("GenesysClient network retries of agentless email", () => {
  function failingOnce(code: string): { fetchFn: typeof fetch; agentlessCalls: () => number } {
    let calls = 0;
    const fetchFn: typeof fetch = async (input, init) => {
      if (String(input).endsWith(AGENTLESS) && calls++ === 0) {
        throw Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });
      }
      return fetch(input, init);
    };
    return { fetchFn, agentlessCalls: () => calls };
  }

  it("retries when the connection was refused (nothing was sent)", async () => {
    // Prepare
    const { fetchFn, agentlessCalls } = failingOnce("ECONNREFUSED");
    const { client, clock } = clientFor(fake, { fetch: fetchFn });

    // Act
    await client.sendAgentlessEmail(ACK);

    // Assess
    expect(agentlessCalls()).toBe(2);
    expect(fake.agentlessEmails).toHaveLength(1);
    expect(clock.sleeps).toEqual([125]);
  });

  it("does not retry a reset connection (the email may have been sent)", async () => {
    // Prepare
    const { fetchFn, agentlessCalls } = failingOnce("ECONNRESET");
    const { client, clock } = clientFor(fake, { fetch: fetchFn });

    // Act
    const error = await client.sendAgentlessEmail(ACK).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect(error).toMatchObject({ method: "POST", path: AGENTLESS, attempts: 1 });
    expect(agentlessCalls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});
