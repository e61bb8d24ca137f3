import { MODEL_FILE } from "../../functions/shared/classifier/backend";
import { trainCorpusModel } from "../training/train";

/**
 * Files shipped beside a Lambda's bundle, by entry: the embedded classifiers' models, trained from
 * the corpus at build time.
 */
export const BUNDLE_ARTIFACTS: Readonly<Record<string, () => Record<string, string>>> = {
  "email-routing/classify-email": () => ({ [MODEL_FILE]: JSON.stringify(trainCorpusModel("email-intents")) }),
  "attachment-routing/classify": () => ({ [MODEL_FILE]: JSON.stringify(trainCorpusModel("document-types")) }),
};
