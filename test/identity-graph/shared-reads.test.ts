/**
 * Lookups started together share one BatchGetItem (functions/identity-graph/core/dynamodb-store.ts): each
 * still gets exactly the items it asked for, a key two lookups name is read once, and a shared read that
 * fails is read again lookup by lookup, so that one event's fault is its own.
 */
import { DynamoDBClient, DynamoDBServiceException, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoIdentityStore } from "../../functions/identity-graph/core/dynamodb-store";
import { DeadlineExceededError, deadlineIn } from "../../functions/shared/deadline";
import { eventKey, ownerKey, suppressionKey, writeBackKey } from "../../functions/identity-graph/core/table";
import { countRequests, inspectRequests, RequestLog } from "../../scripts/local/dynamodb-requests";
import { LOCAL_TABLE, localDynamoDBClient, LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";

let local: LocalIdentityStore;
let requests: RequestLog;
let store: DynamoIdentityStore;
/** Requests whose body contains one of these texts are refused as invalid before they are sent. */
const refused: string[] = [];
/** Every BatchGetItem's keys, as sent. */
const batchKeys: string[][] = [];

beforeEach(async () => {
  refused.length = 0;
  batchKeys.length = 0;
  local = await startLocalIdentityStore({
    client: (endpoint): DynamoDBClient => {
      const client = localDynamoDBClient(endpoint);
      requests = countRequests(client);
      inspectRequests(client, (body) => {
        const parsed = JSON.parse(body || "{}") as { RequestItems?: Record<string, { Keys?: Array<{ pk: { S: string }; sk: { S: string } }> }> };
        const keys = parsed.RequestItems?.[LOCAL_TABLE]?.Keys;
        if (keys) batchKeys.push(keys.map((k) => `${k.pk.S}|${k.sk.S}`));
        if (refused.some((text) => body.includes(text))) {
          throw new DynamoDBServiceException({ name: "ValidationException", $fault: "client", message: "One or more parameter values were invalid", $metadata: {} });
        }
      });
      return client;
    },
  });
  store = local.store;
  requests.reset();
  batchKeys.length = 0;
});

afterEach(async () => {
  await local.close();
});

async function put(item: Record<string, string>): Promise<void> {
  await local.client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) }));
}

