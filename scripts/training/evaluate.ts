import { LabeledText, TextClassifier } from "../../functions/shared/classifier/model";
import { seededRandom } from "./softmax-training";

export interface Evaluation {
  readonly folds: number;
  readonly documents: number;
  readonly accuracy: number;
  readonly labels: string[];
  /** confusion[actual][predicted] */
  readonly confusion: Record<string, Record<string, number>>;
  readonly perClass: Record<string, { precision: number; recall: number; support: number }>;
  /** Share of documents whose best score is under the threshold (they would go to the fallback queue). */
  readonly fallbackRate: number;
  /** Accuracy over the documents that clear the threshold. */
  readonly accuracyAboveThreshold: number;
  readonly threshold: number;
}

/** Stratified, seeded k-fold split: fold i holds every k-th document of each class after a shuffle. */
export function stratifiedFolds<T extends LabeledText>(documents: readonly T[], k: number, seed = 11): T[][] {
  const random = seededRandom(seed);
  const byLabel = new Map<string, T[]>();
  for (const d of documents) byLabel.set(d.label, [...(byLabel.get(d.label) ?? []), d]);
  const folds: T[][] = Array.from({ length: k }, () => []);
  for (const label of [...byLabel.keys()].sort()) {
    const items = [...byLabel.get(label)!];
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    items.forEach((item, i) => folds[i % k]!.push(item));
  }
  return folds;
}

/** k-fold cross-validation of a training function. */
export function crossValidate(
  documents: readonly LabeledText[],
  train: (training: LabeledText[]) => TextClassifier,
  { folds: k = 5, threshold = 0.75 } = {},
): Evaluation {
  const labels = [...new Set(documents.map((d) => d.label))].sort();
  const confusion: Record<string, Record<string, number>> = Object.fromEntries(
    labels.map((a) => [a, Object.fromEntries(labels.map((p) => [p, 0]))]),
  );
  const folds = stratifiedFolds(documents, k);
  let correct = 0;
  let belowThreshold = 0;
  let confidentCorrect = 0;
  folds.forEach((test, i) => {
    const classifier = train(folds.filter((_, j) => j !== i).flat());
    for (const d of test) {
      const [best] = classifier.classify(d.text);
      const predicted = best?.label ?? "";
      confusion[d.label]![predicted] = (confusion[d.label]![predicted] ?? 0) + 1;
      if (predicted === d.label) correct++;
      if ((best?.score ?? 0) < threshold) belowThreshold++;
      else if (predicted === d.label) confidentCorrect++;
    }
  });
  const perClass = Object.fromEntries(
    labels.map((label) => {
      const truePositives = confusion[label]![label]!;
      const predictedAs = labels.reduce((sum, actual) => sum + confusion[actual]![label]!, 0);
      const support = labels.reduce((sum, predicted) => sum + confusion[label]![predicted]!, 0);
      return [label, { precision: predictedAs ? truePositives / predictedAs : 0, recall: support ? truePositives / support : 0, support }];
    }),
  );
  const confident = documents.length - belowThreshold;
  return {
    folds: k,
    documents: documents.length,
    accuracy: correct / documents.length,
    labels,
    confusion,
    perClass,
    fallbackRate: belowThreshold / documents.length,
    accuracyAboveThreshold: confident ? confidentCorrect / confident : 0,
    threshold,
  };
}

export function formatEvaluation(name: string, e: Evaluation): string {
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const width = Math.max(9, ...e.labels.map((l) => l.length + 2));
  const pad = (s: string) => s.padStart(width);
  const lines = [
    `${name}: ${e.folds}-fold cross-validated accuracy ${pct(e.accuracy)} over ${e.documents} documents`,
    `  fallback rate at threshold ${e.threshold}: ${pct(e.fallbackRate)} (accuracy of the rest: ${pct(e.accuracyAboveThreshold)})`,
    "",
    `  ${"class".padEnd(width)}${pad("precision")}${pad("recall")}${pad("support")}`,
    ...e.labels.map((l) => {
      const c = e.perClass[l]!;
      return `  ${l.padEnd(width)}${pad(pct(c.precision))}${pad(pct(c.recall))}${pad(String(c.support))}`;
    }),
    "",
    `  confusion (rows: actual, columns: predicted)`,
    `  ${"".padEnd(width)}${e.labels.map(pad).join("")}`,
    ...e.labels.map((a) => `  ${a.padEnd(width)}${e.labels.map((p) => pad(String(e.confusion[a]![p]))).join("")}`),
  ];
  return lines.join("\n");
}
