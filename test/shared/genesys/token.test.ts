import { GenesysAuthError } from "../../../functions/shared/genesys/client";
import { deadlineIn } from "../../../functions/shared/deadline";
import { GenesysFake, startGenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, triageEmail } from "./harness";

let fake: GenesysFake;

beforeEach(async () => {
  fake = await startGenesysFake({ tokenLifetimeSeconds: 3600 });
  fake.seedConversation(triageEmail());
});

afterEach(async () => {
  await fake.close();
});

const tokenRequests = () => fake.requests.filter((r) => r.host === "login");

describe("GenesysClient token", () => {
  it("requests a client-credentials token once and reuses it across calls", async () => {
    // Prepare
    const { client, credentialCalls } = clientFor(fake);

    // Act
    await client.getEmailConversation(CONVERSATION_ID);
    await client.listEmailMessages(CONVERSATION_ID);
    await client.getEmailMessage(CONVERSATION_ID, "m-1");

    // Assess
    expect(fake.tokensIssued).toHaveLength(1);
    expect(credentialCalls.count).toBe(1);
    const [tokenRequest] = tokenRequests();
    expect(tokenRequest).toMatchObject({
      method: "POST",
      path: "/oauth/token",
      body: { grant_type: "client_credentials" },
    });
    expect(tokenRequest?.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString("base64")}`);
    expect(tokenRequest?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(fake.apiRequests().map((r) => r.headers.authorization)).toEqual([
      `Bearer ${fake.tokensIssued[0]}`,
      `Bearer ${fake.tokensIssued[0]}`,
      `Bearer ${fake.tokensIssued[0]}`,
    ]);
  });

  it("keeps the token until 60 s before expires_in and then fetches a new one", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);

    // Act
    clock.time += (3600 - 61) * 1000;
    await client.getEmailConversation(CONVERSATION_ID);
    const issuedBeforeMargin = fake.tokensIssued.length;
    clock.time += 1000;
    await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(issuedBeforeMargin).toBe(1);
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.apiRequests().at(-1)?.headers.authorization).toBe(`Bearer ${fake.tokensIssued[1]}`);
  });

  it("shares one in-flight token request between concurrent calls", async () => {
    // Prepare
    const { client, credentialCalls } = clientFor(fake);

    // Act
    const results = await Promise.all([
      client.getEmailConversation(CONVERSATION_ID),
      client.listEmailMessages(CONVERSATION_ID),
      client.getEmailMessage(CONVERSATION_ID, "m-1"),
      client.getEmailConversation(CONVERSATION_ID),
    ]);

    // Assess
    expect(results).toHaveLength(4);
    expect(tokenRequests()).toHaveLength(1);
    expect(credentialCalls.count).toBe(1);
    expect(fake.apiRequests()).toHaveLength(4);
  });

  it("on a 401 drops the token, fetches a new one and retries the request once", async () => {
    // Prepare
    const { client } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);
    fake.expireTokens();

    // Act
    const conversation = await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(conversation.id).toBe(CONVERSATION_ID);
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.apiRequests().map((r) => r.headers.authorization)).toEqual([
      `Bearer ${fake.tokensIssued[0]}`,
      `Bearer ${fake.tokensIssued[0]}`,
      `Bearer ${fake.tokensIssued[1]}`,
    ]);
  });

  it("fails with a permanent GenesysAuthError 401 when the retried request is refused again", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    const path = `/api/v2/conversations/emails/${CONVERSATION_ID}`;
    const refused = { status: 401, body: { message: "Invalid login credentials.", code: "bad.credentials", status: 401 } };
    fake.script(path, [refused, refused]);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(error).toMatchObject({ status: 401, method: "GET", path, code: "bad.credentials", attempts: 2, transient: false });
    expect((error as Error).message).toMatch(/^Genesys refused a freshly issued access token: GET /);
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.apiRequests()).toHaveLength(2);
    expect(clock.sleeps).toEqual([]);
  });

  it("reports refused client credentials as GenesysAuthError without retrying", async () => {
    // Prepare
    const { client } = clientFor(fake, { credentials: async () => ({ clientId: fake.clientId, clientSecret: "wrong-secret-value" }) });

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(error).toMatchObject({ status: 401, method: "POST", path: "/oauth/token", code: "invalid_client", attempts: 1 });
    expect(tokenRequests()).toHaveLength(1);
    expect(fake.apiRequests()).toEqual([]);
  });

  it("retries the token request itself on a 503", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script("POST /oauth/token", [{ status: 503 }]);

    // Act
    await client.getEmailConversation(CONVERSATION_ID);

    // Assess
    expect(tokenRequests()).toHaveLength(2);
    expect(fake.tokensIssued).toHaveLength(1);
    expect(clock.sleeps).toEqual([125]);
  });
});

describe("GenesysClient token under concurrency", () => {
  const FIFTY = Array.from({ length: 50 }, (_, i) => i);

  it("50 concurrent calls after the token's refresh point trigger one token request", async () => {
    // Prepare
    const { client, clock, credentialCalls } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);
    clock.time += 3600 * 1000;

    // Act
    const results = await Promise.all(FIFTY.map(() => client.getEmailConversation(CONVERSATION_ID)));

    // Assess
    expect(results).toHaveLength(50);
    expect(tokenRequests()).toHaveLength(2);
    expect(credentialCalls.count).toBe(2);
    expect(fake.apiRequests().slice(1).every((r) => r.headers.authorization === `Bearer ${fake.tokensIssued[1]}`)).toBe(true);
  });

  it("50 concurrent calls that all meet a revoked token (401) share one new token and all succeed", async () => {
    // Prepare
    const { client } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);
    fake.expireTokens();

    // Act
    const outcomes = await Promise.allSettled(FIFTY.map((i) => client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { [`k${i}`]: "v" })));

    // Assess
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(fake.tokensIssued).toHaveLength(2);
    const patches = fake.apiRequests().filter((r) => r.method === "PATCH");
    expect(patches.filter((r) => r.headers.authorization === `Bearer ${fake.tokensIssued[1]}`)).toHaveLength(50);
    expect(patches.length).toBeLessThanOrEqual(100);
    expect(Object.keys(fake.attributesOf(CONVERSATION_ID, "p-customer") ?? {})).toHaveLength(51);
  });

  it("50 concurrent first calls share one token request, and a failed one is not cached", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script("POST /oauth/token", [{ status: 400, body: { error: "invalid_request" } }]);

    // Act
    const first = await Promise.allSettled(FIFTY.map(() => client.getEmailConversation(CONVERSATION_ID)));
    const second = await Promise.allSettled(FIFTY.map(() => client.getEmailConversation(CONVERSATION_ID)));

    // Assess
    expect(first.every((o) => o.status === "rejected" && (o.reason as Error).name === "GenesysAuthError")).toBe(true);
    expect(second.every((o) => o.status === "fulfilled")).toBe(true);
    expect(tokenRequests()).toHaveLength(2);
  });

  it("a caller joining an in-flight token request stops waiting at its own deadline", async () => {
    // Prepare
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = clientFor(fake, {
      credentials: async () => {
        await gate;
        return { clientId: fake.clientId, clientSecret: fake.clientSecret };
      },
    });
    const starter = client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(60_000) });

    // Act
    const joiner = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(100) }).catch((e: unknown) => e);
    release?.();

    // Assess
    expect(joiner).toMatchObject({ name: "GenesysDeadlineExceededError", transient: true });
    expect((joiner as Error).message).toContain("waiting for an access token took longer than");
    await expect(starter).resolves.toMatchObject({ id: CONVERSATION_ID });
    expect(tokenRequests()).toHaveLength(1);
  });
});
