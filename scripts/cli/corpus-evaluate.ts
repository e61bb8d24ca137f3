/**
 * k-fold cross-validation of the embedded classifier on each corpus: accuracy, per-class
 * precision and recall, confusion matrix and the fallback rate at the configured threshold, with
 * a naive Bayes baseline on the same folds for comparison.
 *
 *   npm run corpus:evaluate [-- --corpus email-intents --folds 5 --threshold 0.75]
 */
import { readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadEnvironments } from "../../config/load";
import { readCorpus } from "../training/corpus";
import { crossValidate, formatEvaluation } from "../training/evaluate";
import { softmaxClassifier } from "../../functions/shared/classifier/model";
import { trainNaiveBayes, trainSoftmax } from "../training/softmax-training";
import { CORPUS_DIR, corpusPath } from "../build/corpus-models";

const { values } = parseArgs({
  options: { corpus: { type: "string", multiple: true }, folds: { type: "string", default: "5" }, threshold: { type: "string" } },
});
const folds = Number(values.folds);
const defaultThreshold = loadEnvironments()[0]?.emailRouting.classifier.confidenceThreshold ?? 0.75;
const threshold = values.threshold === undefined ? defaultThreshold : Number(values.threshold);
const corpora =
  values.corpus ??
  readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".csv"))
    .map((f) => f.replace(/\.csv$/, ""))
    .sort();

for (const name of corpora) {
  const { rows } = readCorpus(corpusPath(name));
  const started = performance.now();
  const evaluation = crossValidate(rows, (training) => softmaxClassifier(trainSoftmax(training)), { folds, threshold });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const baseline = crossValidate(rows, (training) => trainNaiveBayes(training), { folds, threshold });
  console.log(formatEvaluation(`${name} (softmax regression, TF-IDF unigrams+bigrams)`, evaluation));
  console.log(
    `\n  baseline, multinomial naive Bayes on the same folds: accuracy ${(baseline.accuracy * 100).toFixed(1)}%, ` +
      `fallback ${(baseline.fallbackRate * 100).toFixed(1)}%, accuracy of the rest ${(baseline.accuracyAboveThreshold * 100).toFixed(1)}%`,
  );
  console.log(`  (${folds} folds trained and scored in ${seconds} s)\n`);
}
