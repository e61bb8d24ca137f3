/**
 * identity: the resolver against dynalite (embedded DynamoDB), next to dynalite's own sequential
 * PutItem rate measured in the same run.
 *   - round_trips_per_event:<path>: DynamoDB requests per event, counted by SDK middleware at the
 *     initialize step (once per request: a BatchGetItem or TransactWriteItems is one round trip,
 *     SDK retries are not counted)
 *   - events_per_second: a mixed stream (new, returning, redelivered, merging customers) through
 *     the resolver as its Lambda resolves a batch today
 * This section is the identity graph's; the rest of the bench does not depend on it.
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { TABLE_KEYS } from "../../functions/identity-graph/core/dynamodb-store";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { attributesEvent, customerStart } from "../fixtures/sample-identity-events";
import { LOCAL_TABLE, startLocalIdentityStore } from "../local/identity-store";
import { Reporter } from "./support";

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

export async function run(report: Reporter, count = 200): Promise<void> {
  const local = await startLocalIdentityStore();
  let requests = 0;
  local.client.middlewareStack.add(
    (next) => async (args) => {
      requests++;
      return next(args);
    },
    { step: "initialize", name: "benchRoundTripCounter" },
  );
  const resolve = (event: unknown) => resolveEvent(event, { store: local.store, hasher: local.hasher, settings: DEFAULT_IDENTITY_SETTINGS });
  try {
    report.heading(`identity resolver against dynalite, ${count} events per path, one at a time`);
    const putStarted = performance.now();
    for (let i = 0; i < count * 2; i++) {
      await local.client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: { [TABLE_KEYS.partition]: { S: `BENCH#${i}` }, [TABLE_KEYS.sort]: { S: "BENCH" }, n: { N: String(i) } } }));
    }
    const putsPerSecond = (count * 2) / ((performance.now() - putStarted) / 1000);
    report.figure("dynalite_puts_per_second", putsPerSecond, "per second", "dynalite, sequential PutItem");

    for (const path of PATHS) {
      if (path.prepare) for (let i = 0; i < count; i++) for (const event of path.prepare(i)) await resolve(event);
      const trips: number[] = [];
      const actions = new Set<string>();
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const before = requests;
        const resolution = await resolve(path.event(i));
        trips.push(requests - before);
        actions.add(`${resolution.action}/${resolution.tier ?? "-"}`);
      }
      const seconds = (performance.now() - started) / 1000;
      const mean = trips.reduce((a, b) => a + b, 0) / trips.length;
      report.figure(`round_trips_per_event:${path.name}`, mean, "count", `${path.label}: DynamoDB round trips per event (${[...new Set(trips)].sort().join(" or ")}; ${[...actions].join(", ")})`);
      report.figure(`events_per_second:${path.name}`, count / seconds, "per second", `${path.label}: events/s`);
    }

    // A mixed stream: every path's events interleaved, as a busy contact center produces them.
    const mixed: unknown[] = [];
    for (let i = 0; i < count; i++) for (const path of PATHS) mixed.push(...(path.prepare?.(count + i) ?? []), path.event(count + i));
    const started = performance.now();
    for (const event of mixed) await resolve(event);
    const eventsPerSecond = mixed.length / ((performance.now() - started) / 1000);
    report.figure("events_per_second", eventsPerSecond, "per second", `mixed stream of ${mixed.length} events, resolved one after another (as a batch is today)`);
    report.figure("events_per_second_to_dynalite_puts", eventsPerSecond / putsPerSecond, "x", "events/s / dynalite puts/s");
  } finally {
    await local.close();
  }
}
