import { FeatureOptions, featureTerms } from "./tokenize";

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

/** Softmax regression over TF-IDF unigram+bigram features, in full precision: what training produces. */
export interface SoftmaxModelV1 {
  readonly kind: "softmax-tfidf";
  readonly version: 1;
  readonly labels: string[];
  readonly vocabulary: Record<string, number>;
  readonly idf: number[];
  /** weights[class][feature] */
  readonly weights: number[][];
  readonly bias: number[];
  readonly trainedOn: { documents: number; sha256?: string };
  /** How text becomes features (absent: word unigrams and bigrams). */
  readonly features?: FeatureOptions;
}

/**
 * The same model as shipped in a bundle: features in one newline-separated string, IDF as
 * little-endian uint16 in units of IDF_UNIT, and each class's weights as int8 in units of that
 * class's `weightUnits` entry, all base64. About a tenth of the JSON of version 1.
 */
export interface CompactSoftmaxModel {
  readonly kind: "softmax-tfidf";
  readonly version: 2;
  readonly labels: string[];
  readonly terms: string;
  readonly idf: string;
  readonly weights: string[];
  readonly weightUnits: number[];
  readonly bias: number[];
  readonly trainedOn: { documents: number; sha256?: string };
  readonly features?: FeatureOptions;
}

/** Either serialized form; `softmaxClassifier` reads both. */
export type SoftmaxModel = SoftmaxModelV1 | CompactSoftmaxModel;

/** IDF is at least 1 and at most ln(documents + 1) + 1; a uint16 of 1/4096 units holds up to 16 with 0.0002 error. */
export const IDF_UNIT = 1 / 4096;

export type SparseVector = Array<[index: number, value: number]>;

/** Feature lookup and parameters in the form inference uses, from either serialized form. */
interface Parameters {
  readonly index: ReadonlyMap<string, number>;
  readonly idf: ArrayLike<number>;
  readonly weights: ReadonlyArray<ArrayLike<number>>;
  readonly bias: readonly number[];
}

export function vectorize(terms: readonly string[], vocabulary: Record<string, number> | ReadonlyMap<string, number>, idf: ArrayLike<number>): SparseVector {
  const lookup = vocabulary instanceof Map ? (term: string) => vocabulary.get(term) : (term: string) => (Object.hasOwn(vocabulary, term) ? (vocabulary as Record<string, number>)[term] : undefined);
  const counts = new Map<number, number>();
  for (const term of terms) {
    const index = lookup(term);
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

export function logits(model: { readonly weights: ReadonlyArray<ArrayLike<number>>; readonly bias: readonly number[] }, vector: SparseVector): number[] {
  return model.weights.map((row, c) => vector.reduce((sum, [i, v]) => sum + (row[i] ?? 0) * v, model.bias[c] ?? 0));
}

const fromBase64 = (text: string) => Buffer.from(text, "base64");

function parametersOf(model: SoftmaxModel): Parameters {
  if (model.version === 1) {
    return { index: new Map(Object.entries(model.vocabulary)), idf: model.idf, weights: model.weights, bias: model.bias };
  }
  const terms = model.terms === "" ? [] : model.terms.split("\n");
  const idfBytes = fromBase64(model.idf);
  if (idfBytes.length !== terms.length * 2) throw new Error(`model has ${terms.length} terms but ${idfBytes.length / 2} IDF values`);
  const idf = new Float64Array(terms.length);
  for (let i = 0; i < terms.length; i++) idf[i] = idfBytes.readUInt16LE(i * 2) * IDF_UNIT;
  if (model.weights.length !== model.labels.length || model.weightUnits.length !== model.labels.length || model.bias.length !== model.labels.length) {
    throw new Error(`model has ${model.labels.length} labels but ${model.weights.length} weight rows, ${model.weightUnits.length} units and ${model.bias.length} biases`);
  }
  const weights = model.weights.map((row, c) => {
    const bytes = fromBase64(row);
    if (bytes.length !== terms.length) throw new Error(`model weight row ${c} has ${bytes.length} values for ${terms.length} terms`);
    const unit = model.weightUnits[c]!;
    const values = new Float64Array(terms.length);
    for (let i = 0; i < terms.length; i++) values[i] = bytes.readInt8(i) * unit;
    return values;
  });
  return { index: new Map(terms.map((term, i) => [term, i])), idf, weights, bias: model.bias };
}

/** A classifier over a trained (or deserialized) softmax model, in either serialized form. */
export function softmaxClassifier(model: SoftmaxModel): TextClassifier {
  const { kind, version } = model as { kind: unknown; version: unknown };
  if (kind !== "softmax-tfidf" || (version !== 1 && version !== 2)) throw new Error(`unsupported model kind ${String(kind)} v${String(version)}`);
  const parameters = parametersOf(model);
  const features = model.features ?? {};
  return {
    labels: model.labels,
    classify(text: string): ClassScore[] {
      const probabilities = softmax(logits(parameters, vectorize(featureTerms(text, features), parameters.index, parameters.idf)));
      return model.labels.map((label, c) => ({ label, score: probabilities[c] ?? 0 })).sort((a, b) => b.score - a.score);
    },
  };
}
