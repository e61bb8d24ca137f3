/**
 * identity: the resolver against the local engine (dynalite with transactions), next to dynalite's own
 * sequential PutItem rate measured in the same run.
 *   - round_trips_per_event:<path>: DynamoDB round trips per event, counted by SDK middleware (requests
 *     in flight at once share a round trip; SDK retries are not counted)
 *   - read_units_per_event / write_units_per_event, per path and for the workload: the request units the
 *     engine reports (`ReturnConsumedCapacity`): what DynamoDB on-demand bills per event (docs/costs.md)
 *   - events_per_second: a generated workload (new, returning, redelivered, merging customers) through
 *     the resolver Lambda's handler: ten instances on one table, each with its own client and store as
 *     Lambda runs them; each batch's records resolved concurrently, their reads shared
 *   - dynalite_puts_per_second and the ratio: the floor and the workload alternate for several rounds on
 *     fresh engines; the figures are medians, the ratio the median of each round's pair
 *   - least_event_per_second: what the cheapest event the resolver stores costs the engine and the SDK,
 *     with nothing of the resolver: one read of its items, one transaction of its marker and a check that
 *     its profile is live (I5 and I1 in functions/identity-graph/core/table.ts); measured in the same
 *     rounds. Its ratio to the put floor is what any resolver keeping those invariants reaches on a
 *     workload where every event is stored; the generated workload does better only by its events that
 *     write nothing (attributes naming nobody, a person's identifiers the graph already holds, duplicates)
 *     and by reads shared within a batch
 * This section is the identity graph's; the rest of the bench does not depend on it.
 */
import { BatchGetItemCommand, PutItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { eventKey, Key, LIVE_PROFILE, ownerKey, profileKey, suppressionKey, TABLE_KEYS, writeBackKey } from "../../functions/identity-graph/core/table";
import { attributesEvent, customerStart, generateIdentityWorkload } from "../fixtures/sample-identity-events";
import { CapacityLog, countRequests, meterCapacity, RequestLog } from "../local/dynamodb-requests";
import { startLocalResolver } from "../local/identity-resolver";
import { LOCAL_TABLE, localDynamoDBClient, startLocalIdentityStore } from "../local/identity-store";
import { median, Reporter } from "./support";

export const description = "identity resolver round trips per event and throughput against dynalite's PutItem rate";

type Path = { readonly name: string; readonly label: string; readonly event: (i: number) => unknown; readonly prepare?: (i: number) => unknown[] };

const email = (i: number) => `customer${i}@example.com`;
const phone = (i: number) => `+1202555${String(1000 + (i % 9000)).slice(-4)}`;

/** Each path's events, and what must exist before them (resolved first, not counted). */
const PATHS: readonly Path[] = [
  { name: "created", label: "new customer (created)", event: (i) => customerStart(`new-${i}`, `conv-new-${i}`, "p", { mediaType: "EMAIL", addressFrom: email(i) }) },
  {
    name: "matched",
    label: "known customer, new conversation (matched)",
    prepare: (i) => [customerStart(`first-${i}`, `conv-first-${i}`, "p", { mediaType: "EMAIL", addressFrom: `m${email(i)}` })],
    event: (i) => customerStart(`again-${i}`, `conv-again-${i}`, "p", { mediaType: "EMAIL", addressFrom: `m${email(i)}` }),
  },
  {
    name: "matched-same-conversation",
    label: "known customer, same conversation (matched)",
    prepare: (i) => [customerStart(`same-${i}`, `conv-same-${i}`, "p", { mediaType: "EMAIL", addressFrom: `s${email(i)}` })],
    event: (i) => attributesEvent(`same-attr-${i}`, `conv-same-${i}`, "p", { email: `s${email(i)}` }),
  },
  {
    name: "duplicate",
    label: "redelivered event (duplicate)",
    prepare: (i) => [attributesEvent(`dup-${i}`, `conv-dup-${i}`, "p", { email: `d${email(i)}` })],
    event: (i) => attributesEvent(`dup-${i}`, `conv-dup-${i}`, "p", { email: `d${email(i)}` }),
  },
  {
    name: "merged",
    label: "two known profiles in one event (merged)",
    prepare: (i) => [
      customerStart(`mail-${i}`, `conv-mail-${i}`, "p", { mediaType: "EMAIL", addressFrom: `g${email(i)}` }),
      customerStart(`call-${i}`, `conv-call-${i}`, "p", { mediaType: "VOICE", ani: phone(i) }),
    ],
    event: (i) => attributesEvent(`both-${i}`, `conv-both-${i}`, "p", { email: `g${email(i)}`, phone: phone(i) }),
  },
  {
    name: "probabilistic",
    label: "device + IP of a known visitor (probabilistic)",
    prepare: (i) => [attributesEvent(`fp1-${i}`, `conv-fp1-${i}`, "p", { deviceFingerprint: `fp-${i}`, ipAddress: `198.51.100.${i % 250}` })],
    event: (i) => attributesEvent(`fp2-${i}`, `conv-fp2-${i}`, "p", { deviceFingerprint: `fp-${i}`, ipAddress: `198.51.100.${i % 250}` }),
  },
];

/** Resolver instances sharing the table, as the event source mapping's maximum concurrency (default 5) allows and more. */
const INSTANCES = 10;
/** Rounds of the throughput comparison: the floor and the workload alternate, so that drift in machine load hits both alike. */
const ROUNDS = 5;

/** dynalite's rate of PutItem requests sent one after another, on a fresh engine. */
async function sequentialPutsPerSecond(puts: number): Promise<number> {
  const local = await startLocalIdentityStore();
  try {
    const started = performance.now();
    for (let i = 0; i < puts; i++) {
      await local.client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: { [TABLE_KEYS.partition]: { S: `BENCH#${i}` }, [TABLE_KEYS.sort]: { S: "BENCH" }, n: { N: String(i) } } }));
    }
    return puts / ((performance.now() - started) / 1000);
  } finally {
    await local.close();
  }
}

