import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoIdentityStore, DynamoIdentityStoreOptions } from "../../functions/identity-graph/core/dynamodb-store";
import { IdentifierHasher } from "../../functions/identity-graph/core/identifiers";
import { PROFILE_ITEM, TABLE_KEYS } from "../../functions/identity-graph/core/table";
import { LocalDynamoDBOptions, startLocalDynamoDB } from "./dynamodb-engine";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
export const LOCAL_TABLE = "identity-graph";
/** Where a kept store's engine writes, under its directory. */
const ENGINE_FOLDER = "dynamodb";

/** Whether `dir` holds a graph a store kept there (an erase needs one to erase from). */
export function localGraphExists(dir: string): boolean {
  return existsSync(join(dir, ENGINE_FOLDER));
}

export interface LocalIdentityStore {
  readonly store: DynamoIdentityStore;
  readonly hasher: IdentifierHasher;
  readonly client: DynamoDBClient;
  /** The local engine's endpoint (for a second client, as a second process would have). */
  readonly endpoint: string;
  /** Every item of the table, sorted by key (for summaries and tests; the Lambdas never scan). */
  scan(): Promise<Array<Record<string, unknown>>>;
  /** Live profiles. */
  countProfiles(): Promise<number>;
  close(): Promise<void>;
}

export interface LocalIdentityStoreOptions extends Pick<LocalDynamoDBOptions, "onCommit" | "beforeBatch">, Pick<DynamoIdentityStoreOptions, "maxTransactionItems"> {
  /** Keeps the graph (and its local hashing key, `dir/hmac.key`) in this directory; in memory when unset. */
  readonly dir?: string;
  /** The identifier hashing key (default: `dir/hmac.key`, or a random one in memory); two stores with one key hash alike. */
  readonly hashingKey?: string;
  /** A client of one's own (e.g. with middleware counting or failing requests); default: a plain one. */
  readonly client?: (endpoint: string) => DynamoDBClient;
}

/** A DynamoDB client for the local engine (no credentials needed, none read from the environment). */
export function localDynamoDBClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}

/**
 * The identity graph on the local engine (dynalite with transactions, ./dynamodb-engine.ts), through the
 * same DynamoIdentityStore as the Lambdas.
 */
export async function startLocalIdentityStore(options: LocalIdentityStoreOptions | string = {}): Promise<LocalIdentityStore> {
  const { dir, client: makeClient = localDynamoDBClient, hashingKey, ...engineOptions } = typeof options === "string" ? { dir: options } : options;
  let key: string;
  if (hashingKey) {
    key = hashingKey;
  } else if (dir) {
    mkdirSync(dir, { recursive: true });
    const keyFile = join(dir, "hmac.key");
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString("base64"), { mode: 0o600 });
    key = readFileSync(keyFile, "utf8").trim();
  } else {
    key = randomBytes(32).toString("base64");
  }
  const engine = await startLocalDynamoDB({ ...(dir ? { path: join(dir, ENGINE_FOLDER) } : {}), onCommit: engineOptions.onCommit, beforeBatch: engineOptions.beforeBatch });
  const client = makeClient(engine.endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: LOCAL_TABLE,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: TABLE_KEYS.partition, KeyType: "HASH" },
          { AttributeName: TABLE_KEYS.sort, KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partition, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.sort, AttributeType: "S" },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const db = DynamoDBDocumentClient.from(client);
  const scan = async () => {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => `${String(a.pk)}|${String(a.sk)}`.localeCompare(`${String(b.pk)}|${String(b.sk)}`));
  };
  return {
    store: new DynamoIdentityStore(LOCAL_TABLE, client, { maxTransactionItems: engineOptions.maxTransactionItems }),
    hasher: new IdentifierHasher(key),
    client,
    endpoint: engine.endpoint,
    scan,
    countProfiles: async () => (await scan()).filter((item) => item.sk === PROFILE_ITEM && !item.mergedInto && !item.erasing).length,
    close: async () => {
      client.destroy();
      await engine.close();
    },
  };
}
