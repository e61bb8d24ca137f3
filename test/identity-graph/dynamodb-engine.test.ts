/**
 * The local engine's TransactWriteItems / TransactGetItems (scripts/local/dynamodb-engine.ts) against
 * DynamoDB's documented semantics, through the AWS SDK as the production code calls it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DynamoDBClient,
  IdempotentParameterMismatchException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactGetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { CommittedTransaction, LocalDynamoDB, startLocalDynamoDB, StoreInUseError } from "../../scripts/local/dynamodb-engine";
import { meterCapacity } from "../../scripts/local/dynamodb-requests";

const TABLE = "accounts";
let engine: LocalDynamoDB;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let commits: CommittedTransaction[];
let holdNextBatch: ((transaction: CommittedTransaction) => Promise<void>) | undefined;

/** Holds the next transaction between its condition checks and its write: `isHeld` settles when it is there. */
function holdNextTransaction(): { isHeld: Promise<void>; release: () => void } {
  let release: (() => void) | undefined;
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  holdNextBatch = () => {
    held();
    return new Promise<void>((resolve) => (release = resolve));
  };
  return { isHeld, release: () => release?.() };
}

async function start(): Promise<void> {
  commits = [];
  holdNextBatch = undefined;
  engine = await startLocalDynamoDB({
    onCommit: (t) => commits.push(t),
    beforeBatch: async (t) => {
      const hold = holdNextBatch;
      holdNextBatch = undefined;
      await hold?.(t);
    },
  });
  client = new DynamoDBClient({ endpoint: engine.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
    }),
  );
}

beforeEach(start);

afterEach(async () => {
  client.destroy();
  await engine.close();
});

const key = (pk: string) => ({ pk, sk: "A" });
const get = async (pk: string) => (await doc.send(new GetCommand({ TableName: TABLE, Key: key(pk), ConsistentRead: true }))).Item;
const put = (pk: string, fields: Record<string, unknown>) => doc.send(new PutCommand({ TableName: TABLE, Item: { ...key(pk), ...fields } }));
const transact = (items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>, token?: string) =>
  doc.send(new TransactWriteCommand({ TransactItems: items, ...(token ? { ClientRequestToken: token } : {}) }));

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

