/**
 * Races played out step by step: one writer is held between its read and its write while another runs to
 * the end. The held one's transaction then fails its conditions as a whole and it plans again.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoIdentityStore } from "../../functions/identity-graph/core/dynamodb-store";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { resolveEvent, ResolverDependencies } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { LOCAL_TABLE, localDynamoDBClient, LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";
import { invariantViolations } from "../support/identity-invariants";
import { attributesEvent, customerStart } from "./harness";

/** A second "process" on the same table whose next TransactWriteItems waits until released. */
interface HeldWriter {
  readonly deps: ResolverDependencies;
  /** Resolves when the writer has read and is about to send its first transaction. */
  readonly reachedWrite: Promise<void>;
  release(): void;
  close(): void;
}

function heldWriter(local: LocalIdentityStore): HeldWriter {
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reachedWrite = new Promise<void>((resolve) => (reached = resolve));
  let held = false;
  const client: DynamoDBClient = localDynamoDBClient(local.endpoint);
  client.middlewareStack.add(
    (next) => async (args) => {
      const target = (args.request as { headers?: Record<string, string> }).headers?.["x-amz-target"];
      if (target?.endsWith(".TransactWriteItems") && !held) {
        held = true;
        reached();
        await released;
      }
      return next(args);
    },
    { step: "build", name: "hold" },
  );
  return {
    deps: { store: new DynamoIdentityStore(LOCAL_TABLE, client), hasher: local.hasher, settings: DEFAULT_IDENTITY_SETTINGS, sleep: async () => undefined },
    reachedWrite,
    release,
    close: () => client.destroy(),
  };
}

let local: LocalIdentityStore;
let held: HeldWriter;
const deps = () => ({ store: local.store, hasher: local.hasher, settings: DEFAULT_IDENTITY_SETTINGS });
const key = (type: "email" | "phone" | "fp" | "ip" | "conv", value: string) => local.hasher.identify({ type, value }).key;
const DEVICE = { deviceFingerprint: "fp-7c1e22", ipAddress: "198.51.100.23" };

beforeEach(async () => {
  local = await startLocalIdentityStore();
  held = heldWriter(local);
});

afterEach(async () => {
  held.close();
  await local.close();
});

describe("an erasure racing a resolver", () => {
  it("wins when it lands between the resolver's read and write: the device comes back suppressed, not matched", async () => {
    // Prepare: Jane's email conversation, where her device was seen.
    await resolveEvent(customerStart("e-1", "conv-1", { mediaType: "EMAIL", addressFrom: "jane@example.com" }), deps());
    await resolveEvent(attributesEvent("e-2", "conv-1", DEVICE), deps());
    const deviceAgain = resolveEvent(attributesEvent("e-3", "conv-2", DEVICE), held.deps);
    await held.reachedWrite;

    // Act: the erasure runs to the end while the resolver holds a probabilistic match on Jane.
    await eraseIdentity({ email: "jane@example.com" }, deps());
    held.release();
    const resolution = await deviceAgain;

    // Assess
    expect(resolution).toMatchObject({ action: "suppressed", dropped: [{ type: "fp" }, { type: "ip" }] });
    expect(await local.store.ownerOf(key("conv", "conv-2"))).toBeUndefined();
    expect(await local.countProfiles()).toBe(0);
    expect(invariantViolations(await local.scan())).toEqual([]);
  });

  it("wins over a claim of the identifier it suppresses, whichever reads first", async () => {
    // Prepare: the resolver has read that nobody owns the email and is about to claim it.
    const claim = resolveEvent(customerStart("e-1", "conv-1", { mediaType: "EMAIL", addressFrom: "new@example.com" }), held.deps);
    await held.reachedWrite;

    // Act
    const erasure = await eraseIdentity({ email: "new@example.com" }, deps());
    held.release();
    const resolution = await claim;

    // Assess
    expect(erasure).toMatchObject({ erased: false, suppressed: 1 });
    expect(resolution.action).toBe("suppressed");
    expect(await local.store.ownerOf(key("email", "new@example.com"))).toBeUndefined();
    expect(invariantViolations(await local.scan())).toEqual([]);
  });

  it("erases the profile a claim created while the erasure was about to suppress an unowned identifier", async () => {
    // Prepare: the erasure has read that nobody owns the email and is about to suppress it.
    const erasing = eraseIdentity({ email: "new@example.com" }, held.deps);
    await held.reachedWrite;

    // Act
    const created = await resolveEvent(customerStart("e-1", "conv-1", { mediaType: "EMAIL", addressFrom: "new@example.com" }), deps());
    held.release();
    const erasure = await erasing;

    // Assess
    expect(created.action).toBe("created");
    expect(erasure).toMatchObject({ erased: true, profileId: created.profileId, conversations: 1 });
    expect(await local.countProfiles()).toBe(0);
    expect(invariantViolations(await local.scan())).toEqual([]);
  });
});

