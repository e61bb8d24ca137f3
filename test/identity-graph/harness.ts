import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IdentifierType } from "../../functions/identity-graph/core/identifiers";
import { resolveEvent, ResolverDependencies, Resolution } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS, IdentitySettings } from "../../functions/identity-graph/core/settings";
import { LocalIdentityStore, LocalIdentityStoreOptions, startLocalIdentityStore } from "../../scripts/local/identity-store";
import {
  attributesEvent as sampleAttributesEvent,
  conversationEvent,
  customerStart as sampleCustomerStart,
  SOURCE,
} from "../../scripts/fixtures/sample-identity-events";

export { SOURCE };
export const CUSTOMER_START = "v2.detail.events.conversation.{id}.customer.start";
export const ATTRIBUTES = "v2.detail.events.conversation.{id}.attributes";
export const CONTACT = "v2.detail.events.conversation.{id}.contact";
export const SAMPLES = join(__dirname, "..", "..", "samples", "identity");

/** A Genesys EventBridge envelope for a conversation topic, e.g. `customer.start`. */
export const envelope = (id: string, detailType: string, eventBody: Record<string, unknown>) =>
  conversationEvent(id, detailType.replace("v2.detail.events.conversation.{id}.", ""), eventBody);

/** A customer.start event; `fields` are eventBody fields (mediaType, ani, addressFrom, ...). */
export const customerStart = (id: string, conversationId: string, fields: Record<string, unknown> = {}, participantId = "p-customer") =>
  sampleCustomerStart(id, conversationId, participantId, { provider: "PureCloud", ...fields });

/** An attributes event carrying the given participant attributes. */
export const attributesEvent = (id: string, conversationId: string, attributes: Record<string, unknown>, participantId = "p-customer") =>
  sampleAttributesEvent(id, conversationId, participantId, attributes);

/** The sample file's envelopes, in order (blank lines skipped). */
export function sampleEvents(file: string): unknown[] {
  return readFileSync(join(SAMPLES, file), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);
}

/** A real (dynalite) identity graph with a resolver whose profile ids and clock are deterministic. */
export interface Graph {
  readonly local: LocalIdentityStore;
  readonly deps: ResolverDependencies;
  resolve(event: unknown): Promise<Resolution>;
  /** The stored key of an identifier (already normalized value). */
  key(type: IdentifierType, value: string): string;
  /** Every item of the table. */
  scan(): Promise<Array<Record<string, unknown>>>;
  /** A live profile's identifiers and conversations (undefined when merged away or erased). */
  profile(profileId: string): Promise<ProfileSummary | undefined>;
  close(): Promise<void>;
}

export interface ProfileSummary {
  readonly profileId: string;
  readonly tier: string;
  readonly createdAt: string;
  readonly identifierKeys: readonly string[];
  readonly conversations: ReadonlyArray<{ conversationId: string; participantId?: string }>;
}

export async function startGraph(settings: IdentitySettings = DEFAULT_IDENTITY_SETTINGS, options: LocalIdentityStoreOptions = {}): Promise<Graph> {
  const local = await startLocalIdentityStore(options);
  let profiles = 0;
  let clock = Date.parse("2026-11-21T09:00:00.000Z");
  const deps: ResolverDependencies = {
    store: local.store,
    hasher: local.hasher,
    settings,
    newProfileId: () => `profile-${++profiles}`,
    now: () => new Date((clock += 1000)),
  };
  return {
    local,
    deps,
    resolve: (event) => resolveEvent(event, deps),
    key: (type, value) => local.hasher.identify({ type, value }).key,
    scan: () => local.scan(),
    profile: async (profileId) => {
      const contents = (await local.store.profiles([profileId])).get(profileId);
      if (contents?.state !== "live") return undefined;
      const { tier, createdAt, identifierKeys, conversations } = contents;
      return { profileId, tier, createdAt, identifierKeys, conversations };
    },
    close: () => local.close(),
  };
}

/** Sorted copies, for order-independent comparisons. */
export const sorted = <T>(values: readonly T[]): T[] => [...values].sort();
export const conversationIds = (contents: { conversations: ReadonlyArray<{ conversationId: string }> } | undefined) =>
  sorted((contents?.conversations ?? []).map((c) => c.conversationId));
