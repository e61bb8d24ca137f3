/**
 * The identity graph on this machine, through the same resolver handler and core as the Lambdas, against
 * the local engine (dynalite with transactions):
 *
 *   npm run identity -- replay <events.jsonl> [--concurrency N] [--store <dir>] [--env dev]
 *       one EventBridge envelope per line, as Genesys sends them, resolved by N resolver instances at once
 *       sharing one store (default 1); prints one line per event, in input order,
 *       {"eventId","conversationId","action","tier","profileId"}, then a summary {"profiles","events"}
 *   npm run identity -- erase --email <address> | --phone <number> [--store <dir>]
 *
 * --store keeps the graph (and its local hashing key) in <dir> between runs; without it the graph lives
 * in memory for one run. A directory in use by another process is refused.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadEnvironments } from "../../config/load";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { IdentitySettings, identitySettingsSchema } from "../../functions/identity-graph/core/settings";
import { startLocalIdentityStore } from "../local/identity-store";
import { ReplayLine, startLocalResolver } from "../local/identity-resolver";

const USAGE = "usage: identity replay <events.jsonl> [--concurrency N] [--store dir] | identity erase --email E | --phone P [--store dir]";

function settingsOf(environmentName: string): IdentitySettings {
  const environment = loadEnvironments().find((e) => e.name === environmentName);
  if (!environment) throw new Error(`no environment "${environmentName}" in config/environments`);
  const { defaultPhoneRegion, attributeKeys, probabilistic } = environment.identityGraph;
  return identitySettingsSchema.parse({ defaultPhoneRegion, attributeKeys, probabilistic });
}

async function replay(file: string, concurrency: number, dir: string | undefined, settings: IdentitySettings): Promise<void> {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim());
  const resolver = await startLocalResolver({ dir, settings });
  try {
    // Printed in input order as soon as every earlier line is known.
    const ready = new Map<number, ReplayLine>();
    let printed = 0;
    await resolver.replay(lines, {
      concurrency,
      // One instance resolves one event at a time, in input order, so outcomes that depend on arrival order
      // across conversations (device-and-IP matches) are reproducible; several run batches of 10, as Lambda does.
      batchSize: concurrency === 1 ? 1 : 10,
      onResult: (index, line) => {
        ready.set(index, line);
        while (ready.has(printed)) {
          console.log(JSON.stringify(ready.get(printed)));
          ready.delete(printed++);
        }
      },
    });
    console.log(JSON.stringify({ profiles: await resolver.local.countProfiles(), events: lines.length }));
  } finally {
    await resolver.close();
  }
}

async function erase(values: { email?: string; phone?: string }, dir: string | undefined, settings: IdentitySettings): Promise<void> {
  if ((values.email === undefined) === (values.phone === undefined)) throw new Error("erase needs exactly one of --email or --phone");
  const local = await startLocalIdentityStore({ dir });
  try {
    const request = values.email !== undefined ? { email: values.email } : { phone: values.phone! };
    console.log(JSON.stringify(await eraseIdentity(request, { store: local.store, hasher: local.hasher, settings })));
  } finally {
    await local.close();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      store: { type: "string" },
      env: { type: "string", default: "dev" },
      email: { type: "string" },
      phone: { type: "string" },
      concurrency: { type: "string", default: "1" },
    },
  });
  const [command, file] = positionals;
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new Error(`--concurrency must be a whole number from 1 to 64, got "${values.concurrency}"`);
  const settings = settingsOf(values.env);
  if (command === "replay" && file) return replay(file, concurrency, values.store, settings);
  if (command === "erase") return erase(values, values.store, settings);
  throw new Error(USAGE);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