describe("TransactWriteItems", () => {
  it("applies a ConditionCheck, Put, Update and Delete together when every condition holds", async () => {
    // Prepare
    await put("a", { balance: 10 });
    await put("gone", { balance: 1 });
    await put("guard", { open: true });

    // Act
    await transact([
      { ConditionCheck: { TableName: TABLE, Key: key("guard"), ConditionExpression: "#o = :t", ExpressionAttributeNames: { "#o": "open" }, ExpressionAttributeValues: { ":t": true } } },
      { Put: { TableName: TABLE, Item: { ...key("b"), balance: 5 }, ConditionExpression: "attribute_not_exists(pk)" } },
      { Update: { TableName: TABLE, Key: key("a"), UpdateExpression: "SET balance = balance - :five", ConditionExpression: "balance >= :five", ExpressionAttributeValues: { ":five": 5 } } },
      { Delete: { TableName: TABLE, Key: key("gone") } },
    ]);

    // Assess
    expect([await get("a"), await get("b"), await get("gone"), await get("guard")]).toEqual([
      { ...key("a"), balance: 5 },
      { ...key("b"), balance: 5 },
      undefined,
      { ...key("guard"), open: true },
    ]);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.writes.map((w) => [w.kind, w.item.pk])).toEqual([
      ["put", { S: "b" }],
      ["put", { S: "a" }],
      ["delete", { S: "gone" }],
    ]);
  });

  it("writes nothing when one condition fails, naming it in CancellationReasons (with the old item on request)", async () => {
    // Prepare
    await put("a", { balance: 1 });

    // Act
    const error = await rejection(
      transact([
        { Put: { TableName: TABLE, Item: { ...key("b"), balance: 5 } } },
        {
          Update: {
            TableName: TABLE,
            Key: key("a"),
            UpdateExpression: "SET balance = balance - :five",
            ConditionExpression: "balance >= :five",
            ExpressionAttributeValues: { ":five": 5 },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        { ConditionCheck: { TableName: TABLE, Key: key("missing"), ConditionExpression: "attribute_exists(pk)" } },
      ]),
    );

    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ConditionalCheckFailed]");
    expect((error as unknown as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: "None" },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { pk: { S: "a" }, sk: { S: "A" }, balance: { N: "1" } } },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
    ]);
    expect(await get("b")).toBeUndefined();
    expect(await get("a")).toEqual({ ...key("a"), balance: 1 });
    expect(commits).toEqual([]);
  });

  it("cancels with ValidationError for an update that cannot apply, writing nothing", async () => {
    // Prepare
    await put("a", { name: "text" });

    // Act
    const error = await rejection(
      transact([
        { Put: { TableName: TABLE, Item: { ...key("b"), n: 1 } } },
        { Update: { TableName: TABLE, Key: key("a"), UpdateExpression: "ADD #n :one", ExpressionAttributeNames: { "#n": "name" }, ExpressionAttributeValues: { ":one": 1 } } },
      ]),
    );

    // Assess
    expect((error as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(["None", "ValidationError"]);
    expect(await get("b")).toBeUndefined();
  });

  it.each([
    ["more than 100 actions", Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: TABLE, Item: key(`k${i}`) } })), /Member must have length less than or equal to 100/],
    ["two actions on one item", [{ Put: { TableName: TABLE, Item: key("a") } }, { Delete: { TableName: TABLE, Key: key("a") } }], /cannot include multiple operations on one item/],
    ["an action on a missing table", [{ Put: { TableName: "nope", Item: key("a") } }], /Requested resource not found/],
    ["a key of the wrong type", [{ Put: { TableName: TABLE, Item: { pk: 1, sk: "A" } } }], /Type mismatch for key|does not match the schema/],
    ["an invalid condition expression", [{ Put: { TableName: TABLE, Item: key("a"), ConditionExpression: "attribute_not_exists(" } }], /Invalid ConditionExpression/],
  ])("refuses %s as a whole, writing nothing", async (_case, items, message) => {
    // Act
    const error = await rejection(transact(items as never));

    // Assess
    expect(error.name).toMatch(/ValidationException|ResourceNotFoundException/);
    expect(error.message).toMatch(message);
    expect(await get("k0")).toBeUndefined();
    expect(await get("a")).toBeUndefined();
  });

  it("answers a repeated ClientRequestToken with success without writing again", async () => {
    // Prepare
    const items = [{ Update: { TableName: TABLE, Key: key("a"), UpdateExpression: "ADD hits :one", ExpressionAttributeValues: { ":one": 1 } } }];
    await transact(items, "token-1");

    // Act
    await transact(items, "token-1");
    await transact(items, "token-2");

    // Assess
    expect(await get("a")).toEqual({ ...key("a"), hits: 2 });
    expect(commits).toHaveLength(2);
  });

  it("refuses the same ClientRequestToken with other parameters", async () => {
    // Prepare
    await transact([{ Put: { TableName: TABLE, Item: { ...key("a"), v: 1 } } }], "token-1");

    // Act
    const error = await rejection(transact([{ Put: { TableName: TABLE, Item: { ...key("a"), v: 2 } } }], "token-1"));

    // Assess
    expect(error).toBeInstanceOf(IdempotentParameterMismatchException);
    expect(await get("a")).toEqual({ ...key("a"), v: 1 });
  });

  it("cancels with TransactionConflict a transaction touching an item another transaction is writing", async () => {
    // Prepare: hold the first transaction between its condition checks and its write.
    const { isHeld, release } = holdNextTransaction();
    const first = transact([{ Put: { TableName: TABLE, Item: { ...key("a"), by: "first" } } }]);
    await isHeld;

    // Act
    const error = await rejection(
      transact([
        { Put: { TableName: TABLE, Item: { ...key("b"), by: "second" } } },
        { Put: { TableName: TABLE, Item: { ...key("a"), by: "second" } } },
      ]),
    );
    release();
    await first;

    // Assess
    expect((error as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(["None", "TransactionConflict"]);
    expect([await get("a"), await get("b")]).toEqual([{ ...key("a"), by: "first" }, undefined]);
  });

  it("makes a single-item write wait for a transaction holding the item, then apply after it", async () => {
    // Prepare
    const { isHeld, release } = holdNextTransaction();
    const transaction = transact([{ Put: { TableName: TABLE, Item: { ...key("a"), n: 1 } } }]);
    await isHeld;

    // Act
    const single = doc.send(new UpdateCommand({ TableName: TABLE, Key: key("a"), UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 10 } }));
    release();
    await Promise.all([transaction, single]);

    // Assess
    expect(await get("a")).toEqual({ ...key("a"), n: 11 });
  });

  it("writes nothing when the batch itself fails", async () => {
    // Prepare
    holdNextBatch = async () => {
      throw new Error("disk full");
    };

    // Act
    const error = await rejection(
      transact([
        { Put: { TableName: TABLE, Item: key("a") } },
        { Put: { TableName: TABLE, Item: key("b") } },
      ]),
    );

    // Assess
    expect(error.name).toBe("InternalServerError");
    expect([await get("a"), await get("b")]).toEqual([undefined, undefined]);
  });

  it("keeps a sum invariant under 200 concurrent transfers guarded by conditions", async () => {
    // Prepare: five accounts of 10; each transfer moves 3 from one to another only if the source has 3.
    const accounts = ["a", "b", "c", "d", "e"];
    for (const account of accounts) await put(account, { balance: 10 });
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const transfer = (from: string, to: string) =>
      transact([
        { Update: { TableName: TABLE, Key: key(from), UpdateExpression: "SET balance = balance - :n", ConditionExpression: "balance >= :n", ExpressionAttributeValues: { ":n": 3 } } },
        { Update: { TableName: TABLE, Key: key(to), UpdateExpression: "SET balance = balance + :n", ExpressionAttributeValues: { ":n": 3 } } },
      ]);
    const pairs = Array.from({ length: 200 }, () => {
      const from = accounts[Math.floor(random() * 5)]!;
      const to = accounts.filter((a) => a !== from)[Math.floor(random() * 4)]!;
      return [from, to] as const;
    });

    // Act
    const settled = await Promise.allSettled(pairs.map(([from, to]) => transfer(from, to)));

    // Assess
    const balances = await Promise.all(accounts.map(async (a) => (await get(a))!.balance as number));
    const reasons = settled.flatMap((s) => (s.status === "rejected" ? [(s.reason as TransactionCanceledException).CancellationReasons?.find((r) => r.Code !== "None")?.Code] : []));
    expect(balances.reduce((sum, b) => sum + b, 0)).toBe(50);
    expect(balances.every((b) => b >= 0)).toBe(true);
    expect(new Set(reasons)).toEqual(new Set(reasons.filter((r) => r === "ConditionalCheckFailed" || r === "TransactionConflict")));
    expect(commits).toHaveLength(settled.filter((s) => s.status === "fulfilled").length);
  });
});

