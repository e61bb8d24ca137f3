import { readFileSync } from "node:fs";
import { MODEL_FILE } from "../../functions/shared/classifier/backend";
import { cachedModelKey, corpusModelFile } from "./corpus-models";

/** A file shipped beside a Lambda's bundle: the embedded classifier's model, trained at build time from a corpus. */
export interface ArtifactSource {
  readonly file: string;
  readonly corpus: string;
}

/** Files shipped beside a Lambda's bundle, by entry. */
export const ARTIFACT_SOURCES: Readonly<Record<string, readonly ArtifactSource[]>> = {
  "email-routing/classify-email": [{ file: MODEL_FILE, corpus: "email-intents" }],
  "attachment-routing/classify": [{ file: MODEL_FILE, corpus: "document-types" }],
};

/** The artifacts' contents by entry and file name (trained, or read from the build cache). */
export const BUNDLE_ARTIFACTS: Readonly<Record<string, () => Record<string, string>>> = Object.fromEntries(
  Object.entries(ARTIFACT_SOURCES).map(([name, sources]) => [
    name,
    () => Object.fromEntries(sources.map((s) => [s.file, readFileSync(corpusModelFile(s.corpus), "utf8")])),
  ]),
);

/**
 * The cache keys of an entry's artifacts as they stand, for the entry's own key; undefined when one
 * must be trained again.
 */
export function artifactKeys(name: string): string[] | undefined {
  const keys: string[] = [];
  for (const source of ARTIFACT_SOURCES[name] ?? []) {
    const key = cachedModelKey(source.corpus);
    if (key === undefined) return undefined;
    keys.push(`${source.file}:${key}`);
  }
  return keys;
}
