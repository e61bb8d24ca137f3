/**
 * Checks training corpora (`LABEL,text`, no header) for what Comprehend rejects or what would skew
 * a model: malformed rows, duplicate texts, texts over the byte limit, classes under the minimum.
 * Held-out sets (`corpus/held-out/<corpus>.csv`, `label,kind,subject,body` with a header) are checked
 * for their format and for emails that are also in their corpus (they would not be held out).
 *
 *   npm run corpus:check [-- corpus/email-intents.csv corpus/held-out/email-intents.csv ...]
 *   (default: every corpus/*.csv and corpus/held-out/*.csv)
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { checkCorpus, readTextFile } from "../training/corpus";
import { checkHeldOut, HELD_OUT_DIR } from "../training/held-out";
import { CORPUS_DIR } from "../build/corpus-models";

const csvFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".csv"))
        .sort()
        .map((f) => join(dir, f))
    : [];
const files = process.argv.slice(2).length ? process.argv.slice(2) : [...csvFiles(CORPUS_DIR), ...csvFiles(join(CORPUS_DIR, HELD_OUT_DIR))];

/** A held-out set lives in a `held-out` folder beside its corpus, under the corpus' file name. */
const isHeldOut = (file: string) => basename(dirname(file)) === HELD_OUT_DIR;

function check(file: string): { problems: string[]; summary: string } {
  const text = readTextFile(file, isHeldOut(file) ? "held-out set" : "corpus");
  if (!isHeldOut(file)) {
    const { rows, problems, counts } = checkCorpus(text);
    const classes = Object.entries(counts)
      .sort()
      .map(([label, n]) => `${label} ${n}`)
      .join(", ");
    return { problems, summary: `${rows.length} documents (${classes})` };
  }
  const corpusFile = join(dirname(dirname(file)), basename(file));
  const trainingTexts = existsSync(corpusFile) ? checkCorpus(readTextFile(corpusFile, "corpus")).rows.map((r) => r.text) : [];
  const { emails, problems, counts, inTraining } = checkHeldOut(text, { trainingTexts });
  const groups = Object.entries(counts)
    .sort()
    .map(([label, kinds]) => `${label}: ${Object.entries(kinds).map(([kind, n]) => `${kind} ${n}`).join(", ")}`)
    .join("; ");
  const corpusName = relative(process.cwd(), corpusFile);
  const against = !existsSync(corpusFile)
    ? `; no corpus ${corpusName} to compare with`
    : inTraining.length
      ? `; left out as also in ${corpusName}: line ${inTraining.join(", ")}`
      : `; none also in ${corpusName}`;
  return { problems, summary: `${emails.length} held-out emails (${groups})${against}` };
}

let failed = false;
for (const file of files) {
  const name = relative(process.cwd(), file);
  try {
    const { problems, summary } = check(file);
    if (problems.length) {
      failed = true;
      console.error(`${name}: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
    } else {
      console.log(`${name}: ok, ${summary}`);
    }
  } catch (error) {
    failed = true;
    console.error((error as Error).message);
  }
}
process.exit(failed ? 1 : 0);
