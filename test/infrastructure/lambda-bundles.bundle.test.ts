import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import { bundleEntry } from "../../scripts/build/bundle-builder";
import { bundleFunction, bundleMetafiles, functionBundle, listFunctionNames } from "../../scripts/build/lambda-bundle";
import { generateSampleDocuments, SampleDocuments } from "../support/documents";
import { resourcesOf, shipped } from "../support/synth";

const ROOT = join(__dirname, "..", "..");

/** The modules a file of a bundle holds (esbuild metafile inputs of that output). */
function modulesOf(metafile: Metafile): string[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error("metafile without an entry output");
  return Object.keys(output.inputs);
}

const holding = (modules: readonly string[], pattern: RegExp) => modules.filter((m) => pattern.test(m));

/** Modules a bundle may load only on the code path that uses them: never in index.js, always in some chunk. */
const LAZY: Record<string, Record<string, RegExp>> = {
  "email-routing/classify-email": {
    "the Comprehend client": /node_modules\/@aws-sdk\/client-comprehend\//,
    "the AWS SDK core": /node_modules\/@smithy\/core\//,
    "the HTML parser": /node_modules\/(html-to-text|htmlparser2|entities)\//,
  },
  "attachment-routing/classify": { "the Comprehend client": /node_modules\/@aws-sdk\/client-comprehend\// },
  "attachment-routing/load": {
    "pdf.js": /node_modules\/pdfjs-dist\//,
    "pdf-lib": /node_modules\/pdf-lib\//,
    "pdf-parse": /node_modules\/pdf-parse\//,
  },
};

/**
 * Runs a script with plain Node in a copy of a bundle folder that has no node_modules above it, so
 * only what the bundle holds can load; prints what the script writes after "RESULT ".
 */
function runInCopy(dir: string, script: string, env: Record<string, string> = {}): unknown {
  const copy = mkdtempSync(join(tmpdir(), "bundle-run-"));
  try {
    cpSync(dir, copy, { recursive: true });
    writeFileSync(join(copy, "run.js"), script);
    const run = spawnSync(process.execPath, [join(copy, "run.js")], {
      cwd: copy,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true", ...env },
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`bundle script failed (${run.status}): ${run.stderr}`);
    const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`bundle script printed no result: ${run.stdout} ${run.stderr}`);
    return JSON.parse(line.slice("RESULT ".length));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * A function's environment as the dev stack sets it, with the references Terraform fills in at
 * apply time replaced by values of the same form.
 */
function synthesizedEnvironment(entry: string): Record<string, string> {
  for (const fn of resourcesOf(shipped("dev"), "aws_lambda_function")) {
    const variables = ((fn.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<string, string>;
    if (variables.POWERTOOLS_SERVICE_NAME !== entry) continue;
    const placeholder = (name: string) =>
      name.endsWith("_ARN") ? "arn:aws:service:us-east-1:111111111111:placeholder" : name.endsWith("_URL") ? "https://example.com/placeholder" : "placeholder";
    return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.replace(/\$\{[^}]*\}/g, placeholder(k))]));
  }
  throw new Error(`the dev stack has no function for ${entry}`);
}

/** Which chunk files of the bundle Node has loaded so far. */
const LOADED_CHUNKS = `const loadedChunks = () => Object.keys(require.cache).map((f) => require("path").basename(f)).filter((f) => f.startsWith("chunk-")).sort();`;

describe("Lambda bundles", () => {
  it("finds every function entry point", () => {
    expect(listFunctionNames()).toEqual(expect.arrayContaining(["email-routing/classify-email", "shared/comprehend-endpoint-manager", "identity-graph/resolver", "attachment-routing/start"]));
  });

  it("bundles each function with source maps, the SDK included, and every lazy chunk it refers to", () => {
    for (const name of listFunctionNames()) {
      const dir = bundleFunction(name);
      const scripts = readdirSync(dir).filter((f) => f.endsWith(".js"));
      expect(scripts).toContain("index.js");
      for (const script of scripts) {
        expect(existsSync(join(dir, `${script}.map`))).toBe(true);
        const code = readFileSync(join(dir, script), "utf8");
        const sdk = [...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]);
        // Only the SDK's optional CRT signer stays an (unused, guarded) external require.
        expect(sdk.filter((m) => m !== "@aws-sdk/signature-v4-crt")).toEqual([]);
        for (const [, chunk] of code.matchAll(/require\("\.\/(chunk-[^"]+\.js)"\)/g)) expect(scripts).toContain(chunk);
      }
    }
  });

  it("keeps what each function uses only on some paths out of its eager path (index.js), in lazy chunks", () => {
    for (const [name, lazy] of Object.entries(LAZY)) {
      const metafiles = bundleMetafiles(name);
      const eager = modulesOf(metafiles["index.js"]!);
      const chunks = Object.entries(metafiles)
        .filter(([file]) => file !== "index.js")
        .flatMap(([, m]) => modulesOf(m));
      for (const [what, pattern] of Object.entries(lazy)) {
        expect({ name, what, eager: holding(eager, pattern) }).toEqual({ name, what, eager: [] });
        expect({ name, what, inAChunk: holding(chunks, pattern).length > 0 }).toEqual({ name, what, inAChunk: true });
      }
    }
  });

  it("holds zod/mini, never zod classic, and installs only zod's English messages", () => {
    // zod classic keeps its methods on the schema classes: it cannot be tree-shaken, and loading it costs a cold start tens of ms.
    for (const name of listFunctionNames()) {
      const metafiles = bundleMetafiles(name);
      const modules = Object.values(metafiles).flatMap(modulesOf);
      expect({ name, zodClassic: holding(modules, /node_modules\/zod\/(v4\/classic|v3)\//) }).toEqual({ name, zodClassic: [] });
      expect({ name, locales: holding(modules, /node_modules\/zod\/v4\/locales\/(?!index\.js$)/) }).toEqual({ name, locales: ["node_modules/zod/v4/locales/en.js"] });
    }
  });

  it("gives each bundle a reproducible archive and an asset hash of its bytes", () => {
    const bundle = functionBundle("email-routing/classify-email");
    expect(bundle.archiveHash).toMatch(/^[0-9A-F]{32}$/);
    expect(readFileSync(bundle.archive).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(functionBundle("email-routing/classify-email")).toEqual(bundle);
  });

  it("ships the compact trained model with classify-email, and the bundle answers a Genesys Lambda data action", async () => {
    const dir = bundleFunction("email-routing/classify-email");
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { kind: string; version: number; labels: string[]; trainedOn: { sha256: string } };
    expect(model).toMatchObject({ kind: "softmax-tfidf", version: 2, labels: ["401K", "529", "GENERAL", "IRA"] });
    expect(model.trainedOn.sha256).toMatch(/^[0-9a-f]{64}$/);

    Object.assign(process.env, {
      CLASSIFIER_BACKEND: "embedded",
      CONFIDENCE_THRESHOLD: "0.75",
      TOPIC_QUEUES: JSON.stringify({ "401K": "401K", IRA: "IRA", "529": "529" }),
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(join(dir, "index.js")) as { handler: (event: unknown) => Promise<unknown> };
    await expect(handler({ EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" })).resolves.toEqual({
      QueueName: "IRA",
      Confidence: expect.any(Number),
    });
    const response = (await handler({ httpMethod: "POST", requestContext: {}, body: "{}" })) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: "invalid request", problems: ["EmailBody: is required"] });
  });

  it("classify-email loads the HTML parser on the first HTML email and never the Comprehend client on the embedded backend", () => {
    const result = runInCopy(
      bundleFunction("email-routing/classify-email"),
      `${LOADED_CHUNKS}
const { handler } = require("./index.js");
const atLoad = loadedChunks();
const cryptoLoaded = () => process.moduleLoadList.includes("NativeModule crypto");
const cryptoAtLoad = cryptoLoaded();
(async () => {
  const plain = await handler({ EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" });
  const afterPlain = loadedChunks();
  const cryptoAfterPlain = cryptoLoaded();
  const html = await handler({ EmailSubject: "", EmailBody: "<html><body><p>Can I convert my <b>traditional IRA</b> to a Roth?</p></body></html>" });
  const deep = await handler({ EmailSubject: "IRA", EmailBody: "<div>".repeat(4000) + "Roth IRA conversion" + "</div>".repeat(4000) });
  const wrongType = await handler({ httpMethod: "POST", requestContext: {}, body: '{"EmailBody": 3}' });
  process.stdout.write("RESULT " + JSON.stringify({ atLoad, cryptoAtLoad, cryptoAfterPlain, plain, afterPlain, html, deep, afterHtml: loadedChunks(), wrongType: JSON.parse(wrongType.body) }) + "\\n");
})().catch((e) => { console.error(e); process.exit(1); });`,
      { CLASSIFIER_BACKEND: "embedded", CONFIDENCE_THRESHOLD: "0.75", TOPIC_QUEUES: JSON.stringify({ IRA: "IRA" }) },
    ) as Record<string, unknown>;
    expect(result.atLoad).toEqual([]);
    // Powertools' Logger needs node:crypto only to sample debug logs (scripts/build/lazy-loading.ts LAZY_BUILTINS).
    expect({ cryptoAtLoad: result.cryptoAtLoad, cryptoAfterPlain: result.cryptoAfterPlain }).toEqual({ cryptoAtLoad: false, cryptoAfterPlain: false });
    expect(result.plain).toMatchObject({ QueueName: "IRA" });
    expect(result.afterPlain).toEqual([]);
    expect(result.html).toMatchObject({ QueueName: "IRA" });
    expect(result.deep).toEqual({ QueueName: expect.any(String), Confidence: expect.any(Number) });
    expect(result.afterHtml).toEqual([expect.stringMatching(/^chunk-html-to-text-[0-9a-f]{8}\.js$/)]);
    // zod's English messages, which zod/mini gives only with the locale the bundle installs (a fresh process: nothing else installed it).
    expect(result.wrongType).toEqual({ error: "invalid request", problems: ["EmailBody: Invalid input: expected string, received number"] });
  });

  it("classify-email samples debug logs when POWERTOOLS_LOGGER_SAMPLE_RATE asks, loading node:crypto for it as the logger starts", () => {
    const result = runInCopy(
      bundleFunction("email-routing/classify-email"),
      `const { handler } = require("./index.js");
const cryptoAtLoad = process.moduleLoadList.includes("NativeModule crypto");
(async () => {
  const answer = await handler({ EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" });
  process.stdout.write("RESULT " + JSON.stringify({ cryptoAtLoad, answer }) + "\\n");
})().catch((e) => { console.error(e); process.exit(1); });`,
      { CLASSIFIER_BACKEND: "embedded", CONFIDENCE_THRESHOLD: "0.75", TOPIC_QUEUES: JSON.stringify({ IRA: "IRA" }), POWERTOOLS_LOG_LEVEL: "ERROR", POWERTOOLS_LOGGER_SAMPLE_RATE: "1" },
    ) as { cryptoAtLoad: boolean; answer: unknown };
    expect(result).toEqual({ cryptoAtLoad: true, answer: expect.objectContaining({ QueueName: "IRA" }) });
  });

  it("classify-email on the Comprehend backend loads the client on the first email and falls back when Comprehend cannot be reached", () => {
    const result = runInCopy(
      bundleFunction("email-routing/classify-email"),
      `${LOADED_CHUNKS}
const { handler } = require("./index.js");
const atLoad = loadedChunks();
(async () => {
  const answer = await handler({ EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" });
  process.stdout.write("RESULT " + JSON.stringify({ atLoad, answer, after: loadedChunks() }) + "\\n");
})().catch((e) => { console.error(e); process.exit(1); });`,
      {
        CLASSIFIER_BACKEND: "comprehend",
        COMPREHEND_ENDPOINT_ARN: "arn:aws:comprehend:us-east-1:111111111111:document-classifier-endpoint/email",
        CONFIDENCE_THRESHOLD: "0.75",
        TOPIC_QUEUES: JSON.stringify({ IRA: "IRA" }),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "not-a-secret",
        // Nothing listens on the discard port: the call fails at once, and no request leaves the machine.
        AWS_ENDPOINT_URL_COMPREHEND: "http://127.0.0.1:9",
      },
    ) as Record<string, unknown>;
    expect(result.atLoad).toEqual([]);
    expect(result.answer).toEqual({ QueueName: "", Confidence: 0 });
    expect(result.after).toContainEqual(expect.stringMatching(/^chunk-comprehend-[0-9a-f]{8}\.js$/));
  });

  it("attachment-load does not load pdf.js as it starts", () => {
    const result = runInCopy(
      bundleFunction("attachment-routing/load"),
      `${LOADED_CHUNKS}
require("./index.js");
process.stdout.write("RESULT " + JSON.stringify({ atLoad: loadedChunks() }) + "\\n");`,
      { ...synthesizedEnvironment("attachment-routing/load"), AWS_REGION: "us-east-1" },
    ) as Record<string, unknown>;
    expect(result.atLoad).toEqual([]);
  });
});

describe("the document core in a bundle with lazy chunks", () => {
  let samples: SampleDocuments;
  let dir: string;
  let metafiles: Record<string, Metafile>;

  beforeAll(async () => {
    samples = await generateSampleDocuments();
    dir = mkdtempSync(join(tmpdir(), "documents-lazy-"));
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, `export { analyzeDocument } from ${JSON.stringify(join(ROOT, "functions", "attachment-routing", "core", "documents"))};`);
    mkdirSync(join(dir, "files"));
    metafiles = await bundleEntry(entry, join(dir, "files"), join(dir, "files"));
  });

  afterAll(() => {
    rmSync(samples.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads images without pdf.js, loads it (and finds its worker) on the first PDF", () => {
    expect(holding(modulesOf(metafiles["index.js"]!), /node_modules\/(pdfjs-dist|pdf-lib|pdf-parse)\//)).toEqual([]);
    const files = { png: samples.png, text: samples.textPdf, user: samples.userPasswordPdf, long: samples.oversizePdf };
    const out = runInCopy(
      join(dir, "files"),
      `${LOADED_CHUNKS}
const { analyzeDocument } = require("./index.js");
const { readFileSync } = require("node:fs");
const files = ${JSON.stringify(files)};
const summary = ({ classificationBytes, text, ...analysis }) => ({ ...analysis, text: text && text.slice(0, 200) });
(async () => {
  const png = summary(await analyzeDocument(readFileSync(files.png), files.png));
  const afterImage = loadedChunks();
  const text = summary(await analyzeDocument(readFileSync(files.text), files.text));
  const user = summary(await analyzeDocument(readFileSync(files.user), files.user));
  const long = summary(await analyzeDocument(readFileSync(files.long), files.long));
  process.stdout.write("RESULT " + JSON.stringify({ png, afterImage, text, user, long, afterPdf: loadedChunks() }) + "\\n");
})().catch((e) => { console.error(e); process.exit(1); });`,
    ) as Record<string, Record<string, unknown> | string[]>;
    expect(out.png).toMatchObject({ status: "readable", needsOcr: true });
    expect(out.afterImage).toEqual([]);
    expect(out.text).toMatchObject({ status: "readable", needsOcr: false, text: expect.stringContaining("Invoice No. INV-20931") });
    expect(out.user).toMatchObject({ status: "encrypted" });
    expect(out.long).toMatchObject({ status: "readable", pagesTotal: 8, pagesAnalyzed: 5, truncated: true });
    expect(out.afterPdf).toEqual([expect.stringMatching(/^chunk-pdf-[0-9a-f]{8}\.js$/), expect.stringMatching(/^chunk-pdf\.worker-[0-9a-f]{8}\.js$/)]);
  });
});
