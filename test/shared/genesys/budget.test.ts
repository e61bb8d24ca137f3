import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { deadlineFromContext, deadlineIn } from "../../../functions/shared/deadline";
import {
  GenesysClient,
  GenesysDeadlineExceededError,
  GenesysRateLimitError,
  GenesysTimeoutError,
  isTransientGenesysError,
} from "../../../functions/shared/genesys/client";
import { faults, GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, seededGenesysFake } from "./harness";
import { ACKNOWLEDGEMENT } from "./methods";

let fake: GenesysFake;
const ATTRIBUTES = `PATCH /api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`;
const CONVERSATION = `GET /api/v2/conversations/emails/${CONVERSATION_ID}`;

beforeEach(async () => (fake = await seededGenesysFake()));
afterEach(() => fake.close());

/** A Lambda context with `remainingMs` left, on the test's clock. */
const lambdaContext = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

describe("Time budgets (issue 9, finding 5)", () => {
  it("a Retry-After of 40 s in a 30 s resolver invocation fails fast as retriable instead of sleeping", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { maxRetryAfterSeconds: 180 });
    fake.script(ATTRIBUTES, [faults.rateLimited(40)]);
    const deadline = deadlineFromContext(lambdaContext(30_000), undefined, clock);

    // Act
    const error = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { a: "b" }, { deadline }).catch((e: unknown) => e);

    // Assess
    expect(deadline.remainingMs()).toBe(28_000);
    expect(error).toBeInstanceOf(GenesysRateLimitError);
    expect(isTransientGenesysError(error)).toBe(true);
    expect(clock.sleeps).toEqual([]);
    expect(clock.elapsed()).toBe(0);
  });

  it("a 40 s-slow server with default settings ends inside the invocation's 30 s, not after 150 s", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, {}, { fakeTimeouts: true });
    fake.script(ATTRIBUTES, Array.from({ length: 10 }, () => faults.slow(40_000)));
    const deadline = deadlineFromContext(lambdaContext(30_000), undefined, clock);

    // Act
    const error = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { a: "b" }, { deadline }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysTimeoutError);
    expect(clock.elapsed()).toBeLessThanOrEqual(28_000);
    // Attempts of 10 s, 10 s and what is left after the backoffs: each attempt's timeout fits the budget.
    expect(fake.requestsTo(ATTRIBUTES)).toHaveLength(3);
    expect(clock.timeouts.slice(-3)).toEqual([10_000, 10_000, 7_625]);
  });

  it("without a deadline a call is bounded by defaultBudgetMs", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { defaultBudgetMs: 5_000, requestTimeoutMs: 2_000 }, { fakeTimeouts: true });
    fake.script(ATTRIBUTES, Array.from({ length: 10 }, () => faults.slow(60_000)));

    // Act
    const error = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { a: "b" }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysTimeoutError);
    expect(clock.elapsed()).toBeLessThanOrEqual(5_000);
  });

  it("each attempt's timeout is min(requestTimeoutMs, time left)", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { requestTimeoutMs: 10_000 }, { fakeTimeouts: true });
    fake.script(ATTRIBUTES, [faults.slow(60_000)]);

    // Act
    const error = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { a: "b" }, { deadline: deadlineIn(1_500, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysTimeoutError", timeoutMs: 1_500, attempts: 1 });
    expect(clock.elapsed()).toBe(1_500);
  });

  it("does not start an attempt when less than minAttemptMs is left", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { minAttemptMs: 200 });
    await client.getEmailConversation(CONVERSATION_ID);
    const before = fake.apiRequests().length;

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(150, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysDeadlineExceededError);
    expect(error).toMatchObject({ name: "GenesysDeadlineExceededError", transient: true, attempts: 0 });
    expect(fake.apiRequests()).toHaveLength(before);
  });

  it("an expired deadline fails before any request", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    const deadline = deadlineIn(1_000, clock);
    clock.time += 5_000;

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysDeadlineExceededError);
    expect(fake.requests).toEqual([]);
  });

  it("bounds a slow token request by the caller's deadline", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, {}, { fakeTimeouts: true });
    fake.script("POST /oauth/token", Array.from({ length: 5 }, () => faults.slow(60_000)));

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(2_000, clock) }).catch((e: unknown) => e);

    // Assess
    expect(isTransientGenesysError(error)).toBe(true);
    expect(error).toMatchObject({ path: "/oauth/token" });
    expect(clock.elapsed()).toBeLessThanOrEqual(2_000);
    expect(fake.apiRequests()).toEqual([]);
  });

  it("bounds a credentials read that never answers (real clock)", async () => {
    // Prepare
    const client = new GenesysClient({
      apiBaseUrl: fake.apiBaseUrl,
      loginBaseUrl: fake.loginBaseUrl,
      credentials: () => new Promise(() => undefined),
    });

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(200) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysDeadlineExceededError);
    expect((error as Error).message).toContain("reading the Genesys client credentials took longer than");
    expect(fake.requests).toEqual([]);
  });

  it("bounds a slow server on the real clock too (the call settles with a timeout)", async () => {
    // Prepare
    const client = new GenesysClient({
      apiBaseUrl: fake.apiBaseUrl,
      loginBaseUrl: fake.loginBaseUrl,
      credentials: async () => ({ clientId: fake.clientId, clientSecret: fake.clientSecret }),
    });
    await client.getEmailConversation(CONVERSATION_ID);
    fake.script(CONVERSATION, Array.from({ length: 5 }, () => faults.slow(60_000)));

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(1_000) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysTimeoutError);
    expect((error as GenesysTimeoutError).timeoutMs).toBeLessThanOrEqual(1_000);
  });

  it("fails fast when the client-side rate limit has no free request within the deadline", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { requestsPerMinute: 1 });
    await client.getEmailConversation(CONVERSATION_ID);

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(10_000, clock) }).catch((e: unknown) => e);
    const later = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(120_000, clock) });

    // Assess
    expect(error).toBeInstanceOf(GenesysDeadlineExceededError);
    expect((error as Error).message).toContain("client-side rate limit has no free request");
    expect(later.id).toBe(CONVERSATION_ID);
    expect(clock.sleeps).toEqual([60_000]);
    expect(fake.apiRequests()).toHaveLength(2);
  });

  it("retries a host that refuses connections only while the deadline allows", async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { client, clock } = clientFor(fake, { apiBaseUrl: `http://127.0.0.1:${port}`, baseDelayMs: 1_000 });

    // Act
    const error = await client.sendAgentlessEmail(ACKNOWLEDGEMENT, { deadline: deadlineIn(2_000, clock) }).catch((e: unknown) => e);

    // Assess
    // Refused: nothing was sent, so even the non-idempotent agentless email is retried (500 + 1000 ms
    // backoff fit the 2 s; the next 2000 ms would not).
    expect(error).toMatchObject({ name: "GenesysNetworkError", transient: true, attempts: 3 });
    expect((error as Error).message).toContain("after 3 attempt(s): TypeError (ECONNREFUSED)");
    expect(clock.sleeps).toEqual([500, 1_000]);
    expect(clock.elapsed()).toBeLessThanOrEqual(2_000);
  });

  it("keeps retrying a 503 across a long budget and stops at maxRetries", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { maxRetries: 2 });
    fake.script(CONVERSATION, Array.from({ length: 5 }, () => faults.serverError(503)));

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID, { deadline: deadlineIn(600_000, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysApiError", status: 503, attempts: 3, transient: true });
    expect(clock.sleeps).toEqual([125, 250]);
  });
});
