import { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { DeadLetters, RejectedEvent } from "../../functions/attachment-routing/core/dead-letters";
import { dynamoTaskTokenStore, TaskTokenStore } from "../../functions/attachment-routing/core/token-store";
import { TOKEN_TABLE_KEYS } from "../../functions/attachment-routing/core/token-table";
import { GenesysClient, GenesysClientOptions } from "../../functions/shared/genesys/client";
import { GenesysFake } from "../support/genesys-fake";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const TRIAGE_QUEUE_ID = "q-triage";
export const CONVERSATION_ID = "7c1e9a52-3b4d-4f60-9a11-0c5d2e8f4a01";
/** Appears only in customer data, so it must never reach a log line. */
export const CUSTOMER_ADDRESS = "dana.whitfield.zq7@example.com";

export function recorders() {
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const metrics = { addDimension: jest.fn(), addMetric: jest.fn(), publishStoredMetrics: jest.fn() };
  return { logger, metrics };
}

export const allLogs = (logger: ReturnType<typeof recorders>["logger"]) =>
  JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);

/** A Genesys client pointed at the fake, with an instant sleep that records its delays. */
export function genesysClientFor(fake: GenesysFake, options: Partial<GenesysClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = new GenesysClient({
    apiBaseUrl: fake.apiBaseUrl,
    loginBaseUrl: fake.loginBaseUrl,
    credentials: async () => ({ clientId: fake.clientId, clientSecret: fake.clientSecret }),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...options,
  });
  return { client, sleeps };
}

export interface LocalTokenTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly store: TaskTokenStore;
  close(): Promise<void>;
}

/** The task-token table (key `jobId`, TTL attribute `expiresAt`) on an embedded DynamoDB (dynalite). */
export async function startTokenTable(tableName = "ocr-task-tokens"): Promise<LocalTokenTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: TOKEN_TABLE_KEYS.partition, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: TOKEN_TABLE_KEYS.partition, AttributeType: "S" }],
    }),
  );
  return {
    client,
    tableName,
    store: dynamoTaskTokenStore(client, tableName),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error?: Error) => (error ? reject(error) : resolve())));
    },
  };
}

/** An AWS SDK service error as the SDK raises it: what matters is its `name`. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: {} });
}

/** A dead-letter queue that records what it is sent (the SQS adapter is tested on its own). */
export function recordingDeadLetters() {
  const sent: RejectedEvent[] = [];
  const deadLetters: DeadLetters = {
    send: async (rejected) => {
      sent.push(rejected);
    },
  };
  return { deadLetters, sent };
}

/** A Lambda context with `ms` milliseconds left. */
export const lambdaContext = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
