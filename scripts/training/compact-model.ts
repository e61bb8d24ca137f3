import { CompactSoftmaxModel, IDF_UNIT, SoftmaxModelV1 } from "../../functions/shared/classifier/model";

/**
 * The shipped encoding of a trained model (see CompactSoftmaxModel): int8 weights with one unit per
 * class (the largest magnitude maps to 127), uint16 IDF. Scores move by well under 0.001.
 */
export function compactModel(model: SoftmaxModelV1): CompactSoftmaxModel {
  const terms = Object.entries(model.vocabulary)
    .sort(([, a], [, b]) => a - b)
    .map(([term]) => term);
  for (const term of terms) if (term.includes("\n")) throw new Error(`cannot encode the term ${JSON.stringify(term)}: terms are newline-separated`);
  const idf = Buffer.alloc(terms.length * 2);
  terms.forEach((_, i) => {
    const units = Math.round(model.idf[i]! / IDF_UNIT);
    if (units > 0xffff) throw new Error(`IDF ${model.idf[i]} is over the encodable maximum ${0xffff * IDF_UNIT}`);
    idf.writeUInt16LE(units, i * 2);
  });
  const weightUnits = model.weights.map((row) => {
    const largest = row.reduce((max, w) => Math.max(max, Math.abs(w)), 0);
    return largest === 0 ? 1 : largest / 127;
  });
  const weights = model.weights.map((row, c) => {
    const bytes = Buffer.alloc(terms.length);
    terms.forEach((_, i) => bytes.writeInt8(Math.max(-127, Math.min(127, Math.round(row[i]! / weightUnits[c]!))), i));
    return bytes.toString("base64");
  });
  return {
    kind: "softmax-tfidf",
    version: 2,
    labels: model.labels,
    terms: terms.join("\n"),
    idf: idf.toString("base64"),
    weights,
    weightUnits,
    bias: model.bias,
    trainedOn: model.trainedOn,
    ...(model.features ? { features: model.features } : {}),
  };
}
