/**
 * A crash at every write: a scenario of events and an erasure (with a merge and an erasure each too large
 * for one transaction, so that they span several) is run once uninterrupted, then once per write with the
 * process "dying" just before that write is sent and once just after it was applied (its answer lost). The
 * graph left by the crash keeps the invariants; running the interrupted step again and the rest of the
 * scenario (as SQS redelivers, or the operator reruns the erasure) ends in the uninterrupted run's graph.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { attributesEvent, customerStart } from "../../scripts/fixtures/sample-identity-events";
import { localDynamoDBClient, LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";
import { canonicalGraph, invariantViolations } from "../support/identity-invariants";

jest.setTimeout(300_000);

/** Small enough that the merge and the erasure below take several transactions each. */
const MAX_TRANSACTION_ITEMS = 20;
const ANN = "ann@example.com";
const BOB_PHONE = "+12025550188";
const DEVICE = { deviceFingerprint: "fp-ann-1", ipAddress: "203.0.113.9" };

type Step = { kind: "event"; event: unknown } | { kind: "erase"; email: string };
const event = (e: unknown): Step => ({ kind: "event", event: e });

/** Ann by email in five conversations, Bob (the same person) by phone in five; one event joins them; Ann is erased and comes back. */
const SCENARIO: Step[] = [
  ...Array.from({ length: 5 }, (_, i) => event(customerStart(`ann-${i}`, `conv-ann-${i}`, `p-ann-${i}`, { mediaType: "EMAIL", addressFrom: ANN }))),
  ...Array.from({ length: 5 }, (_, i) => event(customerStart(`bob-${i}`, `conv-bob-${i}`, `p-bob-${i}`, { mediaType: "VOICE", ani: `tel:${BOB_PHONE}` }))),
  event(attributesEvent("bob-device", "conv-bob-0", "p-bob-0", DEVICE)),
  event(customerStart("chat-1", "conv-chat-1", "p-chat-1", { mediaType: "MESSAGE" })),
  event(attributesEvent("chat-1-device", "conv-chat-1", "p-chat-1", DEVICE)),
  event(attributesEvent("join", "conv-join", "p-join", { email: ANN, phone: BOB_PHONE })),
  event(attributesEvent("join", "conv-join", "p-join", { email: ANN, phone: BOB_PHONE })),
  event(customerStart("carol-1", "conv-carol-1", "p-carol-1", { mediaType: "EMAIL", addressFrom: "carol@example.com" })),
  { kind: "erase", email: ANN },
  event(customerStart("ann-back", "conv-ann-back", "p-ann-back", { mediaType: "EMAIL", addressFrom: ANN })),
  event(attributesEvent("device-back", "conv-device-back", "p-device-back", DEVICE)),
  event(attributesEvent("carol-2", "conv-carol-2", "p-carol-2", { email: "carol@example.com", phone: "+12025550199" })),
];

class Crash extends Error {
  override readonly name = "Crash";
}

/** A client whose `crashAt`-th TransactWriteItems crashes the process before it is sent, or after it was applied. */
function crashingClient(endpoint: string, crash: { at: number; when: "before" | "after" } | undefined, writes: { count: number }): DynamoDBClient {
  const client = localDynamoDBClient(endpoint);
  client.middlewareStack.add(
    (next) => async (args) => {
      const target = (args.request as { headers?: Record<string, string> }).headers?.["x-amz-target"];
      if (!target?.endsWith(".TransactWriteItems")) return next(args);
      writes.count++;
      if (crash?.at !== writes.count) return next(args);
      if (crash.when === "before") throw new Crash(`crashed before write ${writes.count}`);
      await next(args);
      throw new Crash(`crashed after write ${writes.count}`);
    },
    { step: "build", name: "crash" },
  );
  return client;
}

async function runStep(local: LocalIdentityStore, step: Step): Promise<void> {
  const deps = { store: local.store, hasher: local.hasher, settings: DEFAULT_IDENTITY_SETTINGS };
  if (step.kind === "event") await resolveEvent(step.event, deps);
  else await eraseIdentity({ email: step.email }, deps);
}

/** Runs the scenario; with a crash, stops there, checks the graph left, then runs the interrupted step again and the rest. */
async function run(hashingKey: string, crash?: { at: number; when: "before" | "after" }) {
  const writes = { count: 0 };
  let crashed: { step: number; items: Array<Record<string, unknown>> } | undefined;
  const local = await startLocalIdentityStore({ hashingKey, maxTransactionItems: MAX_TRANSACTION_ITEMS, client: (endpoint) => crashingClient(endpoint, crash, writes) });
  try {
    const writesPerStep: number[] = [];
    let step = 0;
    for (; step < SCENARIO.length; step++) {
      try {
        const before = writes.count;
        await runStep(local, SCENARIO[step]!);
        writesPerStep.push(writes.count - before);
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
        crashed = { step, items: await local.scan() };
        break;
      }
    }
    // The restarted process: the interrupted step is delivered again, then the rest.
    for (; step < SCENARIO.length; step++) await runStep(local, SCENARIO[step]!);
    return { writes: writes.count, writesPerStep, crashed, items: await local.scan() };
  } finally {
    await local.close();
  }
}

describe("a crash at every write of the scenario", () => {
  const hashingKey = randomBytes(32).toString("base64");
  let uninterrupted: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    uninterrupted = await run(hashingKey);
  });

  it("has a scenario whose merge and erasure span several transactions", () => {
    // Assess
    const join = SCENARIO.findIndex((s) => s.kind === "event" && (s.event as { id: string }).id === "join");
    const erase = SCENARIO.findIndex((s) => s.kind === "erase");
    expect(uninterrupted.writesPerStep[join]).toBeGreaterThanOrEqual(2);
    expect(uninterrupted.writesPerStep[erase]).toBeGreaterThanOrEqual(3);
    expect(invariantViolations(uninterrupted.items)).toEqual([]);
    const graph = canonicalGraph(uninterrupted.items);
    // Only Carol is left: Ann, Bob's calls and the chat her device was seen in are one person, erased;
    // her email, Bob's phone, the fingerprint and the IP are suppressed, so her return recreates nothing.
    expect(graph.profiles).toEqual([expect.stringMatching(/^deterministic: conv#\S+=deterministic\/1 conv#\S+=deterministic\/1 email#\S+ phone#\S+$/)]);
    expect(graph.suppressed.map((key) => key.split("#")[0])).toEqual(["email", "fp", "ip", "phone"]);
  });

  it.each(["before", "after"] as const)("ends, crashing %s any write and running again, in the uninterrupted graph", async (when) => {
    // Act
    const outcomes: Array<{ at: number; step: number | undefined; leftBroken: string[]; differs: boolean; violations: string[] }> = [];
    for (let at = 1; at <= uninterrupted.writes; at++) {
      const result = await run(hashingKey, { at, when });
      outcomes.push({
        at,
        step: result.crashed?.step,
        leftBroken: result.crashed ? invariantViolations(result.crashed.items, { allowUnfinishedErasure: true }) : ["did not crash"],
        differs: JSON.stringify(canonicalGraph(result.items)) !== JSON.stringify(canonicalGraph(uninterrupted.items)),
        violations: invariantViolations(result.items),
      });
    }

    // Assess
    expect(outcomes.filter((o) => o.leftBroken.length > 0 || o.differs || o.violations.length > 0)).toEqual([]);
    expect(new Set(outcomes.map((o) => o.step)).size).toBeGreaterThan(SCENARIO.length / 2);
  });
});
