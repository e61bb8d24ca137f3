import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import DataLoader from "dataloader";
import { abortSignalWithin, assertTimeLeft, Deadline, earliestDeadline } from "../../shared/deadline";
import { PERSONAL_TYPES, STRONG_TYPES, typeOfKey } from "./identifiers";
import {
  CallOptions,
  ConflictError,
  EventOutcome,
  GraphChange,
  IdentityStore,
  IndexEntry,
  Lookup,
  Owner,
  ProfileContents,
  Tier,
  WriteBackState,
} from "./store";
import {
  EVENT_RETENTION_SECONDS,
  eventKey,
  indexKey,
  Key,
  LIVE_PROFILE,
  MAX_TRANSACTION_ITEMS,
  ownerKey,
  PROFILE_ITEM,
  profileKey,
  profilePartition,
  suppressionKey,
  TABLE_KEYS,
  writeBackKey,
} from "./table";

type Item = Record<string, unknown>;
/** One item a lookup reads, with the lookup's deadline. */
type ItemRead = { readonly key: Key; readonly lookup: object; readonly deadline?: Deadline };
type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

const MAX_BATCH_GET_KEYS = 100;
const MAX_BATCH_WRITE_ITEMS = 25;
const UNPROCESSED_ATTEMPTS = 5;

const itemId = (key: Key) => `${key.pk}\u0000${key.sk}`;

/** A read shared by several lookups failed: each reads again on its own, so that one event's fault stays its own. */
class SharedReadError extends Error {
  override readonly name = "SharedReadError";
}

export interface DynamoIdentityStoreOptions {
  /** Actions per transaction (default DynamoDB's 100); tests lower it to exercise merges and erasures spanning several. */
  readonly maxTransactionItems?: number;
  /** Longest one request may take when the caller's deadline allows more (default 10 s). */
  readonly requestTimeoutMs?: number;
  readonly now?: () => Date;
}

/** DynamoDB kept returning unprocessed keys (throttling): retriable. */
export class StorageBusyError extends Error {
  override readonly name = "StorageBusyError";
  readonly transient = true;
}

/**
 * The identity graph in one DynamoDB table (layout and invariants: ./table.ts), through the AWS SDK only:
 * one BatchGetItem per event, one Query per profile a merge reads, one TransactWriteItems per change.
 *
 * Lookups started together (the records of one SQS batch, resolved concurrently) share one BatchGetItem:
 * each still reads every item it needs, consistently, at the moment the shared request is made, so the
 * result is what separate requests sent at the same time would have returned. When a shared read fails,
 * each lookup reads again on its own, so one event's fault (a refused key, throttling) is that event's
 * alone. Only the reads are shared; each event's change stays its own transaction.
 */
