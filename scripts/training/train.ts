import { join } from "node:path";
import { readCorpus } from "./corpus";
import { SoftmaxModel } from "../../functions/shared/classifier/model";
import { trainSoftmax } from "./softmax-training";

/** Build-time only: the corpora live in the repository's `corpus/` folder. */
export const CORPUS_DIR = join(__dirname, "..", "..", "corpus");

export function corpusPath(name: string): string {
  return join(CORPUS_DIR, `${name}.csv`);
}

/** Trains the embedded model for a corpus (e.g. `email-intents`), recording the corpus hash. */
export function trainCorpusModel(name: string): SoftmaxModel {
  const { rows, sha256 } = readCorpus(corpusPath(name));
  const model = trainSoftmax(rows);
  return { ...model, trainedOn: { documents: rows.length, sha256 } };
}