describe("consumed capacity of transactions", () => {
  it("reports two write units per item of up to 1 KB, by the larger of the item before and after, only when asked", async () => {
    // Prepare
    await put("grown", { note: "x" });
    await put("guard", { open: true });
    await put("large", { note: "x".repeat(1500) });
    const actions = (suffix: string) => [
      { ConditionCheck: { TableName: TABLE, Key: key("guard"), ConditionExpression: "attribute_exists(pk)" } },
      { Put: { TableName: TABLE, Item: { ...key(`new${suffix}`), n: 1 } } },
      { Update: { TableName: TABLE, Key: key("grown"), UpdateExpression: "SET note = :big", ExpressionAttributeValues: { ":big": `${suffix}${"y".repeat(1500)}` } } },
      { Delete: { TableName: TABLE, Key: key(`large${suffix}`) } },
    ];

    // Act
    const plain = await transact(actions("-a"));
    const asked = await doc.send(new TransactWriteCommand({ TransactItems: actions(""), ReturnConsumedCapacity: "TOTAL" }));

    // Assess: check 2 + new item 2 + an update of an item over 1 KB (grown by the first call) 4 + a delete of a 1.5 KB item 4
    expect(plain.ConsumedCapacity).toBeUndefined();
    expect(asked.ConsumedCapacity).toEqual([{ TableName: TABLE, CapacityUnits: 12 }]);
  });

  it("reports two consistent read units per item a TransactGetItems reads, one for an absent item", async () => {
    // Prepare
    await put("a", { note: "x".repeat(5000) });

    // Act
    const { ConsumedCapacity } = await doc.send(
      new TransactGetCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key("a") } }, { Get: { TableName: TABLE, Key: key("missing") } }], ReturnConsumedCapacity: "TOTAL" }),
    );

    // Assess: a 5 KB item is 2 units of 4 KB, doubled; the absent one 1, doubled
    expect(ConsumedCapacity).toEqual([{ TableName: TABLE, CapacityUnits: 6 }]);
  });

  it("reports nothing for a cancelled transaction", async () => {
    // Act
    const error = await rejection(
      doc.send(new TransactWriteCommand({ TransactItems: [{ ConditionCheck: { TableName: TABLE, Key: key("absent"), ConditionExpression: "attribute_exists(pk)" } }], ReturnConsumedCapacity: "TOTAL" })),
    );

    // Assess
    expect([error.name, error.ConsumedCapacity]).toEqual(["TransactionCanceledException", undefined]);
  });
});

