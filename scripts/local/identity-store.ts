import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { DynamoIdentityStore, TABLE_KEYS } from "../../functions/identity-graph/core/dynamodb-store";
import { IdentifierHasher } from "../../functions/identity-graph/core/identifiers";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
export const LOCAL_TABLE = "identity-graph";

export interface LocalIdentityStore {
  readonly store: DynamoIdentityStore;
  readonly hasher: IdentifierHasher;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * The identity graph on an embedded DynamoDB (dynalite): in memory, or kept in `dir` between runs
 * together with the local hashing key (`dir/hmac.key`, created on first use).
 */
export async function startLocalIdentityStore(dir?: string): Promise<LocalIdentityStore> {
  let key: string;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const keyFile = join(dir, "hmac.key");
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString("base64"), { mode: 0o600 });
    key = readFileSync(keyFile, "utf8").trim();
  } else {
    key = randomBytes(32).toString("base64");
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dir ? { path: join(dir, "dynamodb") } : {}) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
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
  return {
    store: new DynamoIdentityStore(LOCAL_TABLE, client),
    hasher: new IdentifierHasher(key),
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error?: Error) => (error ? reject(error) : resolve())));
    },
  };
}
