/**
 * classifier: the embedded classifiers as shipped (pruned features, compact encoding).
 *   - latency and throughput of the email classifier core (text extraction included)
 *   - 5-fold cross-validated accuracy of the shipped pipeline (train, prune, encode) next to the
 *     model without pruning or encoding, on the same folds
 *   - model sizes
 *   - the slowest answers to hostile emails (deep nesting, platform-maximum sizes, inputs that make
 *     backtracking parsers slow), through the classifier core
 */
import { classifyEmail } from "../../functions/email-routing/core/classify";
import { softmaxClassifier } from "../../functions/shared/classifier/model";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { localEmailClassifier } from "../local/classifier";
import { compactModel } from "../training/compact-model";
import { readCorpus } from "../training/corpus";
import { crossValidate } from "../training/evaluate";
import { trainSoftmax } from "../training/softmax-training";
import { corpusPath, corpusTrainingOptions, trainCorpusModel } from "../build/corpus-models";
import { kib, median, percentile, Reporter } from "./support";

export const description = "embedded classifier latency, cross-validated accuracy (shipped vs unpruned), model size, hostile inputs";

const fill = (unit: string, bytes: number) => unit.repeat(Math.floor(bytes / unit.length));

/** Bodies that break naive parsers; sizes up to Lambda's 6 MB synchronous payload. */
const HOSTILE: Record<string, string> = {
  "4000-nested-div": "<div>".repeat(4000) + "Roth IRA" + "</div>".repeat(4000),
  "200000-nested-div": "<div>".repeat(200_000) + "Roth IRA",
  "nested-tables-1mb": fill("<table><tr><td><ul><li>", 1024 * 1024),
  "unclosed-tags-3mb": fill("<p ", 3 * 1024 * 1024),
  "entities-2mb": "<p>" + fill("&amp;&#x41;&nbsp;", 2 * 1024 * 1024),
  "dutch-quote-headers-512kb": fill("Op x schreef y\n", 512 * 1024),
  "plain-6mb": fill("I want to roll over my 401k ", 6 * 1024 * 1024 - 1024),
  "html-6mb": "<html><head><style>" + fill(".c{}", 512 * 1024) + "</style></head><body>" + fill("<p>529 plan</p>", 5 * 1024 * 1024) + "</body></html>",
};

export async function run(report: Reporter): Promise<void> {
  report.heading("embedded email classification (classify-email core, dev routing policy, shipped model)");
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
  report.figure("latency_p50_ms", percentile(latencies, 50), "ms", `latency p50 over ${latencies.length} emails`);
  report.figure("latency_p99_ms", percentile(latencies, 99), "ms", "latency p99");
  report.figure("emails_per_second", latencies.length / seconds, "per second", "throughput, one core");

  report.heading("accuracy, 5-fold cross-validation at threshold 0.75: as shipped (pruned, compact) and unpruned, same folds");
  for (const name of ["email-intents", "document-types"]) {
    const corpus = readCorpus(corpusPath(name)).rows;
    const options = corpusTrainingOptions(name);
    const shipped = crossValidate(corpus, (training) => softmaxClassifier(compactModel(trainSoftmax(training, options))), { folds: 5, threshold: 0.75 });
    const unpruned = crossValidate(corpus, (training) => softmaxClassifier(trainSoftmax(training, { ...options, keepWeightShare: 1 })), { folds: 5, threshold: 0.75 });
    report.figure(`cv_accuracy_percent:${name}:shipped`, shipped.accuracy * 100, "percent", `${name}: accuracy as shipped`);
    report.figure(`cv_accuracy_percent:${name}:unpruned`, unpruned.accuracy * 100, "percent", `${name}: accuracy unpruned`);
    report.figure(`cv_fallback_percent:${name}:shipped`, shipped.fallbackRate * 100, "percent", `${name}: fallback rate as shipped`);
    report.figure(`cv_fallback_percent:${name}:unpruned`, unpruned.fallbackRate * 100, "percent", `${name}: fallback rate unpruned`);
    const model = trainCorpusModel(name);
    report.figure(`model_kib:${name}`, kib(Buffer.byteLength(JSON.stringify(model))), "KiB", `${name}: shipped model.json`);
    report.figure(`model_features:${name}`, model.terms.split("\n").length, "count", `${name}: features kept`);
  }

  report.heading("hostile emails through the classifier core (median of 3)");
  const model = embeddedBackend(trainCorpusModel("email-intents"));
  let slowest = 0;
  for (const [name, body] of Object.entries(HOSTILE)) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await classifyEmail({ EmailSubject: "Question", EmailBody: body }, model, policy);
      times.push(performance.now() - t);
    }
    slowest = Math.max(slowest, median(times));
    report.figure(`hostile_ms:${name}`, median(times), "ms", `${name} (${(body.length / 1024).toFixed(0)} KiB)`);
  }
  report.figure("hostile_max_ms", slowest, "ms", "slowest hostile email");
}
