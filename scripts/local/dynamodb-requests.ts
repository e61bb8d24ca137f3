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
