import { Resolution } from "../../functions/identity-graph/core/resolve";
import { attributesEvent, conversationIds, Graph, startGraph } from "./harness";

let graph: Graph;

beforeEach(async () => {
  graph = await startGraph();
});

afterEach(async () => {
  await graph.close();
});

/** Resolves all events at once; waits for every one (none still writing when the store closes) and names each failure. */
async function resolveConcurrently(events: readonly unknown[]): Promise<{ resolutions: Resolution[]; failures: string[] }> {
  const settled = await Promise.allSettled(events.map((event) => graph.resolve(event)));
  return {
    resolutions: settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
    failures: settled.flatMap((s, i) => (s.status === "rejected" ? [`event ${i + 1}: ${String(s.reason)}`] : [])),
  };
}

describe("concurrent events about one new customer", () => {
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
    }).toEqual({
      failures: [],
      profiles: 1,
      conversationsOfEmailOwner: conversations,
      conversationOwners: conversations.map(() => owner?.profileId),
      deterministic: conversations.length,
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
