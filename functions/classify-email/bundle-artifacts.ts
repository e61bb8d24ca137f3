import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { trainCorpusModel } from "../shared/text-classifier/train-corpus";

/** Build step: trains the embedded email-intent model from the corpus and ships it beside the bundle. */
export function writeArtifacts(outDir: string): void {
  // Kept in sync with MODEL_FILE in index.ts; index.ts is not imported here because it reads its environment on load.
  writeFileSync(join(outDir, "model.json"), JSON.stringify(trainCorpusModel("email-intents")));
}
