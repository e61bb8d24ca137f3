import { SoftmaxModel, softmaxClassifier } from "./model";
import type { ClassifierBackend } from "./backend";

/** The model trained at build time from the corpus and shipped in the bundle: no network, no standing cost. */
export function embeddedBackend(model: SoftmaxModel): ClassifierBackend {
  const classifier = softmaxClassifier(model);
  return { name: "embedded", classify: async (text) => classifier.classify(text) };
}
