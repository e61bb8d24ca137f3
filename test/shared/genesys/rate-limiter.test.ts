import { TokenBucket } from "../../../functions/shared/genesys/client";
import { GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, fakeClock, seededGenesysFake } from "./harness";

describe("TokenBucket", () => {
  it("lets a full minute's burst through and then spaces requests at the refill rate", async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = new TokenBucket(60, clock);

    // Act
    for (let i = 0; i < 63; i++) await bucket.take();

    // Assess
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  it("spaces concurrent waiters one refill interval apart, in arrival order", async () => {
    // Prepare
    const sleeps: number[] = [];
    const bucket = new TokenBucket(120, { now: () => 0, sleep: async (ms) => void sleeps.push(ms) });
    for (let i = 0; i < 120; i++) await bucket.take();

    // Act
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);

    // Assess
    expect(sleeps).toEqual([500, 1000, 1500]);
  });

  it("refills with elapsed time but never beyond one minute's worth", async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = new TokenBucket(2, clock);
    await bucket.take();
    await bucket.take();
    clock.time += 10 * 60_000;

    // Act
    for (let i = 0; i < 3; i++) await bucket.take();

    // Assess
    expect(clock.sleeps).toEqual([30_000]);
  });

  it("rejects a non-positive rate", () => {
    // Prepare
    const clock = fakeClock();

    // Act
    const create = () => new TokenBucket(0, clock);

    // Assess
    expect(create).toThrow("requestsPerMinute must be a positive number, got 0");
  });
});

describe("GenesysClient rate limit", () => {
  let fake: GenesysFake;

  beforeEach(async () => (fake = await seededGenesysFake()));
  afterEach(() => fake.close());

  it("spaces API requests once over requestsPerMinute, shared across methods", async () => {
    // Prepare
    const { client, clock } = clientFor(fake, { requestsPerMinute: 2, defaultBudgetMs: 120_000 });
    const times: number[] = [];

    // Act
    for (const call of [
      () => client.getEmailConversation(CONVERSATION_ID),
      () => client.listEmailMessages(CONVERSATION_ID),
      () => client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { docClass: "invoice" }),
      () => client.replaceParticipantWithQueue(CONVERSATION_ID, "p-acd", "q-billing"),
    ]) {
      await call();
      times.push(clock.time);
    }

    // Assess
    expect(clock.sleeps).toEqual([30_000, 30_000]);
    expect(times.map((t) => t - (times[0] ?? 0))).toEqual([0, 0, 30_000, 60_000]);
    expect(fake.apiRequests()).toHaveLength(4);
    expect(fake.tokensIssued).toHaveLength(1);
  });
});
