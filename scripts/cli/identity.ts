/**
 * The identity graph on this machine, through the same resolver as the Lambda, against an embedded
 * DynamoDB (dynalite):
 *
 *   npm run identity -- replay <events.jsonl> [--store <dir>] [--env dev]
 *       one EventBridge envelope per line, as Genesys sends them; prints one line per event
 *       {"eventId","conversationId","action","tier","profileId"} and a summary {"profiles","events"}
 *   npm run identity -- erase --email <address> | --phone <number> [--store <dir>]
 *
 * --store keeps the graph (and its local hashing key) in <dir> between runs; without it the graph
 * lives in memory for one run.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { loadEnvironments } from "../../config/load";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { InvalidEventError } from "../../functions/shared/genesys/event-envelope";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { IdentitySettings, identitySettingsSchema } from "../../functions/identity-graph/core/settings";
import { startLocalIdentityStore } from "../local/identity-store";

function settingsOf(environmentName: string): IdentitySettings {
  const environment = loadEnvironments().find((e) => e.name === environmentName);
  if (!environment) throw new Error(`no environment "${environmentName}" in config/environments`);
  const { defaultPhoneRegion, attributeKeys, probabilistic } = environment.identityGraph;
  return identitySettingsSchema.parse({ defaultPhoneRegion, attributeKeys, probabilistic });
}

async function replay(file: string, dir: string | undefined, settings: IdentitySettings): Promise<void> {
  const local = await startLocalIdentityStore(dir);
  let events = 0;
  try {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      events++;
      let candidate: unknown;
      try {
        candidate = JSON.parse(line);
        const r = await resolveEvent(candidate, { store: local.store, hasher: local.hasher, settings });
        console.log(JSON.stringify({ eventId: r.eventId, conversationId: r.conversationId ?? null, action: r.action, tier: r.tier ?? null, profileId: r.profileId ?? null }));
      } catch (error) {
        if (!(error instanceof SyntaxError || error instanceof InvalidEventError)) throw error;
        const id = (candidate as { id?: unknown } | undefined)?.id;
        console.log(JSON.stringify({ eventId: typeof id === "string" ? id : null, conversationId: null, action: "invalid", tier: null, profileId: null, reason: error.message }));
      }
    }
    console.log(JSON.stringify({ profiles: await local.store.countProfiles(), events }));
  } finally {
    await local.close();
  }
}

async function erase(values: { email?: string; phone?: string }, dir: string | undefined, settings: IdentitySettings): Promise<void> {
  if ((values.email === undefined) === (values.phone === undefined)) throw new Error("erase needs exactly one of --email or --phone");
  const local = await startLocalIdentityStore(dir);
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
    options: { store: { type: "string" }, env: { type: "string", default: "dev" }, email: { type: "string" }, phone: { type: "string" } },
  });
  const [command, file] = positionals;
  const settings = settingsOf(values.env);
  if (command === "replay" && file) return replay(file, values.store, settings);
  if (command === "erase") return erase(values, values.store, settings);
  throw new Error("usage: identity replay <events.jsonl> [--store dir] | identity erase --email E | --phone P [--store dir]");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
