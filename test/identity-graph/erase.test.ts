import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { attributesEvent, customerStart, Graph, startGraph } from "./harness";

let graph: Graph;

beforeEach(async () => {
  graph = await startGraph();
});

afterEach(async () => {
  await graph.close();
});

const JANE = "jane.doe@example.com";
const JANE_PHONE = "+12025550147";
const erase = (request: { email: string } | { phone: string }) => eraseIdentity(request, graph.deps);

/** profile-1: Jane's email conversation, then a chat that gave her email, phone and device. */
async function jane(): Promise<string[]> {
  await graph.resolve(customerStart("e-1", "conv-email-1", { mediaType: "EMAIL", addressFrom: JANE }));
  await graph.resolve(
    attributesEvent("e-2", "conv-chat-1", { email: JANE, phone: "(202) 555-0147", deviceFingerprint: "fp-7c1e22", ipAddress: "198.51.100.23" }),
  );
  return [
    graph.key("email", JANE),
    graph.key("phone", JANE_PHONE),
    graph.key("fp", "fp-7c1e22"),
    graph.key("ip", "198.51.100.23"),
    graph.key("conv", "conv-email-1"),
    graph.key("conv", "conv-chat-1"),
  ];
}

describe("eraseIdentity", () => {
  it("deletes the profile with its identifiers and conversation links", async () => {
    // Prepare
    const keys = await jane();

    // Act
    const result = await erase({ email: "  Jane.Doe@Example.com" });

    // Assess
    expect(result).toEqual({ erased: true, profileId: "profile-1", identifiers: 6, conversations: 2, suppressed: 4 });
    expect(await graph.profile("profile-1")).toBeUndefined();
    for (const key of keys) expect(await graph.local.store.ownerOf(key)).toBeUndefined();
    expect((await graph.scan()).filter((item) => String(item.pk).startsWith("PROFILE#"))).toEqual([]);
  });

  it("suppresses the person's identifier hashes, not the conversations", async () => {
    // Prepare
    const keys = await jane();

    // Act
    await erase({ phone: "(202) 555-0147" });

    // Assess
    const suppressed = (await graph.scan()).filter((item) => item.sk === "SUPPRESS").map((item) => String(item.pk).slice("SUPPRESS#".length));
    expect(suppressed.sort()).toEqual(keys.filter((key) => !key.startsWith("conv#")).sort());
  });

  it("makes later events carrying the erased email resolve as suppressed without recreating a profile", async () => {
    // Prepare
    await jane();
    await erase({ email: JANE });

    // Act
    const resolution = await graph.resolve(customerStart("e-3", "conv-email-2", { mediaType: "EMAIL", addressFrom: "Jane.Doe@Example.com" }));

    // Assess
    expect(resolution).toEqual({
      eventId: "e-3",
      conversationId: "conv-email-2",
      action: "suppressed",
      dropped: [{ type: "email", reason: "email is suppressed (erased)" }],
      roundTrips: 1,
    });
    expect(await graph.local.store.ownerOf(graph.key("email", JANE))).toBeUndefined();
    expect(await graph.local.store.ownerOf(graph.key("conv", "conv-email-2"))).toBeUndefined();
    expect(await graph.local.countProfiles()).toBe(0);
  });

  it("makes later events carrying the erased phone, in another spelling, resolve as suppressed", async () => {
    // Prepare
    await jane();
    await erase({ email: JANE });

    // Act
    const resolution = await graph.resolve(customerStart("e-3", "conv-call-9", { mediaType: "VOICE", ani: "+1 202-555-0147" }));

    // Assess
    expect(resolution.action).toBe("suppressed");
    expect(resolution.profileId).toBeUndefined();
    expect(await graph.local.countProfiles()).toBe(0);
  });

  it("writes nothing for a suppressed event, so its redelivery is suppressed again", async () => {
    // Prepare
    await erase({ email: JANE });
    const event = customerStart("e-3", "conv-email-2", { mediaType: "EMAIL", addressFrom: JANE });
    await graph.resolve(event);
    const tableBefore = await graph.scan();

    // Act
    const redelivered = await graph.resolve(event);

    // Assess
    expect(redelivered).toMatchObject({ action: "suppressed", roundTrips: 1 });
    expect(redelivered.profileId).toBeUndefined();
    expect(await graph.scan()).toEqual(tableBefore);
  });

  it("still resolves the other, unerased identifiers of a mixed event", async () => {
    // Prepare
    await jane();
    await erase({ email: JANE });

    // Act
    const resolution = await graph.resolve(attributesEvent("e-3", "conv-msg-1", { email: JANE, crmId: "CRM-NEW" }));

    // Assess
    expect(resolution).toMatchObject({ action: "created", tier: "deterministic", dropped: [{ type: "email", reason: "email is suppressed (erased)" }] });
    const contents = await graph.profile(resolution.profileId!);
    expect(contents?.identifierKeys).not.toContain(graph.key("email", JANE));
  });

  it("suppresses an email that no profile holds", async () => {
    // Act
    const result = await erase({ email: "Unknown@Example.com" });
    const later = await graph.resolve(customerStart("e-1", "conv-email-1", { mediaType: "EMAIL", addressFrom: "unknown@example.com" }));

    // Assess
    expect(result).toEqual({ erased: false, profileId: undefined, identifiers: 0, conversations: 0, suppressed: 1 });
    expect(later.action).toBe("suppressed");
    expect(await graph.local.countProfiles()).toBe(0);
  });

  it("refuses an invalid phone, naming the reason", async () => {
    // Act
    const erasing = erase({ phone: "tel:+12" });

    // Assess
    await expect(erasing).rejects.toThrow("cannot erase: phone is not a valid number");
  });

  it("refuses an invalid email, naming the reason", async () => {
    // Act
    const erasing = erase({ email: "jane at example" });

    // Assess
    await expect(erasing).rejects.toThrow("cannot erase: email is not a valid address");
  });

  it("leaves other customers untouched", async () => {
    // Prepare
    await jane();
    await graph.resolve(customerStart("e-3", "conv-email-3", { mediaType: "EMAIL", addressFrom: "bob@example.com" }));

    // Act
    await erase({ email: JANE });

    // Assess
    expect((await graph.local.store.ownerOf(graph.key("email", "bob@example.com")))?.profileId).toBe("profile-2");
    expect(await graph.profile("profile-2")).toBeDefined();
  });
});
