/**
 * The identity graph on this machine, through the same resolver handler and core as the Lambdas, against
 * the local engine (dynalite with transactions):
 *
 *   npm run identity -- replay <events.jsonl> [--concurrency N] [--store <dir>] [--env dev]
 *       one EventBridge envelope per line, as Genesys sends them, resolved by N resolver instances at once
 *       sharing one store (default 1); prints one line per event, in input order,
 *       {"eventId","conversationId","action","tier","profileId"}, then a summary {"profiles","events"}
 *   npm run identity -- erase --email <address> | --phone <number> --store <dir>
 *
 * --store keeps the graph (and its local hashing key) in <dir> between runs; without it the graph lives
 * in memory for one run, so erase needs it. A directory in use by another process is refused. The reason
 * printed for an invalid or failed event names its line in the file.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadEnvironments } from "../../config/load";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { IdentitySettings, identitySettingsSchema } from "../../functions/identity-graph/core/settings";
import { localGraphExists, startLocalIdentityStore } from "../local/identity-store";
import { ReplayLine, startLocalResolver } from "../local/identity-resolver";

const USAGE = "usage: identity replay <events.jsonl> [--concurrency N] [--store dir] | identity erase --email E | --phone P [--store dir]";
const HELP = `usage: npm run identity -- replay <events.jsonl> [--concurrency N] [--store <dir>] [--env <name>]
       npm run identity -- erase --email <address> | --phone <number> --store <dir> [--env <name>]

replay: one EventBridge envelope per line (blank lines skipped), resolved through the resolver Lambda's
  handler; one line per event, in input order, {"eventId","conversationId","action","tier","profileId"}
  (with "reason", naming the line, for an event that is invalid or failed), then {"profiles","events"}.
  --concurrency N: N resolver instances share one store and resolve batches of 10 (default 1: one event
  at a time, in input order). --store <dir>: keep the graph in <dir> between runs (default: in memory).
erase: erases the customer with that email or phone from the graph kept in --store <dir>, and suppresses
  their identifiers.
--env: the environment whose identity settings apply (default dev).`;

function settingsOf(environmentName: string): IdentitySettings {
  const environment = loadEnvironments().find((e) => e.name === environmentName);
  if (!environment) throw new Error(`no environment "${environmentName}" in config/environments`);
  const { defaultPhoneRegion, attributeKeys, probabilistic } = environment.identityGraph;
  return identitySettingsSchema.parse({ defaultPhoneRegion, attributeKeys, probabilistic });
}

async function replay(file: string, concurrency: number, dir: string | undefined, settings: IdentitySettings): Promise<void> {
  // Blank lines are skipped; every other line keeps its line number in the file for the reasons printed.
  const numbered = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((text, i) => ({ text, number: i + 1 }))
    .filter((line) => line.text.trim());
  const lines = numbered.map((line) => line.text);
  const withLineNumber = (index: number, line: ReplayLine): ReplayLine =>
    line.reason === undefined ? line : { ...line, reason: `line ${numbered[index]!.number}: ${line.reason}` };
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
        ready.set(index, withLineNumber(index, line));
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
  // Without --store a graph lives in memory for one run: an erase on its own would find nothing.
  if (dir === undefined) {
    throw new Error("erase needs --store <dir>: without it there is no graph to erase from (replay keeps its graph only with --store: npm run identity -- replay <events.jsonl> --store <dir>)");
  }
  if (!localGraphExists(dir)) {
    throw new Error(`there is no graph to erase from in ${dir}: replay events into it first (npm run identity -- replay <events.jsonl> --store ${dir})`);
  }
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
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
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
