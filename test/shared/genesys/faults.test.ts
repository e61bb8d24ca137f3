import { deadlineIn } from "../../../functions/shared/deadline";
import {
  GenesysApiError,
  GenesysAuthError,
  GenesysConversationEndedError,
  GenesysRateLimitError,
  GenesysRequestRejectedError,
  GenesysTimeoutError,
  isTransientGenesysError,
} from "../../../functions/shared/genesys/client";
import { faults, GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, seededGenesysFake } from "./harness";
import { METHODS } from "./methods";

let fake: GenesysFake;

beforeEach(async () => (fake = await seededGenesysFake()));
afterEach(() => fake.close());

const BUDGET_MS = 30_000;

describe.each(METHODS)("$name under faults", (method) => {
  const requests = () => fake.requestsTo(method.route);

  it("waits out a 429's Retry-After inside the deadline and succeeds", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [faults.rateLimited(2)]);

    // Act
    await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) });

    // Assess
    expect(clock.sleeps).toEqual([2000]);
    expect(requests()).toHaveLength(2);
  });

  it("fails fast, transient, when Retry-After is longer than the time left", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [faults.rateLimited(20)]);

    // Act
    const error = await method.call(client, fake, { deadline: deadlineIn(15_000, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysRateLimitError);
    expect(error).toMatchObject({ name: "GenesysRateLimitError", transient: true, retryAfterSeconds: 20, attempts: 1 });
    expect((error as Error).message).toContain("Genesys rate limit wait longer than the 15000 ms left of the deadline (Retry-After 20 s)");
    expect(clock.sleeps).toEqual([]);
    expect(requests()).toHaveLength(1);
  });

  it(method.idempotent ? "retries a 5xx with backoff and succeeds" : "retries a 503 (Genesys did not act) and succeeds", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [faults.serverError(503)]);

    // Act
    await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) });

    // Assess
    expect(clock.sleeps).toEqual([125]);
    expect(requests()).toHaveLength(2);
  });

  it(
    method.idempotent ? "retries a persistent 500 only while the deadline allows, then fails transient" : "does not resend after a 500 (the email may have gone out)",
    async () => {
      // Prepare
      const { client, clock } = clientFor(fake, { baseDelayMs: 1000, maxRetries: 10 });
      fake.script(method.route, Array.from({ length: 12 }, () => faults.serverError(500)));

      // Act
      const error = await method.call(client, fake, { deadline: deadlineIn(3_000, clock) }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GenesysApiError);
      expect(error).toMatchObject({ name: "GenesysApiError", status: 500, transient: true });
      expect(isTransientGenesysError(error)).toBe(true);
      expect(clock.elapsed()).toBeLessThanOrEqual(3_000);
      // Full jitter at 0.5: 500, 1000, then 2000 would not leave 100 ms for an attempt within 3 s.
      expect(clock.sleeps).toEqual(method.idempotent ? [500, 1000] : []);
      expect(requests()).toHaveLength(method.idempotent ? 3 : 1);
    },
  );

  it("refreshes an expired token once and retries the request", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);
    const primed = requests().length;
    fake.expireTokens();

    // Act
    await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) });

    // Assess
    expect(fake.tokensIssued).toHaveLength(2);
    expect(requests().slice(primed).map((r) => r.headers.authorization)).toEqual([`Bearer ${fake.tokensIssued[0]}`, `Bearer ${fake.tokensIssued[1]}`]);
    expect(clock.sleeps).toEqual([]);
  });

  it("fails with a permanent GenesysAuthError when a fresh token is refused too", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [faults.tokenExpired(), faults.tokenExpired()]);

    // Act
    const error = await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(error).toMatchObject({ name: "GenesysAuthError", status: 401, transient: false, attempts: 2 });
    expect(fake.tokensIssued).toHaveLength(2);
    expect(requests()).toHaveLength(2);
  });

  it("times out a slow answer and never runs past the deadline", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { requestTimeoutMs: 1_000 }, { fakeTimeouts: true });
    fake.script(method.route, Array.from({ length: 5 }, () => faults.slow(60_000)));

    // Act
    const error = await method.call(client, fake, { deadline: deadlineIn(2_500, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysTimeoutError);
    expect(error).toMatchObject({ name: "GenesysTimeoutError", transient: true });
    expect(clock.elapsed()).toBeLessThanOrEqual(2_500);
    if (method.idempotent) {
      // 1000 ms attempt, 125 ms backoff, 1000 ms attempt, 250 ms backoff, then the 125 ms left.
      expect(requests()).toHaveLength(3);
      expect(clock.elapsed()).toBe(2_500);
    } else {
      expect(requests()).toHaveLength(1);
    }
  });

  it(method.conversationScoped ? "reports a 404 as the conversation having ended, without retrying" : "reports a 404 as a permanent rejection, without retrying", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [faults.conversationEnded()]);

    // Act
    const error = await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(method.conversationScoped ? GenesysConversationEndedError : GenesysRequestRejectedError);
    expect(error).toMatchObject({ status: 404, transient: false, attempts: 1 });
    if (method.conversationScoped) expect(error).toMatchObject({ name: "GenesysConversationEndedError", conversationId: CONVERSATION_ID });
    expect(isTransientGenesysError(error)).toBe(false);
    expect(clock.sleeps).toEqual([]);
    expect(requests()).toHaveLength(1);
  });

  it.each([400, 403, 409, 410, 413, 422])("never retries a %i", async (status) => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [{ status, body: { message: "Rejected", code: "bad.request", status } }]);

    // Act
    const error = await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysRequestRejectedError);
    expect(error).toMatchObject({ name: "GenesysRequestRejectedError", status, transient: false, attempts: 1 });
    expect(clock.sleeps).toEqual([]);
    expect(requests()).toHaveLength(1);
  });

  it.each([408, 502, 504])(method.idempotent ? "retries a %i" : "treats a %i as transient", async (status) => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(method.route, [{ status }]);

    // Act
    const outcome = await method.call(client, fake, { deadline: deadlineIn(BUDGET_MS, clock) }).catch((e: unknown) => e);

    // Assess
    if (method.idempotent) {
      expect(outcome).not.toBeInstanceOf(Error);
      expect(requests()).toHaveLength(2);
    } else {
      expect(outcome).toMatchObject({ name: "GenesysApiError", status, transient: true });
      expect(requests()).toHaveLength(1);
    }
  });
});

