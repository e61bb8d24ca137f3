/** planResolution as the pure step it is: an event and what was read -> the outcome and the change to commit. */
import { IdentifierHasher, Identifier, IdentifierType } from "../../functions/identity-graph/core/identifiers";
import { planResolution, PlanningEvent } from "../../functions/identity-graph/core/plan";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { ConflictError, Lookup, Owner, ProfileContents } from "../../functions/identity-graph/core/store";

const hasher = new IdentifierHasher("a-test-key-of-32-bytes-0123456789");
const id = (type: IdentifierType, value: string): Identifier => hasher.identify({ type, value });
const CONV = id("conv", "conv-1");
const EMAIL = id("email", "jane@example.com");
const PHONE = id("phone", "+12025550147");
const FP = id("fp", "fp-1");
const IP = id("ip", "198.51.100.1");
const context = { settings: DEFAULT_IDENTITY_SETTINGS, newProfileId: () => "new-profile", now: () => new Date("2026-11-21T09:00:00Z") };

const event = (identifiers: Identifier[], isCustomerStart = false): PlanningEvent => ({ eventId: "e-1", conversationId: "conv-1", participantId: "p-1", isCustomerStart, identifiers: [CONV, ...identifiers] });
const lookup = (owners: Array<[Identifier, Owner]> = [], suppressed: Identifier[] = []): Lookup => ({
  owners: new Map(owners.map(([i, o]) => [i.key, o])),
  suppressed: new Set(suppressed.map((i) => i.key)),
});
const profile = (profileId: string, keys: Identifier[], extra: Partial<ProfileContents> = {}): ProfileContents => ({
  profileId,
  state: "live",
  tier: keys.some((k) => ["email", "phone"].includes(k.type)) ? "deterministic" : "anonymous",
  createdAt: "2026-01-01T00:00:00Z",
  version: 3,
  entries: keys.map((k) => ({ key: k.key })),
  identifierKeys: keys.map((k) => k.key),
  conversations: [],
  ...extra,
});

describe("planResolution", () => {
  it("answers an event already recorded as its duplicate, with nothing to write", () => {
    // Act
    const plan = planResolution(event([EMAIL]), { ...lookup(), processed: { action: "created", profileId: "p", tier: "deterministic", confidence: 1 } }, context);

    // Assess
    expect(plan).toEqual({ kind: "resolved", outcome: { action: "duplicate", profileId: "p", tier: "deterministic", confidence: 1 }, dropped: [] });
  });

  it("suppresses an event whose only personal identifier is erased, with nothing to write", () => {
    // Act
    const plan = planResolution(event([EMAIL]), lookup([], [EMAIL]), context);

    // Assess
    expect(plan).toEqual({ kind: "resolved", outcome: { action: "suppressed" }, dropped: [{ type: "email", reason: "email is suppressed (erased)" }] });
  });

  it("creates a profile claiming the unowned keys, on condition the personal ones are not suppressed meanwhile", () => {
    // Act
    const plan = planResolution(event([EMAIL, FP]), lookup(), context);

    // Assess
    expect(plan.kind === "resolved" && plan.change).toMatchObject({
      profileId: "new-profile",
      newProfile: { tier: "deterministic", createdAt: "2026-11-21T09:00:00.000Z" },
      claims: [CONV.key, EMAIL.key, FP.key],
      unsuppressed: [EMAIL.key, FP.key],
      merge: [],
      conversation: { key: CONV.key, tier: "deterministic", confidence: 1, refresh: false },
    });
  });

  it("asks for the profiles' contents before a merge, then folds the younger into the older with the event's keys as evidence", () => {
    // Prepare
    const read = lookup([
      [EMAIL, { profileId: "old" }],
      [PHONE, { profileId: "young" }],
    ]);

    // Act
    const first = planResolution(event([EMAIL, PHONE]), read, context);
    const second = planResolution(
      event([EMAIL, PHONE]),
      read,
      context,
      new Map([
        ["old", profile("old", [EMAIL, id("conv", "c-old")])],
        ["young", profile("young", [PHONE, id("conv", "c-young")], { createdAt: "2026-06-01T00:00:00Z" })],
      ]),
    );

    // Assess
    expect(first).toEqual({ kind: "read-profiles", profileIds: ["old", "young"] });
    expect(second.kind === "resolved" && second.outcome).toEqual({ action: "merged", profileId: "old", tier: "deterministic", confidence: 1 });
    expect(second.kind === "resolved" && second.change).toMatchObject({ profileId: "old", claims: [CONV.key], evidence: [PHONE.key], merge: [{ profileId: "young", version: 3 }] });
  });

  it("does not fold a conversation's placeholder into a device match once it holds a person's identifier", () => {
    // Prepare: the conversation was resolved anonymously, but its profile has since gained an email.
    const read = lookup([
      [CONV, { profileId: "placeholder", tier: "anonymous", confidence: 0 }],
      [FP, { profileId: "device-owner" }],
      [IP, { profileId: "device-owner" }],
    ]);

    // Act
    const plan = planResolution(event([FP, IP]), read, context, new Map([["placeholder", profile("placeholder", [CONV, EMAIL])]]));

    // Assess
    expect(plan.kind === "resolved" && plan.outcome).toEqual({ action: "matched", profileId: "placeholder", tier: "anonymous", confidence: 0 });
    expect(plan.kind === "resolved" && plan.change).toMatchObject({ merge: [], observe: [{ key: FP.key, from: "device-owner" }, { key: IP.key, from: "device-owner" }] });
  });

  it.each([
    ["a person's identifiers alone: its redelivery finds them as it leaves them, or suppressed", [EMAIL, PHONE], false, false],
    ["a device and IP besides: they may be seen with someone else before a redelivery", [EMAIL, FP, IP], false, true],
    ["a customer start naming no person: an erasure may free its conversation before a redelivery", [], true, true],
  ])("writes nothing for an event the graph already holds, recording it only when a redelivery could change the graph: %s", (_, identifiers, isCustomerStart, recorded) => {
    // Prepare
    const owned: Owner = { profileId: "p", tier: "deterministic", confidence: 1 };
    const read = lookup([CONV, ...identifiers].map((i): [Identifier, Owner] => [i, i === CONV ? owned : { profileId: "p" }]));

    // Act
    const plan = planResolution(event(identifiers, isCustomerStart), read, context);

    // Assess
    expect(plan).toEqual({ kind: "resolved", outcome: { action: "matched", profileId: "p", tier: "deterministic", confidence: 1 }, dropped: [], record: recorded });
  });

  it("throws a ConflictError naming a profile found being erased, and one for a profile merged since the lookup", () => {
    // Prepare
    const read = lookup([
      [EMAIL, { profileId: "a" }],
      [PHONE, { profileId: "b" }],
    ]);
    const plan = (b: ProfileContents) => () => planResolution(event([EMAIL, PHONE]), read, context, new Map([["a", profile("a", [EMAIL])], ["b", b]]));

    // Act
    let erasing: unknown;
    try {
      plan(profile("b", [PHONE], { state: "erasing" }))();
    } catch (error) {
      erasing = error;
    }

    // Assess
    expect(erasing).toBeInstanceOf(ConflictError);
    expect((erasing as ConflictError).erasingProfiles).toEqual(["b"]);
    expect(plan(profile("b", [], { state: "merged", mergedInto: "c" }))).toThrow(ConflictError);
  });
});
