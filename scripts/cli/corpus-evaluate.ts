/**
 * How well the embedded classifiers do, at the confidence threshold each capability deploys with:
 *   - stratified k-fold cross-validation by document on each corpus: accuracy, per-class precision
 *     and recall, confusion matrix and fallback rate, with a naive Bayes baseline on the same folds;
 *   - for a corpus with a held-out set (`corpus/held-out/<corpus>.csv`, never trained or tuned on):
 *     the shipped model through the classify-email core with each environment's routing policy,
 *     per kind of email (right queue, top label, fallback, wrong topic).
 *
 *   npm run corpus:evaluate [-- --corpus email-intents --folds 5 --threshold 0.75 --no-held-out]
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { loadEnvironments } from "../../config/load";
import type { Environment } from "../../config/environment";
import { checkCorpus, readCorpus, readTextFile } from "../training/corpus";
import { crossValidate, formatEvaluation } from "../training/evaluate";
import { checkHeldOut, evaluateHeldOut, formatHeldOut, HELD_OUT_DIR } from "../training/held-out";
import { softmaxClassifier } from "../../functions/shared/classifier/model";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { classifyEmail } from "../../functions/email-routing/core/classify";
import { trainNaiveBayes, trainSoftmax } from "../training/softmax-training";
import { CORPUS_DIR, corpusPath, corpusTrainingOptions, trainCorpusModel } from "../build/corpus-models";

/** The capability each corpus trains, as its threshold and (for emails) routing policy in an environment. */
const DEPLOYED: Record<string, (e: Environment) => { threshold: number; topicQueues?: Readonly<Record<string, string>> } | undefined> = {
  "email-intents": (e) => (e.emailRouting.enabled ? { threshold: e.emailRouting.classifier.confidenceThreshold, topicQueues: e.emailRouting.topicQueues } : undefined),
  "document-types": (e) => (e.attachmentRouting.enabled ? { threshold: e.attachmentRouting.classifier.confidenceThreshold } : undefined),
};

const { values } = parseArgs({
  options: {
    corpus: { type: "string", multiple: true },
    folds: { type: "string", default: "5" },
    threshold: { type: "string" },
    "no-held-out": { type: "boolean", default: false },
  },
});
const folds = Number(values.folds);
const environments = loadEnvironments();
const corpora =
  values.corpus ??
  readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".csv"))
    .map((f) => f.replace(/\.csv$/, ""))
    .sort();

/** Each distinct deployed setting of a corpus' capability, with the environments that use it. */
function deployedSettings(name: string): Array<{ threshold: number; topicQueues?: Readonly<Record<string, string>>; environments: string[] }> {
  const override = values.threshold === undefined ? undefined : Number(values.threshold);
  const settings = new Map<string, { threshold: number; topicQueues?: Readonly<Record<string, string>>; environments: string[] }>();
  for (const environment of environments) {
    const deployed = DEPLOYED[name]?.(environment);
    if (!deployed) continue;
    const setting = { ...deployed, threshold: override ?? deployed.threshold };
    const key = JSON.stringify(setting);
    settings.set(key, { ...setting, environments: [...(settings.get(key)?.environments ?? []), environment.name] });
  }
  if (!settings.size) settings.set("", { threshold: override ?? 0.75, environments: ["(no environment deploys it: --threshold or 0.75)"] });
  return [...settings.values()];
}

async function main(): Promise<void> {
  for (const name of corpora) {
    const { rows } = readCorpus(corpusPath(name));
    const options = corpusTrainingOptions(name);
    for (const setting of deployedSettings(name)) {
      const { threshold } = setting;
      const started = performance.now();
      const evaluation = crossValidate(rows, (training) => softmaxClassifier(trainSoftmax(training, options)), { folds, threshold });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const baseline = crossValidate(rows, (training) => trainNaiveBayes(training, options.features), { folds, threshold });
      console.log(formatEvaluation(`${name} (softmax regression; ${describeFeatures(options.features)}; threshold of ${setting.environments.join(", ")})`, evaluation));
      console.log(
        `\n  baseline, multinomial naive Bayes on the same folds: accuracy ${(baseline.accuracy * 100).toFixed(1)}%, ` +
          `fallback ${(baseline.fallbackRate * 100).toFixed(1)}%, accuracy of the rest ${(baseline.accuracyAboveThreshold * 100).toFixed(1)}%`,
      );
      console.log(`  (${folds} folds trained and scored in ${seconds} s)\n`);
    }

    const heldOutFile = join(CORPUS_DIR, HELD_OUT_DIR, `${name}.csv`);
    if (values["no-held-out"] || !existsSync(heldOutFile)) continue;
    const check = checkHeldOut(readTextFile(heldOutFile, "held-out set"), { trainingTexts: checkCorpus(readTextFile(corpusPath(name), "corpus")).rows.map((r) => r.text) });
    if (check.problems.length) throw new Error(`${relative(process.cwd(), heldOutFile)} is not a valid held-out set:\n  ${check.problems.join("\n  ")}`);
    const backend = embeddedBackend(trainCorpusModel(name));
    for (const setting of deployedSettings(name)) {
      if (!setting.topicQueues) continue;
      const policy = { confidenceThreshold: setting.threshold, topicQueues: setting.topicQueues };
      const reports = await evaluateHeldOut(check.emails, policy.topicQueues, async (email) => {
        const { output, label } = await classifyEmail({ EmailSubject: email.subject, EmailBody: email.body }, backend, policy);
        return { queue: output.QueueName, label };
      });
      const leftOut = check.inTraining.length ? `; left out as also in the corpus: line ${check.inTraining.join(", ")}` : "";
      console.log(
        formatHeldOut(
          `${name} held out (${relative(process.cwd(), heldOutFile)}, ${check.emails.length} emails${leftOut}): the shipped model through the classify-email core, threshold ${setting.threshold} of ${setting.environments.join(", ")}`,
          reports,
        ),
      );
      console.log("");
    }
  }
}

function describeFeatures(features: { charNgrams?: readonly [number, number] | undefined; subjectWeight?: number | undefined } | undefined): string {
  const parts = ["TF-IDF word unigrams+bigrams"];
  if (features?.charNgrams) parts.push(`character ${features.charNgrams[0]}-${features.charNgrams[1]}-grams`);
  if (features?.subjectWeight && features.subjectWeight !== 1) parts.push(`subject weight ${features.subjectWeight}`);
  return parts.join(", ");
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
