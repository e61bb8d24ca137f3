/**
 * `npm start`: the project's main job on the embedded defaults, with no cloud account and no
 * credentials. It checks the corpora, synthesizes every environment to cdktf.out/stacks/<env>/,
 * checks the Genesys blocks against the vendored provider schema, and runs the local runners on
 * the sample inputs: emails and identity events in samples/, and generated attachment documents.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

function step(title: string, command: string, args: string[], input?: string): void {
  console.log(`\n== ${title}: ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: [input === undefined ? "inherit" : "pipe", "inherit", "inherit"],
    input,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) {
    console.error(`\n${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

step("corpora", "npx", ["tsx", "scripts/cli/corpus-check.ts"]);
// What `cdktf synth` runs (the app in cdktf.json), without the CLI: no terraform binary needed.
const [app, ...appArgs] = (JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app.split(" ");
step("synthesize every environment", app!, appArgs);
step("genesyscloud schema conformance", "npx", ["tsx", "scripts/checks/check-genesys-schema.ts", "cdktf.out"]);
step("email intent routing, local runner on samples/emails.jsonl", "npx", ["tsx", "scripts/cli/classify.ts"], readFileSync(join(ROOT, "samples", "emails.jsonl"), "utf8"));
const graph = mkdtempSync(join(tmpdir(), "identity-graph-"));
step("identity graph, local runner on samples/identity/conversations.jsonl", "npx", ["tsx", "scripts/cli/identity.ts", "replay", "samples/identity/conversations.jsonl", "--store", graph]);
step("identity graph, erase a customer", "npx", ["tsx", "scripts/cli/identity.ts", "erase", "--email", "jane.doe@example.com", "--store", graph]);
step("identity graph, the erased customer returns", "npx", ["tsx", "scripts/cli/identity.ts", "replay", "samples/identity/returning-customer.jsonl", "--store", graph]);
rmSync(graph, { recursive: true, force: true });

const documents = mkdtempSync(join(tmpdir(), "idp-samples-"));
step("attachment documents, generate samples", "npx", ["tsx", "scripts/fixtures/sample-documents.ts", documents]);
step("attachment documents, local runner (text layer, local OCR, embedded classifier)", "npx", [
  "tsx",
  "scripts/cli/idp.ts",
  ...readdirSync(documents)
    .sort()
    .map((f) => join(documents, f)),
]);
rmSync(documents, { recursive: true, force: true });
console.log("\nDone: cdktf.out/stacks/<env>/cdk.tf.json written for every environment in config/environments/.");