/**
 * The cheapest event the resolver stores, with nothing of the resolver, on a fresh engine and with the
 * workload's concurrency (INSTANCES senders, each with its own client): a read of the five items an event
 * with one personal identifier needs (marker, write-back state, two owners, a suppression), then one
 * TransactWriteItems of two actions: the marker, on condition it is new, and a check that its profile is live.
 */
async function leastEventsPerSecond(events: number): Promise<number> {
  const text = (value: string) => ({ S: value });
  const wire = (key: Key) => ({ [TABLE_KEYS.partition]: text(key.pk), [TABLE_KEYS.sort]: text(key.sk) });
  const local = await startLocalIdentityStore();
  const clients = Array.from({ length: INSTANCES }, () => localDynamoDBClient(local.endpoint));
  try {
    // A profile per sender: events of different customers check different profiles, as in the workload.
    const profiles = clients.map((_, lane) => `bench-profile-${lane}`);
    for (const profile of profiles) {
      await local.client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: { ...wire(profileKey(profile)), tier: text("deterministic"), version: { N: "1" } } }));
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client, lane) => {
        const profile = profiles[lane]!;
        for (let i = next++; i < events; i = next++) {
          const keys = [eventKey(`e-${i}`), writeBackKey(`c-${i}`), ownerKey(`conv#c-${i}`), ownerKey(`email#${i}`), suppressionKey(`email#${i}`)];
          await client.send(new BatchGetItemCommand({ RequestItems: { [LOCAL_TABLE]: { Keys: keys.map(wire), ConsistentRead: true } } }));
          const marker = { ...wire(eventKey(`e-${i}`)), outcome: { M: { action: text("matched"), profileId: text(profile) } } };
          await client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: LOCAL_TABLE, Item: marker, ConditionExpression: "attribute_not_exists(pk)" } },
                { ConditionCheck: { TableName: LOCAL_TABLE, Key: wire(profileKey(profile)), ConditionExpression: LIVE_PROFILE } },
              ],
            }),
          );
        }
      }),
    );
    return events / ((performance.now() - started) / 1000);
  } finally {
    for (const client of clients) client.destroy();
    await local.close();
  }
}

/** The request units the workload consumes through the resolver handler, on a fresh table (not timed). */
async function replayRequestUnits(lines: readonly string[]): Promise<{ read: number; write: number; failed: number }> {
  const meters: CapacityLog[] = [];
  const resolver = await startLocalResolver({
    client: (endpoint) => {
      const client = localDynamoDBClient(endpoint);
      meters.push(meterCapacity(client));
      return client;
    },
  });
  try {
    await resolver.replay(lines, { concurrency: INSTANCES });
    return meters.reduce((sum, m) => ({ read: sum.read + m.read, write: sum.write + m.write, failed: sum.failed + m.failed }), { read: 0, write: 0, failed: 0 });
  } finally {
    await resolver.close();
  }
}

