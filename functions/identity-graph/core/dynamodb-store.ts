import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { STRONG_TYPES, typeOfKey } from "./identifiers";
import { Commit, ConflictError, EventOutcome, IdentityStore, Lookup, Owner, ProfileContents, Tier, WriteBackState } from "./store";

/**
 * The identity graph in one DynamoDB table (`pk`, `sk`, TTL on `expiresAt`):
 *   ID#<key>        OWNER      -> profileId (tier, confidence on conversation keys)
 *   PROFILE#<id>    PROFILE    -> tier, createdAt, mergedInto
 *   PROFILE#<id>    ID#<key>   -> reverse index for merges and erasure
 *   PROFILE#<id>    CONV#<id>  -> conversation link (participantId)
 *   SUPPRESS#<key>  SUPPRESS   -> erased identifier
 *   EVENT#<id>      EVENT      -> processed EventBridge event and its outcome (expires)
 *   CONV#<id>       WRITEBACK  -> attributes last written to the conversation
 * Keys are `<type>#<hmac>`: no identifier is stored in clear text.
 */
export const TABLE_KEYS = { partition: "pk", sort: "sk", ttl: "expiresAt" } as const;
const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

type Item = Record<string, unknown>;

const owner = (key: string) => ({ pk: `ID#${key}`, sk: "OWNER" });
const profile = (id: string) => ({ pk: `PROFILE#${id}`, sk: "PROFILE" });
const reverse = (id: string, key: string) => ({ pk: `PROFILE#${id}`, sk: `ID#${key}` });
const link = (id: string, conversationId: string) => ({ pk: `PROFILE#${id}`, sk: `CONV#${conversationId}` });
const suppression = (key: string) => ({ pk: `SUPPRESS#${key}`, sk: "SUPPRESS" });
const event = (id: string) => ({ pk: `EVENT#${id}`, sk: "EVENT" });
const writeBack = (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "WRITEBACK" });

