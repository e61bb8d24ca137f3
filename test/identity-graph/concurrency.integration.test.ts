/**
 * Many resolvers on one table at once (the local engine with transactions), over generated events with
 * merges, device sightings, redeliveries and erasures: the invariants of core/table.ts hold on the final
 * table, and the graph is the one a sequential run gives (up to profile id naming).
 */
import { randomBytes } from "node:crypto";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { CommittedTransaction } from "../../scripts/local/dynamodb-engine";
import { startLocalIdentityStore } from "../../scripts/local/identity-store";
import { startLocalResolver } from "../../scripts/local/identity-resolver";
import { generateIdentityWorkload } from "../../scripts/fixtures/sample-identity-events";
import { canonicalGraph, invariantViolations } from "../support/identity-invariants";
import { attributesEvent, conversationIds, Graph, startGraph } from "./harness";

jest.setTimeout(300_000);

describe("concurrent events about one new customer", () => {
  let graph: Graph;

  beforeEach(async () => {
    graph = await startGraph();
  });

  afterEach(async () => {
    await graph.close();
  });

  /** Resolves all events at once; waits for every one (none still writing when the store closes) and names each failure. */
  async function resolveConcurrently(events: readonly unknown[]) {
    const settled = await Promise.allSettled(events.map((event) => graph.resolve(event)));
    return {
      resolutions: settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
      failures: settled.flatMap((s, i) => (s.status === "rejected" ? [`event ${i + 1}: ${String(s.reason)}`] : [])),
    };
  }

  it("end with one profile owning the email and every conversation (no fork)", async () => {
    // Prepare
    const conversations = Array.from({ length: 8 }, (_, i) => `conv-msg-${i + 1}`);
    const events = conversations.map((conversationId, i) => attributesEvent(`e-${i + 1}`, conversationId, { email: "new.customer@example.com" }, `p-${i + 1}`));

    // Act
    const { resolutions, failures } = await resolveConcurrently(events);

    // Assess
    const owner = await graph.local.store.ownerOf(graph.key("email", "new.customer@example.com"));
    const conversationOwners = await Promise.all(conversations.map((c) => graph.local.store.ownerOf(graph.key("conv", c))));
    expect({
      failures,
      profiles: await graph.local.countProfiles(),
      conversationsOfEmailOwner: conversationIds(owner && (await graph.profile(owner.profileId))),
      conversationOwners: conversationOwners.map((o) => o?.profileId),
      deterministic: resolutions.filter((r) => r.tier === "deterministic" && r.confidence === 1).length,
      violations: invariantViolations(await graph.scan()),
    }).toEqual({
      failures: [],
      profiles: 1,
      conversationsOfEmailOwner: conversations,
      conversationOwners: conversations.map(() => owner?.profileId),
      deterministic: conversations.length,
      violations: [],
    });
  });

  it("converge when one event knows the email and the other the email and a phone", async () => {
    // Prepare
    const emailOnly = attributesEvent("e-a", "conv-a", { email: "x@example.com" });
    const emailAndPhone = attributesEvent("e-b", "conv-b", { email: "x@example.com", phone: "+12025550111" });

    // Act
    const { failures } = await resolveConcurrently([emailOnly, emailAndPhone]);

    // Assess
    const byEmail = await graph.local.store.ownerOf(graph.key("email", "x@example.com"));
    const byPhone = await graph.local.store.ownerOf(graph.key("phone", "+12025550111"));
    expect({
      failures,
      profiles: await graph.local.countProfiles(),
      phoneOwner: byPhone?.profileId,
      conversationsOfEmailOwner: conversationIds(byEmail && (await graph.profile(byEmail.profileId))),
    }).toEqual({
      failures: [],
      profiles: 1,
      phoneOwner: byEmail?.profileId,
      conversationsOfEmailOwner: ["conv-a", "conv-b"],
    });
  });
});

describe("replay with N resolver instances sharing one store", () => {
  it("gives the graph of one instance for 600 generated events with merges and redeliveries, and a second delivery of all changes nothing in the graph", async () => {
    // Prepare
    const hashingKey = randomBytes(32).toString("base64");
    const { events } = generateIdentityWorkload({ seed: 11, customers: 80, conversations: 245 });
    const lines = events.map((e) => JSON.stringify(e));
    const run = async (concurrency: number) => {
      const resolver = await startLocalResolver({ hashingKey });
      try {
        const results = await resolver.replay(lines, { concurrency });
        const items = await resolver.local.scan();
        // Every event delivered once more: duplicates are no-ops on the graph. Those that changed the graph
        // are recognized as duplicates; a person's identifiers the graph already held were never recorded and
        // match again, writing nothing. (What was written back to a conversation whose profile was merged
        // away since is brought up to date, which is not the graph.)
        const again = await resolver.replay(lines, { concurrency });
        const graphOnly = (all: Array<Record<string, unknown>>) => JSON.stringify(all.filter((item) => item.sk !== "WRITEBACK"));
        return {
          items,
          failed: results.filter((r) => r.action === "failed" || r.action === "invalid"),
          againActions: [...new Set(again.map((r) => r.action))].sort(),
          changedByRedelivery: graphOnly(await resolver.local.scan()) !== graphOnly(items),
        };
      } finally {
        await resolver.close();
      }
    };

    // Act
    const one = await run(1);
    const eight = await run(8);

    // Assess
    expect(events.length).toBeGreaterThanOrEqual(600);
    expect({ failed: eight.failed, violations: invariantViolations(eight.items) }).toEqual({ failed: [], violations: [] });
    expect({ failed: one.failed, violations: invariantViolations(one.items) }).toEqual({ failed: [], violations: [] });
    expect(canonicalGraph(eight.items)).toEqual(canonicalGraph(one.items));
    expect(canonicalGraph(one.items).profiles.length).toBeGreaterThan(30);
    expect(eight).toMatchObject({ againActions: ["duplicate", "ignored", "matched"], changedByRedelivery: false });
  });
});