/** The workload's events per second through the resolver handler, on a fresh table. */
async function replayEventsPerSecond(lines: readonly string[]): Promise<number> {
  const resolver = await startLocalResolver();
  try {
    const started = performance.now();
    await resolver.replay(lines, { concurrency: INSTANCES });
    return lines.length / ((performance.now() - started) / 1000);
  } finally {
    await resolver.close();
  }
}

export async function run(report: Reporter, count = 200): Promise<void> {
  let log: RequestLog | undefined;
  let meter: CapacityLog | undefined;
  const local = await startLocalIdentityStore({
    client: (endpoint) => {
      const client = localDynamoDBClient(endpoint);
      log = countRequests(client);
      meter = meterCapacity(client);
      return client;
    },
  });
  const requests = log!;
  const capacity = meter!;
  const resolve = (event: unknown) => resolveEvent(event, { store: local.store, hasher: local.hasher, settings: DEFAULT_IDENTITY_SETTINGS });
  try {
    report.heading(`identity resolver against the local engine, ${count} events per path, one at a time`);
    for (const path of PATHS) {
      if (path.prepare) for (let i = 0; i < count; i++) for (const event of path.prepare(i)) await resolve(event);
      const trips: number[] = [];
      const actions = new Set<string>();
      capacity.reset();
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        requests.reset();
        const resolution = await resolve(path.event(i));
        trips.push(requests.roundTrips());
        actions.add(`${resolution.action}/${resolution.tier ?? "-"}`);
      }
      const seconds = (performance.now() - started) / 1000;
      report.figure(`read_units_per_event:${path.name}`, capacity.read / count, "request units", `${path.label}: DynamoDB read request units per event`);
      report.figure(`write_units_per_event:${path.name}`, capacity.write / count, "request units", `${path.label}: DynamoDB write request units per event`);
      const mean = trips.reduce((a, b) => a + b, 0) / trips.length;
      report.figure(`round_trips_per_event:${path.name}`, mean, "count", `${path.label}: DynamoDB round trips per event (${[...new Set(trips)].sort().join(" or ")}; ${[...actions].join(", ")})`);
      report.figure(`events_per_second:${path.name}`, count / seconds, "per second", `${path.label}: events/s, one at a time`);
    }
  } finally {
    await local.close();
  }

  // A busy contact center: many customers across conversations, through the resolver Lambda's handler.
  const workload = generateIdentityWorkload({ seed: 7, customers: count, conversations: count * 2 });
  const lines = workload.events.map((event) => JSON.stringify(event));
  const floors: number[] = [];
  const leasts: number[] = [];
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    floors.push(await sequentialPutsPerSecond(count * 2));
    leasts.push(await leastEventsPerSecond(lines.length));
    rates.push(await replayEventsPerSecond(lines));
  }
  const pairs = (a: readonly number[], b: readonly number[]) => a.map((x, i) => x / b[i]!);
  report.heading(`throughput against dynalite's own rate: medians of ${ROUNDS} rounds, each the floor, the least event, then the workload`);
  report.figure("dynalite_puts_per_second", median(floors), "per second", `dynalite, ${count * 2} sequential PutItem`);
  report.figure("least_event_per_second", median(leasts), "per second", `the cheapest stored event alone, ${lines.length} by ${INSTANCES} senders at once (a read of 5 items, a transaction of 2 actions)`);
  report.figure("least_event_to_dynalite_puts", median(pairs(leasts, floors)), "x", `least event/s / dynalite sequential puts/s, each round's pair (rounds ${pairs(leasts, floors).map((r) => r.toFixed(2)).join(", ")})`);
  report.figure("events_per_second", median(rates), "per second", `${lines.length} generated events, ${INSTANCES} resolver instances on one table, batches of 10 resolved concurrently (their reads shared)`);
  report.figure(
    "events_per_second_to_dynalite_puts",
    median(pairs(rates, floors)),
    "x",
    `events/s / dynalite sequential puts/s, each round's pair (goal >= 0.6; rounds ${pairs(rates, floors).map((r) => r.toFixed(2)).join(", ")})`,
  );

  // After the timed rounds, so that this replay does not warm them up.
  const units = await replayRequestUnits(lines);
  report.heading(`request units of the generated workload (${lines.length} events, ${INSTANCES} resolver instances), as DynamoDB on-demand bills them`);
  report.figure("read_units_per_event", units.read / lines.length, "request units", "read request units per event (a batch's shared reads are billed per item all the same)");
  report.figure(
    "write_units_per_event",
    units.write / lines.length,
    "request units",
    `write request units per event (transactions 2 per item; ${units.failed} requests failed and retried, their units not counted)`,
  );
}
