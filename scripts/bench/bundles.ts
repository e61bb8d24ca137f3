/**
 * bundles: each Lambda bundle's size and cold start, next to the reference measured the same way in
 * the same run: a bundle of the Comprehend client alone (same esbuild options).
 *   - eager size: index.js plus shipped artifacts (model.json), no source maps: what a cold start reads
 *   - total size: every file but source maps (lazy chunks included); zip: the deployed archive
 *   - cold require: CPU of `require` in a fresh Node process; cold start: require plus the first
 *     answer, for the functions a bench can invoke without AWS
 *   - cold require with source maps: the same with NODE_OPTIONS=--enable-source-maps, which the
 *     environment setting `observability.sourceMaps` adds (off by default)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleEntry } from "../build/bundle-builder";
import { ARTIFACT_SOURCES } from "../build/bundle-artifacts";
import { functionBundle, listFunctionNames } from "../build/lambda-bundle";
import { appCommand, coldRequire, cpuOfCommand, interleaved, kib, Reporter, ROOT } from "./support";

export const description = "bundle sizes and cold require/start against a bundle of the Comprehend client alone";

/**
 * The environment each bundle loads with: its variables in the synthesized dev stack, with the
 * references Terraform fills in at apply time replaced by values of the same form.
 */
function bundleEnvironments(): Record<string, Record<string, string>> {
  const outdir = mkdtempSync(join(tmpdir(), "bench-env-"));
  try {
    cpuOfCommand(appCommand(), { env: { CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir } });
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, { environment?: { variables?: Record<string, string> } }>>;
    };
    const placeholder = (name: string) =>
      name.endsWith("_ARN") ? "arn:aws:service:us-east-1:111111111111:placeholder" : name.endsWith("_URL") ? "https://example.com/placeholder" : "placeholder.example.com";
    const environments: Record<string, Record<string, string>> = {};
    for (const fn of Object.values(stack.resource.aws_lambda_function ?? {})) {
      const variables = fn.environment?.variables ?? {};
      const entry = variables.POWERTOOLS_SERVICE_NAME;
      if (entry) environments[entry] = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.replace(/\$\{[^}]*\}/g, placeholder(k))]));
    }
    return environments;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const sizeOf = (dir: string, files: readonly string[]) => files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

/** The reference: the Comprehend client alone, bundled with the options every Lambda bundle uses. */
async function comprehendClientBundle(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), "bench-comprehend-"));
  mkdirSync(join(dir, "files"));
  await bundleEntry(join(ROOT, "scripts", "bench", "floors", "comprehend-client.ts"), join(dir, "files"), join(dir, "files"));
  return { dir, file: join(dir, "files", "index.js") };
}

/** A first call each function can answer without AWS: the email classifier on its embedded backend, plain text and HTML. */
const FIRST_CALLS: Record<string, Record<string, { call: string; env: Record<string, string> }>> = {
  "email-routing/classify-email": {
    plain: { call: 'm.handler({ EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" })', env: { CLASSIFIER_BACKEND: "embedded" } },
    html: { call: 'm.handler({ EmailSubject: "", EmailBody: "<html><body><p>Can I convert my <b>traditional IRA</b>?</p></body></html>" })', env: { CLASSIFIER_BACKEND: "embedded" } },
  },
};

export async function run(report: Reporter, runs = 11): Promise<void> {
  const environments = bundleEnvironments();
  const reference = await comprehendClientBundle();
  try {
    report.heading(`Lambda bundles (CommonJS, minified, node22, lazy chunks); cold require CPU, median of ${runs}, interleaved with the reference`);
    report.figure("comprehend_client_bundle_kib", kib(statSync(reference.file).size), "KiB", "reference: Comprehend client alone, size");
    const results: Record<string, number> = {};
    for (const name of listFunctionNames()) {
      const bundle = functionBundle(name);
      const files = readdirSync(bundle.dir).filter((f) => !f.endsWith(".map"));
      const eager = ["index.js", ...(ARTIFACT_SOURCES[name] ?? []).map((a) => a.file)].filter((f) => existsSync(join(bundle.dir, f)));
      const env = { ...environments[name], POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" };
      const index = join(bundle.dir, "index.js");
      const measures: Record<string, () => number> = {
        require: () => coldRequire(index, env).cpuMs,
        reference: () => coldRequire(reference.file, env).cpuMs,
        sourceMaps: () => coldRequire(index, { ...env, NODE_OPTIONS: "--enable-source-maps" }).cpuMs,
      };
      for (const [kind, first] of Object.entries(FIRST_CALLS[name] ?? {})) measures[`start:${kind}`] = () => coldRequire(index, { ...env, ...first.env }, first.call).cpuMs;
      const cpu = interleaved(runs, measures);
      report.figure(`bundle_eager_kib:${name}`, kib(sizeOf(bundle.dir, eager)), "KiB", `${name}: eager size (${eager.join(" + ")})`);
      report.figure(`bundle_total_kib:${name}`, kib(sizeOf(bundle.dir, files)), "KiB", `${name}: all files but maps (${files.length})`);
      report.figure(`bundle_zip_kib:${name}`, kib(statSync(bundle.archive).size), "KiB", `${name}: deployed zip (maps included)`);
      report.figure(`cold_require_cpu_ms:${name}`, cpu.require!, "ms", `${name}: cold require`);
      report.figure(`cold_require_to_comprehend_client:${name}`, cpu.require! / cpu.reference!, "x", `${name}: cold require / reference's`);
      report.figure(`cold_require_cpu_ms_with_source_maps:${name}`, cpu.sourceMaps!, "ms", `${name}: cold require with observability.sourceMaps`);
      for (const kind of Object.keys(FIRST_CALLS[name] ?? {})) {
        report.figure(`cold_start_cpu_ms:${name}:${kind}`, cpu[`start:${kind}`]!, "ms", `${name}: cold require + first answer (${kind} email)`);
      }
      results[name] = cpu.reference!;
    }
    const referenceMedian = Object.values(results).sort((a, b) => a - b)[Math.floor(Object.keys(results).length / 2)]!;
    report.figure("comprehend_client_cold_require_cpu_ms", referenceMedian, "ms", "reference: Comprehend client alone, cold require");
    report.note("the reference is loaded with each function's environment, as the function is");
  } finally {
    rmSync(reference.dir, { recursive: true, force: true });
  }
}