describe("Ended conversations", () => {
  it("answer writes with GenesysConversationEndedError at once while reads still work", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.endConversation(CONVERSATION_ID);

    // Act
    const conversation = await client.getEmailConversation(CONVERSATION_ID);
    const patch = await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { a: "b" }).catch((e: unknown) => e);
    const transfer = await client.replaceParticipantWithQueue(CONVERSATION_ID, "p-acd", "q-billing").catch((e: unknown) => e);

    // Assess
    expect(conversation.participants.map((p) => p.state)).toEqual(["disconnected", "disconnected"]);
    for (const error of [patch, transfer]) {
      expect(error).toBeInstanceOf(GenesysConversationEndedError);
      expect(error).toMatchObject({ conversationId: CONVERSATION_ID, status: 404, attempts: 1, transient: false });
      expect((error as Error).message).toMatch(/^Genesys conversation no longer exists or has ended: (PATCH|POST) \/api\/v2\/conversations\//);
    }
    expect(clock.sleeps).toEqual([]);
    expect(fake.transfers).toEqual([]);
  });
});

describe("Download faults on the storage host", () => {
  it("treats a 401 from the signed URL as a permanent rejection, without a token refresh", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(/^\/signed\//, [{ status: 401, body: "expired signature" }]);

    // Act
    const error = await client.downloadAttachment(fake.contentUriOf("a-pdf"), 1_000_000, { deadline: deadlineIn(BUDGET_MS, clock) }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: "GenesysRequestRejectedError", status: 401, path: "/signed/a-pdf", transient: false, attempts: 1 });
    expect(fake.tokensIssued).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("retries a 503 from the signed URL without the bearer token", async () => {
    // Prepare
    const { client, clock } = clientFor(fake);
    fake.script(/^\/signed\//, [faults.serverError(503)]);

    // Act
    const { bytes } = await client.downloadAttachment(fake.contentUriOf("a-pdf"), 1_000_000, { deadline: deadlineIn(BUDGET_MS, clock) });

    // Assess
    expect(new TextDecoder().decode(bytes)).toBe("%PDF-1.7 fake invoice");
    const signed = fake.requests.filter((r) => r.host === "storage");
    expect(signed).toHaveLength(2);
    expect(signed.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(clock.sleeps).toEqual([125]);
  });
});
