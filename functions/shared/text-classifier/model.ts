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

export interface TrainOptions {
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  readonly minDocumentFrequency?: number;
  readonly seed?: number;
}

type SparseVector = Array<[index: number, value: number]>;

/** Deterministic PRNG (mulberry32) so training gives the same model for the same corpus. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vectorize(terms: readonly string[], vocabulary: Record<string, number>, idf: readonly number[]): SparseVector {
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

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function logits(model: Pick<SoftmaxModel, "weights" | "bias">, vector: SparseVector): number[] {
  return model.weights.map((row, c) => vector.reduce((sum, [i, v]) => sum + (row[i] ?? 0) * v, model.bias[c] ?? 0));
}

/** Trains a multinomial logistic regression with SGD in a fixed, seeded order. */
export function trainSoftmax(documents: readonly LabeledText[], options: TrainOptions = {}): SoftmaxModel {
  const { epochs = 60, learningRate = 3, l2 = 1e-5, minDocumentFrequency = 1, seed = 7 } = options;
  if (documents.length === 0) throw new Error("cannot train on an empty corpus");
  const labels = [...new Set(documents.map((d) => d.label))].sort();
  const termsPerDoc = documents.map((d) => featureTerms(d.text));

  const documentFrequency = new Map<string, number>();
  for (const terms of termsPerDoc) for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const vocabulary: Record<string, number> = {};
  const idf: number[] = [];
  for (const [term, df] of [...documentFrequency].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (df < minDocumentFrequency) continue;
    vocabulary[term] = idf.length;
    idf.push(Math.log((1 + documents.length) / (1 + df)) + 1);
  }

  const vectors = termsPerDoc.map((terms) => vectorize(terms, vocabulary, idf));
  const targets = documents.map((d) => labels.indexOf(d.label));
  const weights = labels.map(() => new Array<number>(idf.length).fill(0));
  const bias = labels.map(() => 0);
  const random = seededRandom(seed);
  const order = documents.map((_, i) => i);

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rate = learningRate / (1 + epoch * 0.1);
    for (const d of order) {
      const vector = vectors[d]!;
      const probabilities = softmax(logits({ weights, bias }, vector));
      probabilities.forEach((p, c) => {
        const gradient = p - (c === targets[d] ? 1 : 0);
        const row = weights[c]!;
        for (const [index, value] of vector) row[index] = row[index]! * (1 - rate * l2) - rate * gradient * value;
        bias[c] = bias[c]! - rate * gradient * 0.1;
      });
    }
  }

  const round = (n: number) => Math.round(n * 1e5) / 1e5;
  return {
    kind: "softmax-tfidf",
    version: 1,
    labels,
    vocabulary,
    idf: idf.map(round),
    weights: weights.map((row) => row.map(round)),
    bias: bias.map(round),
    trainedOn: { documents: documents.length },
  };
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

/** Multinomial naive Bayes with Laplace smoothing: the baseline `corpus:evaluate` compares against. */
export function trainNaiveBayes(documents: readonly LabeledText[]): TextClassifier {
  const labels = [...new Set(documents.map((d) => d.label))].sort();
  const termCounts = labels.map(() => new Map<string, number>());
  const totals = labels.map(() => 0);
  const docCounts = labels.map(() => 0);
  const vocabulary = new Set<string>();
  for (const d of documents) {
    const c = labels.indexOf(d.label);
    docCounts[c]!++;
    for (const term of featureTerms(d.text)) {
      vocabulary.add(term);
      termCounts[c]!.set(term, (termCounts[c]!.get(term) ?? 0) + 1);
      totals[c]!++;
    }
  }
  return {
    labels,
    classify(text: string): ClassScore[] {
      const terms = featureTerms(text);
      const logProbabilities = labels.map((_, c) => {
        let lp = Math.log(docCounts[c]! / documents.length);
        for (const term of terms) lp += Math.log(((termCounts[c]!.get(term) ?? 0) + 1) / (totals[c]! + vocabulary.size));
        return lp;
      });
      const probabilities = softmax(logProbabilities);
      return labels.map((label, c) => ({ label, score: probabilities[c] ?? 0 })).sort((a, b) => b.score - a.score);
    },
  };
}
