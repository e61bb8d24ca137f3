import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { LabeledText } from "../../functions/shared/classifier/model";

/** Amazon Comprehend's limits for multi-class training data and real-time text. */
export const COMPREHEND_MIN_DOCUMENTS_PER_CLASS = 50;
export const COMPREHEND_MAX_TEXT_BYTES = 10 * 1024;

export interface CorpusRow extends LabeledText {
  readonly line: number;
}

export interface CorpusCheck {
  readonly rows: CorpusRow[];
  readonly problems: string[];
  readonly counts: Record<string, number>;
}

/**
 * Reads a `LABEL,text` CSV (no header, one document per line) and reports every problem with its
 * line: malformed rows, empty or duplicate texts, texts over the byte limit, and classes with
 * fewer documents than Comprehend needs to train.
 */
export function checkCorpus(
  csv: string,
  { minPerClass = COMPREHEND_MIN_DOCUMENTS_PER_CLASS, maxTextBytes = COMPREHEND_MAX_TEXT_BYTES } = {},
): CorpusCheck {
  const problems: string[] = [];
  const rows: CorpusRow[] = [];
  const seen = new Map<string, number>();
  csv.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let record: string[];
    try {
      const parsed = parse(raw, { relax_quotes: false }) as string[][];
      if (parsed.length !== 1) throw new Error("holds more than one record");
      record = parsed[0]!;
    } catch (error) {
      problems.push(`line ${line}: ${describeCsvError(error, "a document must be on one line")}`);
      return;
    }
    if (record.length !== 2) {
      problems.push(`line ${line}: expected 2 columns (LABEL,text), found ${record.length}`);
      return;
    }
    const [label, text] = record as [string, string];
    if (!/^[A-Za-z0-9_-]{1,60}$/.test(label)) problems.push(`line ${line}: label "${label}" must be 1-60 letters, digits, '_' or '-'`);
    if (text.trim() === "") problems.push(`line ${line}: text is empty`);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > maxTextBytes) problems.push(`line ${line}: text is ${bytes} bytes; the limit is ${maxTextBytes}`);
    const key = text.toLowerCase().replace(/\s+/g, " ").trim();
    const first = seen.get(key);
    if (first !== undefined) problems.push(`line ${line}: duplicate text (same as line ${first})`);
    else seen.set(key, line);
    rows.push({ label, text, line });
  });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.label] = (counts[row.label] ?? 0) + 1;
  for (const [label, count] of Object.entries(counts).sort()) {
    if (count < minPerClass) problems.push(`class ${label}: ${count} documents; Comprehend needs at least ${minPerClass} per class`);
  }
  if (Object.keys(counts).length < 2) problems.push(`corpus has ${Object.keys(counts).length} class(es); at least 2 are needed`);
  return { rows, problems, counts };
}

/**
 * What is wrong with a CSV record, without the parser's own position (it counts from the start of
 * what it was given, not the file's line): the caller names the line.
 */
export function describeCsvError(error: unknown, unclosedHint: string): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `malformed CSV (a quoted field is not closed; ${unclosedHint})`;
    case "INVALID_OPENING_QUOTE":
      return 'malformed CSV (a quote inside an unquoted field; quote the field and write a quote in it as "")';
    case "CSV_INVALID_CLOSING_QUOTE":
      return 'malformed CSV (text after a closing quote; write a quote inside a quoted field as "")';
    default:
      return `malformed CSV (${((error as Error).message ?? String(error)).split("\n")[0]!.replace(/\s*(?:at|on) line \d+/g, "")})`;
  }
}

/** The file's text, or an error whose message is one line naming the file and what is wrong (no stack needed). */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new Error(`${path}: cannot read the ${what} (${reason})`);
  }
}

/** Reads a corpus file and throws if it has any problem. */
export function readCorpus(path: string): { rows: CorpusRow[]; sha256: string } {
  const csv = readTextFile(path, "corpus");
  const { rows, problems } = checkCorpus(csv);
  if (problems.length) throw new Error(`${path} is not a valid corpus:\n  ${problems.join("\n  ")}`);
  return { rows, sha256: createHash("sha256").update(csv).digest("hex") };
}