export class DynamoIdentityStore implements IdentityStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly reads: DataLoader<ItemRead, Item | null>;
  private readonly maxTransactionItems: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient,
    options: DynamoIdentityStoreOptions = {},
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.maxTransactionItems = options.maxTransactionItems ?? MAX_TRANSACTION_ITEMS;
    if (this.maxTransactionItems < 8 || this.maxTransactionItems > MAX_TRANSACTION_ITEMS) throw new RangeError(`maxTransactionItems must be 8-${MAX_TRANSACTION_ITEMS}`);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
    // No cache: every lookup reads the table as it is now; the loader only gathers the reads of one tick.
    this.reads = new DataLoader((reads) => this.readTogether(reads), { cache: false });
  }

  async lookup(eventId: string, conversationId: string, identifierKeys: readonly string[], personalKeys: readonly string[], options: CallOptions = {}): Promise<Lookup> {
    const keys = [eventKey(eventId), writeBackKey(conversationId), ...identifierKeys.map(ownerKey), ...personalKeys.map(suppressionKey)];
    const lookup = {};
    let items: Item[];
    try {
      const read = await Promise.all(keys.map((key) => this.reads.load({ key, lookup, deadline: options.deadline })));
      items = read.filter((item): item is Item => item !== null);
    } catch (error) {
      if (!(error instanceof SharedReadError)) throw error;
      items = await this.batchGet(keys, options);
    }
    const owners = new Map<string, Owner>();
    const suppressed = new Set<string>();
    let processed: EventOutcome | undefined;
    let writeBack: WriteBackState | undefined;
    for (const item of items) {
      const pk = item.pk as string;
      if (item.sk === "OWNER") owners.set(pk.slice(3), { profileId: item.profileId as string, tier: item.tier as Tier | undefined, confidence: item.confidence as number | undefined });
      else if (item.sk === "SUPPRESS") suppressed.add(pk.slice("SUPPRESS#".length));
      else if (item.sk === "EVENT") processed = item.outcome as EventOutcome;
      else if (item.sk === "WRITEBACK") writeBack = { participantId: item.participantId as string, attributes: item.attributes as Record<string, string> };
    }
    return { processed, suppressed, owners, writeBack };
  }

  async profiles(profileIds: readonly string[], options: CallOptions = {}): Promise<ReadonlyMap<string, ProfileContents>> {
    const read = await Promise.all(profileIds.map((id) => this.profile(id, options)));
    return new Map(read.flatMap((contents) => (contents ? [[contents.profileId, contents] as const] : [])));
  }

  /** A profile's partition, read in key order: the profile item (and its version) before any index entry. */
  private async profile(profileId: string, options: CallOptions): Promise<ProfileContents | undefined> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": profilePartition(profileId) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }), this.within(options, "reading a profile"));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const head = items.find((item) => item.sk === PROFILE_ITEM);
    if (!head) return undefined;
    const entries: IndexEntry[] = items
      .filter((item) => (item.sk as string).startsWith("ID#"))
      .map((item) => ({
        key: (item.sk as string).slice(3),
        ...(typeof item.conversationId === "string" ? { conversationId: item.conversationId } : {}),
        ...(typeof item.participantId === "string" ? { participantId: item.participantId } : {}),
      }));
    const identifierKeys = entries.map((e) => e.key);
    return {
      profileId,
      state: head.mergedInto ? "merged" : head.erasing ? "erasing" : "live",
      ...(typeof head.mergedInto === "string" ? { mergedInto: head.mergedInto } : {}),
      tier: identifierKeys.some((key) => STRONG_TYPES.includes(typeOfKey(key))) ? "deterministic" : ((head.tier as Tier | undefined) ?? "anonymous"),
      createdAt: head.createdAt as string,
      version: (head.version as number | undefined) ?? 0,
      entries,
      identifierKeys,
      conversations: entries.flatMap((e) => (e.conversationId ? [{ conversationId: e.conversationId, ...(e.participantId ? { participantId: e.participantId } : {}) }] : [])),
    };
  }

  async commit(change: GraphChange, options: CallOptions = {}): Promise<number> {
    const p = change.profileId;
    const { conversation } = change;
    const resolution = { tier: conversation.tier, confidence: conversation.confidence };
    const conversationEntry = { conversationId: conversation.conversationId, participantId: conversation.participantId };
    const final: TransactItem[] = [];

    final.push(this.put({ ...eventKey(change.eventId), outcome: change.outcome, [TABLE_KEYS.ttl]: this.expiry() }, "attribute_not_exists(pk)"));
    const membershipChanges = !!change.newProfile || change.claims.length > 0 || change.observe.length > 0 || change.merge.length > 0;
    if (change.newProfile) final.push(this.put({ ...profileKey(p), ...change.newProfile, version: 1 }, "attribute_not_exists(pk)"));
    else if (membershipChanges) final.push(this.raiseVersion(p));
    else final.push({ ConditionCheck: { TableName: this.tableName, Key: profileKey(p), ConditionExpression: LIVE_PROFILE, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } });

    for (const key of change.claims) {
      const isConversation = key === conversation.key;
      final.push(this.put({ ...ownerKey(key), profileId: p, ...(isConversation ? resolution : {}) }, "attribute_not_exists(pk)"));
      final.push(this.put({ ...indexKey(p, key), ...(isConversation ? conversationEntry : {}) }));
    }
    if (conversation.read) {
      // The outcome was planned on the conversation's resolution as read: it must still be so.
      const unchanged = {
        ConditionExpression: "profileId = :p AND tier = :readTier AND confidence = :readConfidence",
        ExpressionAttributeValues: { ":p": p, ":readTier": conversation.read.tier, ":readConfidence": conversation.read.confidence },
      };
      final.push(
        conversation.refresh
          ? {
              Update: {
                TableName: this.tableName,
                Key: ownerKey(conversation.key),
                UpdateExpression: "SET tier = :tier, confidence = :confidence",
                ...unchanged,
                ExpressionAttributeValues: { ...unchanged.ExpressionAttributeValues, ":tier": resolution.tier, ":confidence": resolution.confidence },
              },
            }
          : { ConditionCheck: { TableName: this.tableName, Key: ownerKey(conversation.key), ...unchanged } },
      );
    }
    for (const { key, from } of change.observe) final.push(...this.move(key, from, p));
    for (const from of new Set(change.observe.map((o) => o.from))) final.push(this.raiseVersion(from));
    for (const { key, profileId } of change.relied) {
      final.push({ ConditionCheck: { TableName: this.tableName, Key: ownerKey(key), ConditionExpression: "profileId = :p", ExpressionAttributeValues: { ":p": profileId } } });
    }
    for (const key of change.unsuppressed) {
      final.push({ ConditionCheck: { TableName: this.tableName, Key: suppressionKey(key), ConditionExpression: "attribute_not_exists(pk)" } });
    }

    // Merges: every identifier of each merged profile moves to the survivor, then the merged profile is
    // marked. Moves that do not fit beside the rest go first, in transactions of their own, each leaving
    // both profiles live and the graph valid.
    const versions = new Map(change.merge.map((m) => [m.profileId, m.version]));
    // Moved last, in the transaction that marks the merged profile: the event's own keys (its evidence:
    // a redelivery still finds the merge to finish) and one conversation (a live profile keeps one, I6).
    const evidence = new Set(change.evidence);
    const rank = (entry: IndexEntry, anchor: string | undefined) => (evidence.has(entry.key) ? 2 : entry.key === anchor ? 1 : 0);
    const moves = change.merge.flatMap((loser) => {
      const anchor = loser.entries.find((e) => e.key.startsWith("conv#") && !evidence.has(e.key))?.key;
      return [...loser.entries].sort((a, b) => rank(a, anchor) - rank(b, anchor)).map((entry) => {
        const isConversation = entry.key === conversation.key;
        const items = this.move(entry.key, loser.profileId, p, isConversation ? { resolution, entry: conversationEntry } : { entry });
        return { loser: loser.profileId, tail: rank(entry, anchor) > 0, items };
      });
    });
    const finalBudget = this.maxTransactionItems - final.length - change.merge.length;
    const tail = moves.filter((m) => m.tail).length;
    if (finalBudget < 3 * tail) throw new Error(`an identity change needs ${final.length + change.merge.length + 3 * tail} transaction actions, more than ${this.maxTransactionItems}`);
    let transactions = 0;
    const movesPerChunk = Math.floor((this.maxTransactionItems - 2) / 3);
    while (moves.length * 3 > finalBudget) {
      // Never a tail move: the budget check above leaves room for all of them in the final transaction.
      const loser = moves.find((m) => !m.tail)!.loser;
      const chunk = moves.filter((m) => !m.tail && m.loser === loser).slice(0, Math.min(movesPerChunk, Math.ceil((moves.length * 3 - finalBudget) / 3)));
      for (const move of chunk) moves.splice(moves.indexOf(move), 1);
      const version = versions.get(loser)!;
      await this.transact([...chunk.flatMap((m) => m.items), this.bumpReadVersion(loser, version), this.raiseVersion(p)], options);
      versions.set(loser, version + 1);
      transactions++;
    }
    for (const loser of change.merge) {
      final.push({
        Update: {
          TableName: this.tableName,
          Key: profileKey(loser.profileId),
          UpdateExpression: "SET mergedInto = :into, version = :next",
          ConditionExpression: "version = :read AND attribute_not_exists(mergedInto) AND attribute_not_exists(erasing)",
          ExpressionAttributeValues: { ":into": p, ":next": versions.get(loser.profileId)! + 1, ":read": versions.get(loser.profileId)! },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      });
    }
    await this.transact([...moves.flatMap((m) => m.items), ...final], options);
    return transactions + 1;
  }

  async recordOutcome(eventId: string, outcome: EventOutcome, options: CallOptions = {}): Promise<void> {
    await this.transact(
      [
        this.put({ ...eventKey(eventId), outcome, [TABLE_KEYS.ttl]: this.expiry() }, "attribute_not_exists(pk)"),
        // The profile it resolved to is still live (not merged away or being erased meanwhile).
        ...(outcome.profileId
          ? [{ ConditionCheck: { TableName: this.tableName, Key: profileKey(outcome.profileId), ConditionExpression: LIVE_PROFILE, ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const } }]
          : []),
      ],
      options,
    );
  }

  async saveWriteBacks(entries: ReadonlyArray<{ conversationId: string; state: WriteBackState }>, options: CallOptions = {}): Promise<void> {
    const latest = new Map(entries.map((e) => [e.conversationId, e.state]));
    const requests = [...latest].map(([conversationId, state]) => ({ PutRequest: { Item: { ...writeBackKey(conversationId), ...state } } }));
    for (let i = 0; i < requests.length; i += MAX_BATCH_WRITE_ITEMS) {
      let pending: Array<Record<string, unknown>> = requests.slice(i, i + MAX_BATCH_WRITE_ITEMS);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) throw new StorageBusyError(`DynamoDB left ${pending.length} write-back records unprocessed ${UNPROCESSED_ATTEMPTS} times`);
        if (attempt > 1) await this.pause(attempt, options);
        const response = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }), this.within(options, "saving write-back state"));
        pending = (response.UnprocessedItems?.[this.tableName] as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
  }

  async ownerOf(identifierKey: string, options: CallOptions = {}): Promise<Owner | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ownerKey(identifierKey), ConsistentRead: true }), this.within(options, "reading an identifier's owner"));
    return Item ? { profileId: Item.profileId as string, tier: Item.tier as Tier | undefined, confidence: Item.confidence as number | undefined } : undefined;
  }

  async suppressUnowned(identifierKey: string, options: CallOptions = {}): Promise<void> {
    await this.transact(
      [
        this.put({ ...suppressionKey(identifierKey), suppressedAt: this.now().toISOString() }),
        { ConditionCheck: { TableName: this.tableName, Key: ownerKey(identifierKey), ConditionExpression: "attribute_not_exists(pk)" } },
      ],
      options,
    );
  }

  async eraseProfile(contents: ProfileContents, requestedKey: string | undefined, options: CallOptions = {}): Promise<void> {
    const p = contents.profileId;
    const suppressedAt = this.now().toISOString();
    const keyActions = (key: string): TransactItem[] => [
      ...(PERSONAL_TYPES.includes(typeOfKey(key)) ? [this.put({ ...suppressionKey(key), suppressedAt })] : []),
      { Delete: { TableName: this.tableName, Key: ownerKey(key), ConditionExpression: "profileId = :p", ExpressionAttributeValues: { ":p": p } } },
      { Delete: { TableName: this.tableName, Key: indexKey(p, key) } },
    ];
    // The asked-for identifier goes last, with the profile item: a rerun of a cut-off erasure finds the profile through it.
    const groups = [...contents.identifierKeys].sort((a, b) => Number(a === requestedKey) - Number(b === requestedKey)).map(keyActions);
    if (requestedKey !== undefined && !contents.identifierKeys.includes(requestedKey)) groups.push([this.put({ ...suppressionKey(requestedKey), suppressedAt })]);
    const size = groups.reduce((n, g) => n + g.length, 0);

    if (contents.state === "live" && size + 1 <= this.maxTransactionItems) {
      await this.transact([...groups.flat(), this.deleteProfile(p, { read: contents.version })], options);
      return;
    }
    if (contents.state === "live") {
      // Too large for one transaction: freeze the profile first (no resolver writes to it from now on).
      await this.transact(
        [
          {
            Update: {
              TableName: this.tableName,
              Key: profileKey(p),
              UpdateExpression: "SET erasing = :yes, version = :next",
              ConditionExpression: `version = :read AND ${LIVE_PROFILE}`,
              ExpressionAttributeValues: { ":yes": true, ":next": contents.version + 1, ":read": contents.version },
            },
          },
        ],
        options,
      );
    }
    const erasing: TransactItem = { ConditionCheck: { TableName: this.tableName, Key: profileKey(p), ConditionExpression: "attribute_exists(erasing)" } };
    let chunk: TransactItem[] = [];
    for (const group of groups) {
      if (chunk.length + group.length + 1 > this.maxTransactionItems) {
        await this.transact([...chunk, erasing], options);
        chunk = [];
      }
      chunk.push(...group);
    }
    await this.transact([...chunk, this.deleteProfile(p, { erasing: true })], options);
  }

  private deleteProfile(profileId: string, expect: { read: number } | { erasing: true }): TransactItem {
    return "read" in expect
      ? {
          Delete: {
            TableName: this.tableName,
            Key: profileKey(profileId),
            ConditionExpression: `version = :read AND ${LIVE_PROFILE}`,
            ExpressionAttributeValues: { ":read": expect.read },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        }
      : { Delete: { TableName: this.tableName, Key: profileKey(profileId), ConditionExpression: "attribute_exists(erasing)" } };
  }

  /** Moves one identifier from `from` to `to`: its owner item (on condition `from` still owns it) and its index entry. */
  private move(key: string, from: string, to: string, conversation?: { resolution?: { tier: Tier; confidence: number }; entry: Partial<IndexEntry> }): TransactItem[] {
    const { resolution, entry } = conversation ?? {};
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: ownerKey(key),
          UpdateExpression: resolution ? "SET profileId = :to, tier = :tier, confidence = :confidence" : "SET profileId = :to",
          ConditionExpression: "profileId = :from",
          ExpressionAttributeValues: { ":to": to, ":from": from, ...(resolution ? { ":tier": resolution.tier, ":confidence": resolution.confidence } : {}) },
        },
      },
      { Delete: { TableName: this.tableName, Key: indexKey(from, key) } },
      this.put({ ...indexKey(to, key), ...(entry?.conversationId ? { conversationId: entry.conversationId, participantId: entry.participantId } : {}) }),
    ];
  }

  /** The profile is live and its identifiers change. */
  private raiseVersion(profileId: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: profileKey(profileId),
        UpdateExpression: "ADD version :one",
        ConditionExpression: LIVE_PROFILE,
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    };
  }

  /** The profile is live, still as read (`version`), and its identifiers change. */
  private bumpReadVersion(profileId: string, version: number): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: profileKey(profileId),
        UpdateExpression: "SET version = :next",
        ConditionExpression: `version = :read AND ${LIVE_PROFILE}`,
        ExpressionAttributeValues: { ":next": version + 1, ":read": version },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    };
  }

  private put(item: Item, condition?: string): TransactItem {
    return { Put: { TableName: this.tableName, Item: item, ...(condition ? { ConditionExpression: condition } : {}) } };
  }

  /** One TransactWriteItems; a failed condition or a conflicting transaction is a ConflictError. */
  private async transact(items: TransactItem[], options: CallOptions): Promise<void> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }), this.within(options, "committing an identity change"));
    } catch (error) {
      const reasons = (error as { name?: string; CancellationReasons?: Array<{ Code?: string; Item?: Record<string, { S?: string; BOOL?: boolean }> }> }).CancellationReasons;
      if ((error as Error).name !== "TransactionCanceledException" || !reasons?.some((r) => r.Code === "ConditionalCheckFailed" || r.Code === "TransactionConflict")) throw error;
      const erasing = reasons.flatMap((r) => (r.Item?.erasing?.BOOL && r.Item.pk?.S?.startsWith("PROFILE#") ? [r.Item.pk.S.slice("PROFILE#".length)] : []));
      throw new ConflictError(`the graph changed concurrently (${reasons.map((r) => r.Code).join(", ")})`, erasing);
    }
  }

  /** The items gathered from concurrent lookups, read once each (BatchGetItem refuses a key named twice). */
  private async readTogether(reads: readonly ItemRead[]): Promise<Array<Item | null>> {
    const unique = new Map(reads.map((read) => [itemId(read.key), read.key]));
    let items: Item[];
    try {
      items = await this.batchGet([...unique.values()], { deadline: earliestDeadline(...reads.map((read) => read.deadline)) });
    } catch (error) {
      throw new Set(reads.map((read) => read.lookup)).size > 1 ? new SharedReadError(`a read shared by several lookups failed: ${(error as Error).name}`) : error;
    }
    const found = new Map(items.map((item) => [itemId(item as Key), item]));
    return reads.map((read) => found.get(itemId(read.key)) ?? null);
  }

  private async batchGet(keys: Key[], options: CallOptions): Promise<Item[]> {
    const items: Item[] = [];
    await Promise.all(
      Array.from({ length: Math.ceil(keys.length / MAX_BATCH_GET_KEYS) }, async (_, chunk) => {
        let pending: Array<Record<string, unknown>> = keys.slice(chunk * MAX_BATCH_GET_KEYS, (chunk + 1) * MAX_BATCH_GET_KEYS);
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > UNPROCESSED_ATTEMPTS) throw new StorageBusyError(`DynamoDB left ${pending.length} keys unprocessed ${UNPROCESSED_ATTEMPTS} times`);
          if (attempt > 1) await this.pause(attempt, options);
          const response = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }), this.within(options, "reading an identity event's graph"));
          items.push(...(response.Responses?.[this.tableName] ?? []));
          pending = (response.UnprocessedKeys?.[this.tableName]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
        }
      }),
    );
    return items;
  }

  /** Jittered backoff before retrying unprocessed keys, within the deadline. */
  private async pause(attempt: number, options: CallOptions): Promise<void> {
    const delayMs = Math.floor(Math.random() * Math.min(1000, 50 * 2 ** attempt));
    assertTimeLeft(options.deadline, "retrying unprocessed DynamoDB keys", delayMs + 1);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }

  /** Request options for one call: it starts only with time left and is abandoned when the deadline passes. */
  private within(options: CallOptions, what: string): { abortSignal: AbortSignal } {
    assertTimeLeft(options.deadline, what);
    return { abortSignal: abortSignalWithin(options.deadline, this.requestTimeoutMs) };
  }

  private expiry(): number {
    return Math.floor(this.now().getTime() / 1000) + EVENT_RETENTION_SECONDS;
  }
}
