import { trainCorpusModel } from "../shared/text-classifier/train-corpus";

/** Build step: the embedded document-types model, trained from the corpus and shipped beside the bundle. */
export function bundleArtifacts(): Record<string, string> {
  // The file name is MODEL_FILE in index.ts, which is not imported here: it reads its environment on load.
  return { "model.json": JSON.stringify(trainCorpusModel("document-types")) };
}
