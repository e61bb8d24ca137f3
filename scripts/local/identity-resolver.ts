/**
 * The identity resolver Lambda on this machine: its handler (functions/identity-graph/resolver/handler.ts)
 * and core over the local engine, fed SQS-shaped batches by N concurrent "instances" that share one
 * table, as Lambda runs them. Each instance has its own DynamoDB client and store, as each execution
 * environment does (so only the lookups of one batch ever share a read). No Genesys org here: the
 * write-back is recorded, not sent.
 */
import type { Context, SQSRecord } from "aws-lambda";
import { deadlineIn } from "../../functions/shared/deadline";
import { resolveEvent, ResolverDependencies } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS, IdentitySettings } from "../../functions/identity-graph/core/settings";
import { DynamoIdentityStore } from "../../functions/identity-graph/core/dynamodb-store";
import { WriteBackState } from "../../functions/identity-graph/core/store";
import { makeHandler } from "../../functions/identity-graph/resolver/handler";
import { LOCAL_TABLE, localDynamoDBClient, LocalIdentityStore, LocalIdentityStoreOptions, startLocalIdentityStore } from "./identity-store";

/** One replayed event, as the runner prints it. */
export interface ReplayLine {
  readonly eventId: string | null;
  readonly conversationId: string | null;
  readonly action: string;
  readonly tier: string | null;
  readonly profileId: string | null;
  readonly reason?: string;
}

export interface LocalResolverOptions extends LocalIdentityStoreOptions {
  readonly settings?: IdentitySettings;
  readonly resolver?: Pick<ResolverDependencies, "newProfileId" | "now">;
  /** An invocation's time budget (default 30 s, the resolver's default timeout). */
  readonly invocationMs?: number;
}

export interface ReplayOptions {
  /** Resolver instances running batches at once (default 1). */
  readonly concurrency?: number;
  /** Records per batch (default 10, as the event source mapping). */
  readonly batchSize?: number;
  /** Receives before a record that keeps failing is given up (default 5, the queue's maxReceiveCount). */
  readonly maxReceives?: number;
  /** Called as soon as a line's result is known. */
  readonly onResult?: (index: number, line: ReplayLine) => void;
}

export interface LocalResolver {
  readonly local: LocalIdentityStore;
  /** What the handler wrote back, by conversation. */
  readonly writtenBack: ReadonlyMap<string, WriteBackState>;
  /** Replays EventBridge envelopes (one JSON text each); the results in input order. */
  replay(lines: readonly string[], options?: ReplayOptions): Promise<ReplayLine[]>;
  close(): Promise<void>;
}

const NO_METRICS = { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined };

