import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The DynamoDB requests a client made, by operation, and how many round trips they took. */
export interface RequestLog {
  /** Operation names (`BatchGetItem`, `TransactWriteItems`, ...) in the order the requests started. */
  readonly operations: string[];
  /** Requests made one after another: a request started while another was in flight shares its round trip. */
  roundTrips(): number;
  reset(): void;
}

/** Counts a client's requests with SDK middleware (once per command, SDK retries not included): tests and the bench. */
export function countRequests(client: DynamoDBClient): RequestLog {
  const operations: string[] = [];
  let inFlight = 0;
  let waves = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const target = (args.request as { headers?: Record<string, string> }).headers?.["x-amz-target"] ?? "unknown";
      operations.push(target.replace(/^DynamoDB_\d+\./, ""));
      if (inFlight++ === 0) waves++;
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: "build", name: "countRequests" },
  );
  return {
    operations,
    roundTrips: () => waves,
    reset: () => {
      operations.length = 0;
      waves = 0;
    },
  };
}

/** Calls `inspect` with each request's JSON body before it is sent; what `inspect` throws fails the request (tests inject faults so). */
export function inspectRequests(client: DynamoDBClient, inspect: (body: string) => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const raw = (args.request as { body?: unknown }).body;
      inspect(raw instanceof Uint8Array ? new TextDecoder().decode(raw) : String(raw ?? ""));
      return next(args);
    },
    { step: "build", name: "inspectRequests" },
  );
}

/** Request units a client's requests consumed, as the engine reported them (`ReturnConsumedCapacity`). */
export interface CapacityLog {
  readonly read: number;
  readonly write: number;
  /** Requests that failed (a cancelled transaction, a failed condition): the engine reports no units for them. */
  readonly failed: number;
  reset(): void;
}

const READ_OPERATIONS = new Set(["GetItemCommand", "BatchGetItemCommand", "QueryCommand", "ScanCommand", "TransactGetItemsCommand"]);
const WRITE_OPERATIONS = new Set(["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand", "BatchWriteItemCommand", "TransactWriteItemsCommand"]);

/**
 * Asks for `ReturnConsumedCapacity: TOTAL` on every item request of a client and adds up the units the
 * engine reports, as read or write units by operation (the bench's cost per event; on DynamoDB on-demand
 * they are the billed request units).
 */
export function meterCapacity(client: DynamoDBClient): CapacityLog {
  const totals = { read: 0, write: 0, failed: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName ?? "";
      const kind = READ_OPERATIONS.has(operation) ? "read" : WRITE_OPERATIONS.has(operation) ? "write" : undefined;
      if (!kind) return next(args);
      try {
        const result = await next({ ...args, input: { ...(args.input as object), ReturnConsumedCapacity: "TOTAL" } });
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
        for (const entry of [consumed ?? []].flat()) totals[kind] += entry.CapacityUnits ?? 0;
        return result;
      } catch (error) {
        totals.failed++;
        throw error;
      }
    },
    { step: "initialize", name: "meterCapacity" },
  );
  return {
    get read() {
      return totals.read;
    },
    get write() {
      return totals.write;
    },
    get failed() {
      return totals.failed;
    },
    reset: () => Object.assign(totals, { read: 0, write: 0, failed: 0 }),
  };
}
