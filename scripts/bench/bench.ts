/**
 * `npm run bench`: the project's speed and size figures, printed, never asserted.
 *   - synth time of every environment (fresh process, as `cdktf synth` runs it)
 *   - each Lambda bundle's size and cold `require` time
 *   - embedded email classification latency (p50/p99) and throughput through the Lambda core
 *   - cross-validated accuracy of the embedded classifiers
 *   - identity resolver throughput and DynamoDB requests per event, per path, against dynalite
 *   - attachment documents: local processing time per kind of file
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleFunction, listFunctionNames } from "../build/lambda-bundle";
import { classifyEmail } from "../../functions/email-routing/core/classify";
import { readCorpus } from "../training/corpus";
import { crossValidate } from "../training/evaluate";
import { softmaxClassifier } from "../../functions/shared/classifier/model";
import { trainSoftmax } from "../training/softmax-training";
import { corpusPath, trainCorpusModel } from "../training/train";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { attributesEvent, customerStart } from "../fixtures/sample-identity-events";
import { processFile } from "../cli/idp";
import { localEmailClassifier } from "../local/classifier";
import { localOcr } from "../local/ocr";
import { generateSampleDocuments } from "../fixtures/sample-documents";
import { startLocalIdentityStore } from "../local/identity-store";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const row = (name: string, value: string) => console.log(`  ${name.padEnd(48)} ${value}`);

/**
 * The environment each bundle loads with: its variables in the synthesized dev stack, with the
 * references Terraform fills in at apply time replaced by values of the same form.
 */
function bundleEnvironments(): Record<string, Record<string, string>> {
  const stackFile = join(ROOT, "cdktf.out", "stacks", "dev", "cdk.tf.json");
  if (!existsSync(stackFile)) spawnSync(process.execPath, [TSX, "main.ts"], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  const stack = JSON.parse(readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, { environment?: { variables?: Record<string, string> } }>> };
  const placeholder = (name: string, value: string) =>
    value.replace(/\$\{[^}]*\}/g, name.endsWith("_ARN") ? "arn:aws:service:us-east-1:111111111111:placeholder" : name.endsWith("_URL") ? "https://example.com/placeholder" : "placeholder.example.com");
  const environments: Record<string, Record<string, string>> = {};
  for (const fn of Object.values(stack.resource.aws_lambda_function ?? {})) {
    const variables = fn.environment?.variables ?? {};
    const entry = variables.POWERTOOLS_SERVICE_NAME;
    if (entry) environments[entry] = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, placeholder(k, v)]));
  }
  return environments;
}

function synthFigures(runs = 3): void {
  console.log("\nsynth (all environments, fresh process each run)");
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [TSX, "main.ts"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
    times.push(performance.now() - started);
  }
  const stacks = readdirSync(join(ROOT, "cdktf.out", "stacks"));
  row(`synth ${stacks.join(" + ")} (median of ${runs})`, `${Math.round(median(times))} ms (min ${Math.round(Math.min(...times))} ms)`);
}

function bundleFigures(runs = 7): void {
  console.log("\nLambda bundles (minified CommonJS, node22, SDK bundled)");
  const environments = bundleEnvironments();
  for (const name of listFunctionNames()) {
    const dir = bundleFunction(name);
    const files = readdirSync(dir).filter((f) => !f.endsWith(".map"));
    const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0);
    const probe = `const t=performance.now();require(${JSON.stringify(join(dir, "index.js"))});process.stdout.write(String(performance.now()-t))`;
    const loads: number[] = [];
    for (let i = 0; i < runs; i++) {
      const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", env: { ...process.env, ...environments[name] } });
      if (result.status !== 0) throw new Error(`${name} failed to load: ${result.stderr.split("\n").find((l) => /Error/.test(l)) ?? result.stderr.slice(0, 300)}`);
      loads.push(Number(result.stdout));
    }
    row(`${name}: size (${files.join(" + ")})`, `${kib(total)} (${kib(gzipped)} gzipped)`);
    row(`${name}: cold require (median of ${runs})`, `${median(loads).toFixed(1)} ms`);
  }
}