describe("TransactGetItems", () => {
  it("returns the items in request order, an empty entry for a missing one, with projections", async () => {
    // Prepare
    await put("a", { balance: 1, note: "x" });
    await put("b", { balance: 2 });

    // Act
    const { Responses } = await doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: TABLE, Key: key("b") } },
          { Get: { TableName: TABLE, Key: key("missing") } },
          { Get: { TableName: TABLE, Key: key("a"), ProjectionExpression: "note" } },
        ],
      }),
    );

    // Assess
    expect(Responses).toEqual([{ Item: { ...key("b"), balance: 2 } }, {}, { Item: { note: "x" } }]);
  });

  it("cancels with TransactionConflict while a transaction is writing one of its items", async () => {
    // Prepare
    const { isHeld, release } = holdNextTransaction();
    const writing = transact([{ Put: { TableName: TABLE, Item: key("a") } }]);
    await isHeld;

    // Act
    const error = await rejection(doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key("b") } }, { Get: { TableName: TABLE, Key: key("a") } }] })));
    release();
    await writing;

    // Assess
    expect((error as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(["None", "TransactionConflict"]);
  });
});

describe("meterCapacity (the bench's request units)", () => {
  it("adds up the units the engine reports, as read or write by operation, and counts failed requests", async () => {
    // Prepare
    const meter = meterCapacity(client);
    await put("a", { n: 1 });

    // Act
    await doc.send(new GetCommand({ TableName: TABLE, Key: key("missing"), ConsistentRead: true }));
    await doc.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: [key("a"), key("b")], ConsistentRead: true } } }));
    await doc.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: "pk = :a", ExpressionAttributeValues: { ":a": "a" }, ConsistentRead: true }));
    await transact([{ Put: { TableName: TABLE, Item: key("c") } }, { ConditionCheck: { TableName: TABLE, Key: key("a"), ConditionExpression: "attribute_exists(pk)" } }]);
    await rejection(transact([{ ConditionCheck: { TableName: TABLE, Key: key("absent"), ConditionExpression: "attribute_exists(pk)" } }]));

    // Assess: reads 1 + 2 + 1; writes 1 (the put) + 4 (two transaction actions)
    expect({ read: meter.read, write: meter.write, failed: meter.failed }).toEqual({ read: 4, write: 5, failed: 1 });
    meter.reset();
    expect({ read: meter.read, write: meter.write, failed: meter.failed }).toEqual({ read: 0, write: 0, failed: 0 });
  });
});

describe("a LevelDB store directory", () => {
  it("held by another process is refused with a clear error", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "engine-lock-"));
    const other = await startLocalDynamoDB({ path: dir });

    try {
      // Act: a second process opens the same directory.
      const script = `require("./scripts/local/dynamodb-engine").startLocalDynamoDB({ path: ${JSON.stringify(dir)} }).then(() => process.exit(0), (e) => { console.error(e.name + ": " + e.message); process.exit(3); })`;
      const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: join(__dirname, "..", ".."), encoding: "utf8", timeout: 30_000 });

      // Assess
      expect(result.status).toBe(3);
      expect(result.stderr.trim()).toBe(`StoreInUseError: the store directory ${dir} is in use by another process (its LevelDB lock is held): stop that process or choose another directory`);
      expect(StoreInUseError.name).toBe("StoreInUseError");
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
