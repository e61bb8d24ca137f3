import { MODEL_FILE } from "../shared/classifier/backend";
import { trainCorpusModel } from "../shared/text-classifier/train-corpus";

/** Build step: the embedded email-intent model, trained from the corpus and shipped beside the bundle. */
export function bundleArtifacts(): Record<string, string> {
  return { [MODEL_FILE]: JSON.stringify(trainCorpusModel("email-intents")) };
}