export async function startLocalResolver(options: LocalResolverOptions = {}): Promise<LocalResolver> {
  const local = await startLocalIdentityStore(options);
  const settings = options.settings ?? DEFAULT_IDENTITY_SETTINGS;
  const writtenBack = new Map<string, WriteBackState>();
  const outcomes = new Map<string, ReplayLine>();
  const retries = new Map<string, string>();
  const invocationMs = options.invocationMs ?? 30_000;

  const clients: Array<{ destroy(): void }> = [];

  /** One execution environment of the resolver Lambda: its own client, store and handler. */
  const newInstance = () => {
    const client = (options.client ?? localDynamoDBClient)(local.endpoint);
    clients.push(client);
    const store = new DynamoIdentityStore(LOCAL_TABLE, client, { maxTransactionItems: options.maxTransactionItems });
    return makeHandler({
      resolve: (event, { deadline }) => resolveEvent(event, { store, hasher: local.hasher, settings, ...options.resolver }, { deadline }),
      writeBack: async (conversationId, state) => void writtenBack.set(conversationId, state),
      saveWriteBacks: (entries, { deadline }) => store.saveWriteBacks(entries, { deadline }),
      deadLetter: async (record, reason) => {
        const id = (parse(record.body) as { id?: unknown } | undefined)?.id;
        outcomes.set(record.messageId, { eventId: typeof id === "string" ? id : null, conversationId: null, action: "invalid", tier: null, profileId: null, reason });
      },
      logger: {
        info: (message: string, fields?: Record<string, unknown>) => {
          if (message !== "identity event resolved" || !fields) return;
          const text = (value: unknown) => (typeof value === "string" ? value : null);
          outcomes.set(String(fields.messageId), {
            eventId: text(fields.eventId),
            conversationId: text(fields.conversationId),
            action: String(fields.action),
            tier: text(fields.tier),
            profileId: text(fields.profileId),
          });
        },
        warn: (message: string, fields?: Record<string, unknown>) => {
          if (message === "identity event failed, returned to the queue" && fields) retries.set(String(fields.messageId), String(fields.reason));
        },
        error: () => undefined,
      } as never,
      metrics: NO_METRICS as never,
      deadlineOf: () => deadlineIn(invocationMs),
    });
  };

  async function replay(lines: readonly string[], replayOptions: ReplayOptions = {}): Promise<ReplayLine[]> {
    const concurrency = Math.max(1, replayOptions.concurrency ?? 1);
    const batchSize = Math.max(1, replayOptions.batchSize ?? 10);
    const maxReceives = replayOptions.maxReceives ?? 5;
    const results: ReplayLine[] = new Array(lines.length);
    const lanes = lines.map((line, i) => {
      const conversationId = (parse(line) as { detail?: { eventBody?: { conversationId?: unknown } } } | undefined)?.detail?.eventBody?.conversationId;
      return typeof conversationId === "string" ? `conversation:${conversationId}` : `line:${i}`;
    });
    const pending = lines.map((_, i) => i);
    const receives = new Array<number>(lines.length).fill(0);
    const busyLanes = new Set<string>();
    const waiting: Array<() => void> = [];
    const finish = (index: number, line: ReplayLine) => {
      results[index] = line;
      replayOptions.onResult?.(index, line);
    };

    /** The next batch: the first pending event of each lane not being resolved elsewhere, in input order. */
    const takeBatch = (): number[] => {
      const batch: number[] = [];
      const seen = new Set<string>();
      for (const index of pending) {
        const lane = lanes[index]!;
        if (seen.has(lane)) continue;
        seen.add(lane);
        if (!busyLanes.has(lane)) batch.push(index);
        if (batch.length === batchSize) break;
      }
      for (const index of batch) {
        pending.splice(pending.indexOf(index), 1);
        busyLanes.add(lanes[index]!);
      }
      return batch;
    };

    let inFlight = 0;
    const worker = async (instance: number): Promise<void> => {
      const handler = newInstance();
      for (;;) {
        const batch = takeBatch();
        if (batch.length === 0) {
          if (pending.length === 0 && inFlight === 0) return;
          await new Promise<void>((resolve) => waiting.push(resolve));
          continue;
        }
        inFlight++;
        const records = batch.map((index) => {
          receives[index]!++;
          return { messageId: `line-${index + 1}`, body: lines[index]!, attributes: { ApproximateReceiveCount: String(receives[index]) }, messageAttributes: {} } as unknown as SQSRecord;
        });
        const { batchItemFailures } = await handler({ Records: records }, { functionName: `local-resolver-${instance}` } as Context);
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
        for (const [i, index] of batch.entries()) {
          const messageId = records[i]!.messageId;
          busyLanes.delete(lanes[index]!);
          if (!failed.has(messageId)) {
            finish(index, outcomes.get(messageId)!);
          } else if (receives[index]! >= maxReceives) {
            finish(index, { eventId: null, conversationId: null, action: "failed", tier: null, profileId: null, reason: `gave up after ${maxReceives} receives: ${retries.get(messageId) ?? "an earlier event of its conversation failed"}` });
          } else {
            pending.push(index);
            pending.sort((a, b) => a - b);
          }
        }
        inFlight--;
        for (const resume of waiting.splice(0)) resume();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i + 1)));
    return results;
  }

  return {
    local,
    writtenBack,
    replay,
    close: async () => {
      for (const client of clients.splice(0)) client.destroy();
      await local.close();
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