describe("merges racing each other", () => {
  it("fold three profiles into one when two events each name two of them at once", async () => {
    // Prepare: three profiles, by email, phone and CRM id.
    await resolveEvent(customerStart("e-1", "conv-1", { mediaType: "EMAIL", addressFrom: "ann@example.com" }), deps());
    await resolveEvent(customerStart("e-2", "conv-2", { mediaType: "VOICE", ani: "tel:+12025550101" }), deps());
    await resolveEvent(attributesEvent("e-3", "conv-3", { crmId: "CRM-1" }), deps());
    const first = resolveEvent(attributesEvent("e-4", "conv-4", { email: "ann@example.com", phone: "+12025550101" }), held.deps);
    await held.reachedWrite;

    // Act: the second merge (phone and CRM id) commits while the first waits to write.
    const second = await resolveEvent(attributesEvent("e-5", "conv-5", { phone: "+12025550101", crmId: "CRM-1" }), deps());
    held.release();
    const firstDone = await first;

    // Assess
    const owners = await Promise.all([key("email", "ann@example.com"), key("phone", "+12025550101"), key("conv", "conv-4"), key("conv", "conv-5")].map((k) => local.store.ownerOf(k)));
    expect([firstDone.action, second.action]).toEqual(["merged", "merged"]);
    expect(new Set(owners.map((o) => o?.profileId)).size).toBe(1);
    expect(await local.countProfiles()).toBe(1);
    expect(invariantViolations(await local.scan())).toEqual([]);
  });
});

describe("a profile left being erased", () => {
  it("is erased to the end by the first resolver that meets it", async () => {
    // Prepare: a profile too large for one transaction; its erasure is cut off after the first one.
    const small = await startLocalIdentityStore({ maxTransactionItems: 8 });
    try {
      const smallDeps = { store: small.store, hasher: small.hasher, settings: DEFAULT_IDENTITY_SETTINGS };
      for (let i = 0; i < 4; i++) await resolveEvent(customerStart(`e-${i}`, `conv-${i}`, { mediaType: "EMAIL", addressFrom: "big@example.com" }), smallDeps);
      let transactions = 0;
      const cutting = localDynamoDBClient(small.endpoint);
      cutting.middlewareStack.add(
        (next) => async (args) => {
          const target = (args.request as { headers?: Record<string, string> }).headers?.["x-amz-target"];
          if (target?.endsWith(".TransactWriteItems") && ++transactions === 2) throw new Error("the erasure's process died");
          return next(args);
        },
        { step: "build", name: "cut" },
      );
      await expect(eraseIdentity({ email: "big@example.com" }, { ...smallDeps, store: new DynamoIdentityStore(LOCAL_TABLE, cutting, { maxTransactionItems: 8 }) })).rejects.toThrow("died");
      cutting.destroy();
      const left = await small.scan();

      // Act: a new event in one of its conversations.
      const resolution = await resolveEvent(customerStart("e-9", "conv-2", { mediaType: "MESSAGE" }), smallDeps);

      // Assess
      expect(left.some((item) => item.erasing === true)).toBe(true);
      expect(invariantViolations(left)).toEqual([expect.stringMatching(/left being erased/), expect.stringMatching(/left being erased/), expect.stringMatching(/left being erased/), expect.stringMatching(/left being erased/), expect.stringMatching(/left being erased/)]);
      expect(resolution).toMatchObject({ action: "created", tier: "anonymous" });
      const after = await small.scan();
      expect(invariantViolations(after)).toEqual([]);
      expect(after.filter((item) => item.sk === "SUPPRESS")).toHaveLength(1);
      expect(await small.countProfiles()).toBe(1);
    } finally {
      await small.close();
    }
  });
});