describe("lookups started together", () => {
  it("share one BatchGetItem, each answered with its own items only", async () => {
    // Prepare
    await put({ ...ownerKey("email#ann"), profileId: "profile-ann" });
    await put({ ...ownerKey("email#bob"), profileId: "profile-bob" });
    await put({ ...suppressionKey("phone#erased") });
    await local.client.send(
      new PutItemCommand({ TableName: LOCAL_TABLE, Item: { ...toWire(eventKey("e-seen")), outcome: { M: { action: { S: "matched" }, profileId: { S: "profile-bob" } } } } }),
    );
    await local.client.send(
      new PutItemCommand({
        TableName: LOCAL_TABLE,
        Item: { ...toWire(writeBackKey("conv-b")), participantId: { S: "p-b" }, attributes: { M: { resolvedCustomerId: { S: "profile-bob" } } } },
      }),
    );
    requests.reset();

    // Act
    const [ann, bob] = await Promise.all([
      store.lookup("e-new", "conv-a", ["email#ann", "phone#erased"], ["email#ann", "phone#erased"]),
      store.lookup("e-seen", "conv-b", ["email#bob"], ["email#bob"]),
    ]);

    // Assess
    expect(requests.operations).toEqual(["BatchGetItem"]);
    expect({ owners: [...ann.owners], suppressed: [...ann.suppressed], processed: ann.processed, writeBack: ann.writeBack }).toEqual({
      owners: [["email#ann", { profileId: "profile-ann" }]],
      suppressed: ["phone#erased"],
      processed: undefined,
      writeBack: undefined,
    });
    expect({ owners: [...bob.owners], suppressed: [...bob.suppressed], processed: bob.processed, writeBack: bob.writeBack }).toEqual({
      owners: [["email#bob", { profileId: "profile-bob" }]],
      suppressed: [],
      processed: { action: "matched", profileId: "profile-bob" },
      writeBack: { participantId: "p-b", attributes: { resolvedCustomerId: "profile-bob" } },
    });
  });

  it("name a key they share once in the request, and both see its owner", async () => {
    // Prepare
    await put({ ...ownerKey("email#shared"), profileId: "profile-1" });
    requests.reset();

    // Act
    const lookups = await Promise.all([1, 2, 3].map((i) => store.lookup(`e-${i}`, "conv-same", ["email#shared"], ["email#shared"])));

    // Assess
    expect(requests.operations).toEqual(["BatchGetItem"]);
    const sent = batchKeys[0]!;
    expect(sent).toHaveLength(new Set(sent).size);
    expect(sent.filter((key) => key === "ID#email#shared|OWNER")).toHaveLength(1);
    expect(lookups.map((l) => l.owners.get("email#shared")?.profileId)).toEqual(["profile-1", "profile-1", "profile-1"]);
  });

  it("split more than 100 distinct keys into requests sent at once", async () => {
    // Act
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.lookup(`e-${i}`, `conv-${i}`, [`email#k${i}`, `phone#k${i}`], [`email#k${i}`, `phone#k${i}`])));

    // Assess: 30 lookups x (event, write-back, 2 owners, 2 suppressions) = 180 keys
    expect(batchKeys.map((keys) => keys.length).sort((a, b) => b - a)).toEqual([100, 80]);
    expect(requests.roundTrips()).toBe(1);
  });

  it("are read one by one when the shared read is refused, so only the lookup with the bad key fails", async () => {
    // Prepare
    await put({ ...ownerKey("email#good"), profileId: "profile-good" });
    refused.push("email#bad");
    requests.reset();

    // Act
    const [good, bad] = await Promise.allSettled([store.lookup("e-1", "conv-1", ["email#good"], ["email#good"]), store.lookup("e-2", "conv-2", ["email#bad"], ["email#bad"])]);

    // Assess
    expect(good.status === "fulfilled" && good.value.owners.get("email#good")).toEqual({ profileId: "profile-good" });
    expect(bad.status === "rejected" && (bad.reason as Error).name).toBe("ValidationException");
    expect(requests.operations).toEqual(["BatchGetItem", "BatchGetItem", "BatchGetItem"]);
  });

  it("keep the earliest deadline for the shared read; a lookup with time left then reads on its own", async () => {
    // Act
    const [late, early] = await Promise.allSettled([
      store.lookup("e-1", "conv-1", ["email#one"], ["email#one"], { deadline: deadlineIn(10_000) }),
      store.lookup("e-2", "conv-2", ["email#two"], ["email#two"], { deadline: deadlineIn(0) }),
    ]);

    // Assess
    expect(late.status).toBe("fulfilled");
    expect(early.status === "rejected" && early.reason).toBeInstanceOf(DeadlineExceededError);
    expect(requests.operations).toEqual(["BatchGetItem"]);
  });
});

describe("a lookup alone", () => {
  it("fails with its own error after one request when its read is refused", async () => {
    // Prepare
    refused.push("email#bad");

    // Act
    const lookup = store.lookup("e-1", "conv-1", ["email#bad"], ["email#bad"]);

    // Assess
    await expect(lookup).rejects.toMatchObject({ name: "ValidationException" });
    expect(requests.operations).toEqual(["BatchGetItem"]);
  });

  it("is not held back for lookups that start later", async () => {
    // Act
    await store.lookup("e-1", "conv-1", ["email#one"], ["email#one"]);
    await store.lookup("e-2", "conv-2", ["email#two"], ["email#two"]);

    // Assess
    expect(requests.operations).toEqual(["BatchGetItem", "BatchGetItem"]);
    expect(requests.roundTrips()).toBe(2);
  });
});

function toWire(key: { pk: string; sk: string }) {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}
