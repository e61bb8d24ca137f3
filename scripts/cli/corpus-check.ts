/**
 * Checks training corpora (`LABEL,text`, no header) for what Comprehend rejects or what would skew
 * a model: malformed rows, duplicate texts, texts over the byte limit, classes under the minimum.
 *
 *   npm run corpus:check [-- corpus/email-intents.csv ...]   (default: every corpus/*.csv)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkCorpus } from "../training/corpus";
import { CORPUS_DIR } from "../build/corpus-models";

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(CORPUS_DIR)
      .filter((f) => f.endsWith(".csv"))
      .sort()
      .map((f) => join(CORPUS_DIR, f));

let failed = false;
for (const file of files) {
  const { rows, problems, counts } = checkCorpus(readFileSync(file, "utf8"));
  const name = relative(process.cwd(), file);
  const classes = Object.entries(counts)
    .sort()
    .map(([label, n]) => `${label} ${n}`)
    .join(", ");
  if (problems.length) {
    failed = true;
    console.error(`${name}: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
  } else {
    console.log(`${name}: ok, ${rows.length} documents (${classes})`);
  }
}
process.exit(failed ? 1 : 0);
