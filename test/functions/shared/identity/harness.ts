import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { IdentifierType } from "../../../../functions/shared/identity/identifiers";
import { resolveEvent, ResolverDependencies, Resolution } from "../../../../functions/shared/identity/resolve";
import { DEFAULT_IDENTITY_SETTINGS, IdentitySettings } from "../../../../functions/shared/identity/settings";
import { LOCAL_TABLE, LocalIdentityStore, startLocalIdentityStore } from "../../../../scripts/local-identity-store";

export const SOURCE = "aws.partner/genesys.com/cloud/3f0c6a3e-0000-4a51-9c1d-6a9b8f2e1d10/gcx-test";
export const CUSTOMER_START = "v2.detail.events.conversation.{id}.customer.start";
export const ATTRIBUTES = "v2.detail.events.conversation.{id}.attributes";
export const CONTACT = "v2.detail.events.conversation.{id}.contact";
export const SAMPLES = join(__dirname, "..", "..", "..", "..", "samples", "identity");

/** A Genesys EventBridge envelope, shaped like the samples. */
export function envelope(id: string, detailType: string, eventBody: Record<string, unknown>) {
  return {
    version: "0",
    id,
    "detail-type": detailType,
    source: SOURCE,
    account: "111111111111",
    time: "2026-11-21T09:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { topicName: detailType.replace("{id}", String(eventBody.conversationId)), version: "2", eventBody, metadata: { CorrelationId: `c-${id}` } },
  };
}

/** A customer.start event; `fields` are eventBody fields (mediaType, ani, addressFrom, ...). */
export function customerStart(id: string, conversationId: string, fields: Record<string, unknown> = {}, participantId = "p-customer") {
  return envelope(id, CUSTOMER_START, { eventTime: 1795270000000, conversationId, participantId, provider: "PureCloud", ...fields });
}

/** An attributes event carrying the given participant attributes. */
export function attributesEvent(id: string, conversationId: string, attributes: Record<string, unknown>, participantId = "p-customer") {
  return envelope(id, ATTRIBUTES, { eventTime: 1795270000000, conversationId, participantId, attributes });
}

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
