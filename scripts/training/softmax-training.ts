import { FeatureOptions, featureTerms } from "../../functions/shared/classifier/tokenize";
import { ClassScore, LabeledText, logits, softmax, SoftmaxModelV1, TextClassifier, vectorize } from "../../functions/shared/classifier/model";

/** Training of the embedded text classifier: build time and evaluation only, never shipped in a Lambda. */

export interface TrainOptions {
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  readonly minDocumentFrequency?: number;
  readonly seed?: number;
  /**
   * Feature selection: after a first fit, only the features carrying this share of the total weight
   * spread are kept (spread of a feature: its largest minus its smallest weight over the classes,
   * which is all softmax sees of it), and the model is fitted again on those. 1 keeps every feature.
   */
  readonly keepWeightShare?: number;
  /** The features extracted from text (recorded in the model, so the runtime extracts the same). */
  readonly features?: FeatureOptions;
}

/**
 * The default keeps half the weight spread: about a third of the email features and a fifth of the
 * document features, with cross-validated accuracy unchanged on both corpora (see the bench's
 * classifier section and `npm run corpus:evaluate`).
 */
export const DEFAULT_KEEP_WEIGHT_SHARE = 0.5;

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

/**
 * Trains a multinomial logistic regression with SGD in a fixed, seeded order, then keeps only the
 * features that carry weight (TrainOptions.keepWeightShare) and fits again on those.
 */
export function trainSoftmax(documents: readonly LabeledText[], options: TrainOptions = {}): SoftmaxModelV1 {
  if (documents.length === 0) throw new Error("cannot train on an empty corpus");
  const share = options.keepWeightShare ?? DEFAULT_KEEP_WEIGHT_SHARE;
  if (!(share > 0 && share <= 1)) throw new Error(`keepWeightShare must be in (0, 1], got ${share}`);
  const { charNgrams, subjectWeight } = options.features ?? {};
  if (subjectWeight !== undefined && !(Number.isInteger(subjectWeight) && subjectWeight >= 1 && subjectWeight <= 10)) {
    throw new Error(`features.subjectWeight must be an integer from 1 to 10, got ${subjectWeight}`);
  }
  if (charNgrams !== undefined && !(Number.isInteger(charNgrams[0]) && Number.isInteger(charNgrams[1]) && charNgrams[0] >= 2 && charNgrams[0] <= charNgrams[1] && charNgrams[1] <= 8)) {
    throw new Error(`features.charNgrams must be [min, max] with 2 <= min <= max <= 8, got ${JSON.stringify(charNgrams)}`);
  }
  const full = fitSoftmax(documents, options);
  if (share === 1) return full;
  return fitSoftmax(documents, options, featuresCarryingWeight(full, share));
}

/** The fewest features, by descending weight spread (ties by term), whose spreads add up to `share` of the total. */
function featuresCarryingWeight(model: SoftmaxModelV1, share: number): Set<string> {
  const spreads = Object.entries(model.vocabulary).map(([term, i]) => {
    const column = model.weights.map((row) => row[i]!);
    return { term, spread: Math.max(...column) - Math.min(...column) };
  });
  spreads.sort((a, b) => b.spread - a.spread || (a.term < b.term ? -1 : 1));
  const target = share * spreads.reduce((sum, s) => sum + s.spread, 0);
  const kept = new Set<string>();
  let sum = 0;
  for (const { term, spread } of spreads) {
    if (sum >= target && kept.size > 0) break;
    kept.add(term);
    sum += spread;
  }
  return kept;
}

function fitSoftmax(documents: readonly LabeledText[], options: TrainOptions, keepTerms?: ReadonlySet<string>): SoftmaxModelV1 {
  const { epochs = 60, learningRate = 3, l2 = 1e-5, minDocumentFrequency = 1, seed = 7, features } = options;
  const labels = [...new Set(documents.map((d) => d.label))].sort();
  const termsPerDoc = documents.map((d) => {
    const terms = featureTerms(d.text, features);
    return keepTerms ? terms.filter((t) => keepTerms.has(t)) : terms;
  });

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
    ...(features ? { features } : {}),
  };
}

/** Multinomial naive Bayes with Laplace smoothing: the baseline `corpus:evaluate` compares against. */
export function trainNaiveBayes(documents: readonly LabeledText[], features?: FeatureOptions): TextClassifier {
  const labels = [...new Set(documents.map((d) => d.label))].sort();
  const termCounts = labels.map(() => new Map<string, number>());
  const totals = labels.map(() => 0);
  const docCounts = labels.map(() => 0);
  const vocabulary = new Set<string>();
  for (const d of documents) {
    const c = labels.indexOf(d.label);
    docCounts[c]!++;
    for (const term of featureTerms(d.text, features)) {
      vocabulary.add(term);
      termCounts[c]!.set(term, (termCounts[c]!.get(term) ?? 0) + 1);
      totals[c]!++;
    }
  }
  return {
    labels,
    classify(text: string): ClassScore[] {
      const terms = featureTerms(text, features);
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