/**
 * Workers resolving generated events (with device sightings) through the Lambda handler, plus erasures,
 * all at once. The local engine reports each transaction as it commits; replaying the committed events
 * and erasures one by one in that order on a fresh table must give the same graph.
 */
async function concurrentRound(seed: number, options: { customers: number; conversations: number; workers: number; erasures: number }) {
  const hashingKey = randomBytes(32).toString("base64");
  const commits: CommittedTransaction[] = [];
  const { events, customers } = generateIdentityWorkload({ seed, customers: options.customers, conversations: options.conversations, devices: true });
  const resolver = await startLocalResolver({ hashingKey, onCommit: (t) => commits.push(t) });
  const erased = customers.slice(0, options.erasures);
  const deps = { store: resolver.local.store, hasher: resolver.local.hasher, settings: DEFAULT_IDENTITY_SETTINGS };
  let concurrentItems: Array<Record<string, unknown>>;
  let failed: unknown[];
  try {
    const replaying = resolver.replay(
      events.map((e) => JSON.stringify(e)),
      { concurrency: options.workers, batchSize: 5 },
    );
    // Erasures land while the resolvers run, a few milliseconds apart.
    const erasing = (async () => {
      for (const customer of erased) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await eraseIdentity({ email: customer.email }, deps);
      }
    })();
    const [results] = await Promise.all([replaying, erasing]);
    failed = results.filter((r) => r.action === "failed" || r.action === "invalid");
    concurrentItems = await resolver.local.scan();
  } finally {
    await resolver.close();
  }

  // The same changes one at a time, in commit order.
  const byId = new Map(events.map((e) => [(e as { id: string }).id, e]));
  const sequential = await startLocalIdentityStore({ hashingKey });
  const erasureOf = new Map(erased.map((c) => [`SUPPRESS#${sequential.hasher.identify({ type: "email", value: c.email }).key}`, c.email]));
  try {
    const sequentialDeps = { store: sequential.store, hasher: sequential.hasher, settings: DEFAULT_IDENTITY_SETTINGS };
    for (const { writes } of commits) {
      const eventId = (writes.find((w) => w.item.sk?.S === "EVENT")?.item.pk?.S as string | undefined)?.slice("EVENT#".length);
      const erasedEmail = writes.map((w) => erasureOf.get(String(w.item.pk?.S))).find((email) => email !== undefined);
      if (eventId) await resolveEvent(byId.get(eventId), sequentialDeps);
      else if (erasedEmail) await eraseIdentity({ email: erasedEmail }, sequentialDeps);
      else throw new Error(`a commit neither of an event nor of an erasure: ${JSON.stringify(writes).slice(0, 300)}`);
    }
    return { events: events.length, commits: commits.length, failed, concurrentItems, sequentialItems: await sequential.scan() };
  } finally {
    await sequential.close();
  }
}

describe("resolvers and erasures at once", () => {
  it("keep the invariants and end in the graph of the same changes made one by one, over 2,000 events and 15 erasures", async () => {
    // Act
    const round = await concurrentRound(21, { customers: 200, conversations: 800, workers: 8, erasures: 15 });

    // Assess
    expect(round.events).toBeGreaterThanOrEqual(2_000);
    expect(round.failed).toEqual([]);
    expect(invariantViolations(round.concurrentItems)).toEqual([]);
    expect(canonicalGraph(round.concurrentItems)).toEqual(canonicalGraph(round.sequentialItems));
    expect(canonicalGraph(round.concurrentItems).suppressed.length).toBeGreaterThanOrEqual(15);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])("keep them in round %i of two workers with an erasure", async (round) => {
    // Act
    const result = await concurrentRound(100 + round, { customers: 10, conversations: 25, workers: 2, erasures: 2 });

    // Assess
    expect(result.failed).toEqual([]);
    expect(invariantViolations(result.concurrentItems)).toEqual([]);
    expect(canonicalGraph(result.concurrentItems)).toEqual(canonicalGraph(result.sequentialItems));
  });
});