export class DynamoIdentityStore implements IdentityStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async lookup(eventId: string, identifierKeys: readonly string[], conversationId: string): Promise<Lookup> {
    const keys = [
      event(eventId),
      writeBack(conversationId),
      ...identifierKeys.map(owner),
      ...identifierKeys.filter((k) => !k.startsWith("conv#")).map(suppression),
    ];
    const items: Item[] = [];
    let pending: Array<Record<string, unknown>> = keys;
    while (pending.length > 0) {
      const response = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(response.Responses?.[this.tableName] ?? []));
      pending = (response.UnprocessedKeys?.[this.tableName]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
    }
    const owners = new Map<string, Owner>();
    const suppressed = new Set<string>();
    let processed: EventOutcome | undefined;
    let lastWriteBack: WriteBackState | undefined;
    for (const item of items) {
      const pk = item.pk as string;
      if (item.sk === "OWNER") owners.set(pk.slice(3), { profileId: item.profileId as string, tier: item.tier as Tier | undefined, confidence: item.confidence as number | undefined });
      else if (item.sk === "SUPPRESS") suppressed.add(pk.slice(9));
      else if (item.sk === "EVENT") processed = item.outcome as EventOutcome;
      else if (item.sk === "WRITEBACK") lastWriteBack = { participantId: item.participantId as string, attributes: item.attributes as Record<string, string> };
    }
    return { processed, suppressed, owners, writeBack: lastWriteBack };
  }

  async profileContents(profileId: string): Promise<ProfileContents | undefined> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `PROFILE#${profileId}` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const head = items.find((i) => i.sk === "PROFILE");
    if (items.length === 0 || head?.mergedInto) return undefined;
    const identifierKeys = items.filter((i) => (i.sk as string).startsWith("ID#")).map((i) => (i.sk as string).slice(3));
    return {
      profileId,
      // The tier follows the identifiers held: a profile that gained an email is deterministic now.
      tier: identifierKeys.some((key) => STRONG_TYPES.includes(typeOfKey(key))) ? "deterministic" : ((head?.tier as Tier | undefined) ?? "anonymous"),
      // A head can be missing if a crash came between claiming keys and the final write.
      createdAt: (head?.createdAt as string | undefined) ?? "",
      identifierKeys,
      conversations: items
        .filter((i) => (i.sk as string).startsWith("CONV#"))
        .map((i) => ({ conversationId: (i.sk as string).slice(5), participantId: i.participantId as string | undefined })),
    };
  }

  async commit(commit: Commit): Promise<number> {
    const p = commit.profileId;
    const { conversation } = commit;
    const ownerItem = (key: string) => ({
      ...owner(key),
      profileId: p,
      ...(key === conversation.key ? { tier: conversation.tier, confidence: conversation.confidence } : {}),
    });
    let requests = 0;

    // 1. Ownership first, one conditional write per key: the only step that can lose a race. A lost
    //    race undoes this commit's other claims, so no half-claimed profile is left behind.
    const claimed: string[] = [];
    const claims = commit.claim.map(async (key) => {
      await this.conditionalPut(ownerItem(key), "attribute_not_exists(pk) OR profileId = :p", { ":p": p }, `${key.split("#")[0]} identifier claimed concurrently`);
      claimed.push(key);
    });
    const moved = new Set<string>();
    const updates = [
      ...(conversation.refresh ? [this.reassign(conversation.key, p, p, commit)] : []),
      ...commit.merge.flatMap((loser) =>
        loser.identifierKeys.map(async (key) => {
          if (await this.reassign(key, loser.profileId, p, commit)) moved.add(key);
        }),
      ),
    ];
    requests += claims.length + updates.length;
    const outcomes = await Promise.allSettled([...claims, ...updates]);
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failure) {
      await Promise.allSettled(
        claimed.map((key) =>
          this.db.send(new DeleteCommand({ TableName: this.tableName, Key: owner(key), ConditionExpression: "profileId = :p", ExpressionAttributeValues: { ":p": p } })),
        ),
      );
      throw failure.reason;
    }

    // 2. Everything derived from ownership, then the event marker: a crash before this point is
    //    finished by the event's redelivery, which finds the keys already owned.
    const writes: Array<Record<string, unknown>> = [];
    const put = (Item: Item) => writes.push({ PutRequest: { Item } });
    if (commit.newProfile) put({ ...profile(p), ...commit.newProfile });
    for (const key of new Set([...commit.claim, ...commit.keep, ...commit.observe])) put(reverse(p, key));
    for (const key of commit.observe) put({ ...owner(key), profileId: p });
    const movedConversations = new Set<string>();
    for (const loser of commit.merge) {
      put({ ...profile(loser.profileId), tier: loser.tier, createdAt: loser.createdAt, mergedInto: p });
      for (const key of loser.identifierKeys) {
        writes.push({ DeleteRequest: { Key: reverse(loser.profileId, key) } });
        if (moved.has(key)) put(reverse(p, key));
      }
      for (const c of loser.conversations) {
        movedConversations.add(c.conversationId);
        writes.push({ DeleteRequest: { Key: link(loser.profileId, c.conversationId) } });
        put({ ...link(p, c.conversationId), participantId: c.participantId });
      }
    }
    if (!movedConversations.has(conversation.conversationId)) {
      put({ ...link(p, conversation.conversationId), participantId: conversation.participantId });
    }
    put({ ...event(commit.eventId), outcome: commit.outcome, [TABLE_KEYS.ttl]: this.expiry() });
    return requests + (await this.batchWrite(writes));
  }

  /**
   * Moves one key's ownership from `from` to `to` (or, when they are equal, rewrites the event's
   * conversation resolution), keeping what the owner entry records otherwise. Returns false when
   * `from` did not own the key after all (a stale index entry): nothing to move.
   */
  private async reassign(key: string, from: string, to: string, commit: Commit): Promise<boolean> {
    const isConversation = key === commit.conversation.key;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: owner(key),
          UpdateExpression: isConversation ? "SET profileId = :to, tier = :tier, confidence = :confidence" : "SET profileId = :to",
          ConditionExpression: "profileId = :from",
          ExpressionAttributeValues: {
            ":to": to,
            ":from": from,
            ...(isConversation ? { ":tier": commit.conversation.tier, ":confidence": commit.conversation.confidence } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException || (error as Error).name === "ConditionalCheckFailedException")) throw error;
      if (from === to) throw new ConflictError("the conversation moved to another profile concurrently");
      const current = await this.ownerOf(key);
      if (current?.profileId === from) throw new ConflictError("a merged profile changed concurrently");
      return current?.profileId === to;
    }
  }

  private async conditionalPut(Item: Item, ConditionExpression: string, values: Record<string, unknown>, conflict: string): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item, ConditionExpression, ExpressionAttributeValues: values }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === "ConditionalCheckFailedException") throw new ConflictError(conflict);
      throw error;
    }
  }

  async markProcessed(eventId: string, outcome: EventOutcome): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { ...event(eventId), outcome, [TABLE_KEYS.ttl]: this.expiry() }, ConditionExpression: "attribute_not_exists(pk)" }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async saveWriteBack(conversationId: string, state: WriteBackState): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...writeBack(conversationId), ...state } }));
  }

  async ownerOf(identifierKey: string): Promise<Owner | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: owner(identifierKey), ConsistentRead: true }));
    return Item ? { profileId: Item.profileId as string, tier: Item.tier as Tier | undefined, confidence: Item.confidence as number | undefined } : undefined;
  }

  async erase(contents: ProfileContents | undefined, suppress: readonly string[]): Promise<void> {
    if (contents) {
      for (const key of contents.identifierKeys) {
        try {
          await this.db.send(
            new DeleteCommand({ TableName: this.tableName, Key: owner(key), ConditionExpression: "profileId = :p", ExpressionAttributeValues: { ":p": contents.profileId } }),
          );
        } catch (error) {
          // The key now belongs to someone else (a device or IP seen again): not this profile's to delete.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      await this.batchWrite([
        { DeleteRequest: { Key: profile(contents.profileId) } },
        ...contents.identifierKeys.map((key) => ({ DeleteRequest: { Key: reverse(contents.profileId, key) } })),
        ...contents.conversations.map((c) => ({ DeleteRequest: { Key: link(contents.profileId, c.conversationId) } })),
      ]);
    }
    await this.batchWrite(suppress.map((key) => ({ PutRequest: { Item: { ...suppression(key), suppressedAt: this.now().toISOString() } } })));
  }

  /** Live profiles (the local runner's summary): every profile owns at least one conversation. */
  async countProfiles(): Promise<number> {
    const profiles = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: "begins_with(pk, :conv) AND sk = :owner",
          ExpressionAttributeValues: { ":conv": "ID#conv#", ":owner": "OWNER" },
          ProjectionExpression: "profileId",
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) profiles.add(item.profileId as string);
      start = page.LastEvaluatedKey;
    } while (start);
    return profiles.size;
  }

  private expiry(): number {
    return Math.floor(this.now().getTime() / 1000) + EVENT_RETENTION_SECONDS;
  }

  /** BatchWriteItem in chunks of 25, retrying unprocessed items; returns the requests made. */
  private async batchWrite(requests: Array<Record<string, unknown>>): Promise<number> {
    // One batch may not touch an item twice; the last write of an item wins, as it would in sequence.
    const byItem = new Map<string, Record<string, unknown>>();
    for (const request of requests) {
      const key = ((request.PutRequest as { Item?: Item } | undefined)?.Item ?? (request.DeleteRequest as { Key: Item }).Key) as Item;
      byItem.delete(`${String(key.pk)}|${String(key.sk)}`);
      byItem.set(`${String(key.pk)}|${String(key.sk)}`, request);
    }
    const unique = [...byItem.values()];
    let made = 0;
    for (let i = 0; i < unique.length; i += 25) {
      let pending = unique.slice(i, i + 25);
      while (pending.length > 0) {
        made++;
        const response = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (response.UnprocessedItems?.[this.tableName] as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return made;
  }
}
