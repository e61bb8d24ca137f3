import { featureTerms } from "./tokenize";

export interface LabeledText {
  readonly label: string;
  readonly text: string;
}

export interface ClassScore {
  readonly label: string;
  readonly score: number;
}

/** Anything that scores a text against a fixed set of labels; scores sum to 1, best first. */
export interface TextClassifier {
  readonly labels: readonly string[];
  classify(text: string): ClassScore[];
}

/** Serialized softmax-regression model over TF-IDF unigram+bigram features. */
export interface SoftmaxModel {
  readonly kind: "softmax-tfidf";
  readonly version: 1;
  readonly labels: string[];
  readonly vocabulary: Record<string, number>;
  readonly idf: number[];
  /** weights[class][feature] */
  readonly weights: number[][];
  readonly bias: number[];
  readonly trainedOn: { documents: number; sha256?: string };
}

export type SparseVector = Array<[index: number, value: number]>;

export function vectorize(terms: readonly string[], vocabulary: Record<string, number>, idf: readonly number[]): SparseVector {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const index = vocabulary[term];
    if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  const vector: SparseVector = [];
  let norm = 0;
  for (const [index, count] of counts) {
    const value = (1 + Math.log(count)) * (idf[index] ?? 0);
    vector.push([index, value]);
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (const entry of vector) entry[1] /= norm;
  return vector;
}

export function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function logits(model: Pick<SoftmaxModel, "weights" | "bias">, vector: SparseVector): number[] {
  return model.weights.map((row, c) => vector.reduce((sum, [i, v]) => sum + (row[i] ?? 0) * v, model.bias[c] ?? 0));
}

/** A classifier over a trained (or deserialized) softmax model. */
export function softmaxClassifier(model: SoftmaxModel): TextClassifier {
  if (model.kind !== "softmax-tfidf" || model.version !== 1) throw new Error(`unsupported model kind ${model.kind} v${model.version}`);
  return {
    labels: model.labels,
    classify(text: string): ClassScore[] {
      const probabilities = softmax(logits(model, vectorize(featureTerms(text), model.vocabulary, model.idf)));
      return model.labels.map((label, c) => ({ label, score: probabilities[c] ?? 0 })).sort((a, b) => b.score - a.score);
    },
  };
}
