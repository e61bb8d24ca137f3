import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { IdentifierType } from "../../functions/identity-graph/core/identifiers";
import { resolveEvent, ResolverDependencies, Resolution } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS, IdentitySettings } from "../../functions/identity-graph/core/settings";
import { LOCAL_TABLE, LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";
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
  close(): Promise<void>;
}

export async function startGraph(settings: IdentitySettings = DEFAULT_IDENTITY_SETTINGS): Promise<Graph> {
  const local = await startLocalIdentityStore();
  let profiles = 0;
  let clock = Date.parse("2026-11-21T09:00:00.000Z");
  const deps: ResolverDependencies = {
    store: local.store,
    hasher: local.hasher,
    settings,
    newProfileId: () => `profile-${++profiles}`,
    now: () => new Date((clock += 1000)),
  };
  const db = DynamoDBDocumentClient.from(local.client);
  return {
    local,
    deps,
    resolve: (event) => resolveEvent(event, deps),
    key: (type, value) => local.hasher.identify({ type, value }).key,
    scan: async () => {
      const items: Array<Record<string, unknown>> = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => `${String(a.pk)}|${String(a.sk)}`.localeCompare(`${String(b.pk)}|${String(b.sk)}`));
    },
    close: () => local.close(),
  };
}

/** Sorted copies, for order-independent comparisons. */
export const sorted = <T>(values: readonly T[]): T[] => [...values].sort();
export const conversationIds = (contents: { conversations: ReadonlyArray<{ conversationId: string }> } | undefined) =>
  sorted((contents?.conversations ?? []).map((c) => c.conversationId));