async function classificationFigures(): Promise<void> {
  console.log("\nembedded email classification (classify-email core, dev routing policy)");
  const { backend, policy } = localEmailClassifier("dev");
  const { rows } = readCorpus(corpusPath("email-intents"));
  const inputs = rows.map((r) => ({ EmailSubject: "", EmailBody: r.text }));
  for (const input of inputs.slice(0, 50)) await classifyEmail(input, backend, policy);
  const latencies: number[] = [];
  const started = performance.now();
  for (let round = 0; round < 5; round++) {
    for (const input of inputs) {
      const t = performance.now();
      await classifyEmail(input, backend, policy);
      latencies.push(performance.now() - t);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  row(`latency over ${latencies.length} emails`, `p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms`);
  row("throughput (one core)", `${Math.round(latencies.length / seconds)} emails/s`);
  const memory = process.memoryUsage();
  row("bench process memory", `rss ${(memory.rss / 1048576).toFixed(0)} MiB, heap ${(memory.heapUsed / 1048576).toFixed(0)} MiB`);
}

function accuracyFigures(): void {
  console.log("\nembedded classifier accuracy (5-fold cross-validation, threshold 0.75)");
  for (const name of ["email-intents", "document-types"]) {
    const { rows } = readCorpus(corpusPath(name));
    const e = crossValidate(rows, (training) => softmaxClassifier(trainSoftmax(training)), { folds: 5, threshold: 0.75 });
    row(name, `accuracy ${(e.accuracy * 100).toFixed(1)}%, fallback ${(e.fallbackRate * 100).toFixed(1)}%, accuracy above threshold ${(e.accuracyAboveThreshold * 100).toFixed(1)}%`);
  }
}

async function identityFigures(count = 200): Promise<void> {
  console.log(`\nidentity resolver against dynalite (embedded DynamoDB), ${count} events per path`);
  const local = await startLocalIdentityStore();
  const settings = DEFAULT_IDENTITY_SETTINGS;
  const resolve = (event: unknown) => resolveEvent(event, { store: local.store, hasher: local.hasher, settings });
  const email = (i: number) => `customer${i}@example.com`;
  const phone = (i: number) => `+1202555${String(1000 + i).slice(-4)}`;
  const paths: Array<[string, (i: number) => unknown, ((i: number) => Promise<unknown>)?]> = [
    ["new customer (created)", (i) => customerStart(`new-${i}`, `conv-new-${i}`, "p", { mediaType: "EMAIL", addressFrom: email(i) })],
    ["known customer, new conversation (matched)", (i) => customerStart(`again-${i}`, `conv-again-${i}`, "p", { mediaType: "EMAIL", addressFrom: email(i) })],
    ["known customer, same conversation (matched)", (i) => attributesEvent(`attr-${i}`, `conv-again-${i}`, "p", { email: email(i) })],
    ["redelivered event (duplicate)", (i) => attributesEvent(`attr-${i}`, `conv-again-${i}`, "p", { email: email(i) })],
    [
      "two known profiles in one event (merged)",
      (i) => attributesEvent(`both-${i}`, `conv-both-${i}`, "p", { email: email(i), phone: phone(i) }),
      (i) => resolve(customerStart(`call-${i}`, `conv-call-${i}`, "p", { mediaType: "VOICE", ani: phone(i) })),
    ],
    ["device + IP of a known visitor (probabilistic)", (i) => attributesEvent(`fp2-${i}`, `conv-fp2-${i}`, "p", { deviceFingerprint: `fp-${i}`, ipAddress: `198.51.100.${i % 250}` }),
      (i) => resolve(attributesEvent(`fp1-${i}`, `conv-fp1-${i}`, "p", { deviceFingerprint: `fp-${i}`, ipAddress: `198.51.100.${i % 250}` }))],
  ];
  try {
    for (const [name, event, prepare] of paths) {
      if (prepare) for (let i = 0; i < count; i++) await prepare(i);
      const roundTrips: number[] = [];
      const actions = new Set<string>();
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const resolution = await resolve(event(i));
        roundTrips.push(resolution.roundTrips);
        actions.add(`${resolution.action}/${resolution.tier ?? "-"}`);
      }
      const seconds = (performance.now() - started) / 1000;
      const trips = [...new Set(roundTrips)].sort().join(" or ");
      row(name, `${Math.round(count / seconds)} events/s, ${trips} DynamoDB requests/event (${[...actions].join(", ")})`);
    }
  } finally {
    await local.close();
  }
}

async function documentFigures(runs = 3): Promise<void> {
  console.log(`\nattachment documents, local pipeline per file (median of ${runs}; OCR by local Tesseract, in AWS Textract)`);
  process.stderr.write = () => true; // the runner explains unclassified files on stderr
  const samples = await generateSampleDocuments();
  const classifier = softmaxClassifier(trainCorpusModel("document-types"));
  const ocr = localOcr();
  try {
    for (const [kind, file] of Object.entries(samples)) {
      if (kind === "dir") continue;
      const times: number[] = [];
      let result: Awaited<ReturnType<typeof processFile>> | undefined;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        result = await processFile(file, {}, classifier, ocr);
        times.push(performance.now() - started);
      }
      const outcome = result!.status === "classified" ? `${result!.documentType} ${result!.confidence}` : result!.status;
      row(`${kind} (${statSync(file).size} bytes)`, `${median(times).toFixed(1)} ms -> ${outcome}`);
    }
  } finally {
    await ocr.close();
    rmSync(samples.dir, { recursive: true, force: true });
  }
}

const SECTIONS: Record<string, () => unknown> = {
  synth: synthFigures,
  bundles: bundleFigures,
  classify: classificationFigures,
  accuracy: accuracyFigures,
  identity: identityFigures,
  documents: documentFigures,
};

/** `npm run bench` runs every section; `npm run bench -- identity bundles` only those. */
async function main(): Promise<void> {
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((s) => !(s in SECTIONS));
  if (unknown.length) throw new Error(`unknown bench section(s) ${unknown.join(", ")}; choose from ${Object.keys(SECTIONS).join(", ")}`);
  console.log(`bench on node ${process.version}, ${process.platform}/${process.arch}`);
  for (const [name, run] of Object.entries(SECTIONS)) if (chosen.length === 0 || chosen.includes(name)) await run();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
