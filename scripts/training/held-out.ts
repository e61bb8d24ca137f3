import { parse } from "csv-parse/sync";
import { describeCsvError, COMPREHEND_MAX_TEXT_BYTES } from "./corpus";

/**
 * A held-out set of emails: written by someone who never saw the training corpus, never trained or
 * tuned on, only scored. `label,kind,subject,body` with a header; `label` is a corpus label (the email
 * belongs in that topic's queue) or any other label (it belongs in the fallback queue, e.g. OFFTOPIC);
 * `kind` groups the report (e.g. short, implied, offtopic).
 */
export const HELD_OUT_HEADER = ["label", "kind", "subject", "body"] as const;

export interface HeldOutEmail {
  readonly line: number;
  readonly label: string;
  readonly kind: string;
  readonly subject: string;
  readonly body: string;
}

export interface HeldOutCheck {
  /** The valid emails, without those also in the training corpus. */
  readonly emails: HeldOutEmail[];
  readonly problems: string[];
  /**
   * Lines of emails whose body or subject is also a text of the training corpus (written
   * independently, a short email can coincide with one): they are left out of `emails`, since the
   * model has seen them, and named so the report says so.
   */
  readonly inTraining: number[];
  /** label -> kind -> count */
  readonly counts: Record<string, Record<string, number>>;
}

const LABEL = /^[A-Za-z0-9_-]{1,60}$/;
const KIND = /^[a-z][a-z0-9-]{0,30}$/;
const normalized = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();

/**
 * Checks a held-out file, naming the file's line of each problem (a quoted body may span lines: the
 * line given is where its record starts). `trainingTexts` are the training corpus' texts: a held-out
 * email whose body or subject is one of them is left out (see HeldOutCheck.inTraining).
 */
export function checkHeldOut(csv: string, { trainingTexts = [] as readonly string[], maxTextBytes = COMPREHEND_MAX_TEXT_BYTES } = {}): HeldOutCheck {
  const problems: string[] = [];
  const emails: HeldOutEmail[] = [];
  const inTraining: number[] = [];
  const records: Array<{ record: string[]; line: number }> = [];
  let nextLine = 1;
  try {
    parse(csv, {
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (read, { lines }) => {
        // With `raw`, a record arrives with its source text (blank lines skipped before it included).
        const { record, raw } = read as unknown as { record: string[]; raw: string };
        const newlines = (raw.replace(/^(?:\r?\n)+/, "").replace(/\r?\n$/, "").match(/\n/g) ?? []).length;
        records.push({ record, line: lines - newlines });
        nextLine = lines + 1;
        return read;
      },
    });
  } catch (error) {
    // Records before the error were read; a bad record starts on the first line after the last good one.
    problems.push(`line ${nextLine}: ${describeCsvError(error, "it opens here and runs to the end of the file")}`);
  }
  const [header, ...rows] = records;
  if (!header) {
    if (!problems.length) problems.push(`line 1: expected the header ${HELD_OUT_HEADER.join(",")}, found an empty file`);
    return { emails, problems, inTraining, counts: {} };
  }
  if (header.record.join(",") !== HELD_OUT_HEADER.join(",")) {
    problems.push(`line ${header.line}: expected the header ${HELD_OUT_HEADER.join(",")}, found ${header.record.join(",")}`);
    return { emails, problems, inTraining, counts: {} };
  }
  const training = new Set(trainingTexts.map(normalized));
  const seen = new Map<string, number>();
  for (const { record, line } of rows) {
    if (record.length !== HELD_OUT_HEADER.length) {
      problems.push(`line ${line}: expected ${HELD_OUT_HEADER.length} columns (${HELD_OUT_HEADER.join(",")}), found ${record.length}`);
      continue;
    }
    const [label, kind, subject, body] = record as [string, string, string, string];
    const before = problems.length;
    if (!LABEL.test(label)) problems.push(`line ${line}: label "${label}" must be 1-60 letters, digits, '_' or '-'`);
    if (!KIND.test(kind)) problems.push(`line ${line}: kind "${kind}" must be a lower-case word (e.g. short, implied, offtopic)`);
    if (!subject.trim() && !body.trim()) problems.push(`line ${line}: subject and body are both empty`);
    const bytes = Buffer.byteLength(subject, "utf8") + Buffer.byteLength(body, "utf8");
    if (bytes > maxTextBytes) problems.push(`line ${line}: subject and body are ${bytes} bytes; the limit is ${maxTextBytes}`);
    const key = `${normalized(subject)}\n${normalized(body)}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`line ${line}: duplicate email (same as line ${first})`);
    else seen.set(key, line);
    if (problems.length !== before) continue;
    if ((body.trim() && training.has(normalized(body))) || (subject.trim() && training.has(normalized(subject)))) inTraining.push(line);
    else emails.push({ line, label, kind, subject, body });
  }
  const counts: Record<string, Record<string, number>> = {};
  for (const e of emails) (counts[e.label] ??= {})[e.kind] = (counts[e.label]![e.kind] ?? 0) + 1;
  return { emails, problems, inTraining, counts };
}

/** Where an email went: a topic queue, or "" for the fallback queue; with the model's best label. */
export interface RoutedEmail {
  readonly queue: string;
  readonly label?: string | undefined;
}

export interface KindReport {
  readonly kind: string;
  readonly emails: number;
  /** Emails that went where they belong: their topic's queue, or the fallback queue for the others. */
  readonly right: number;
  /** Emails whose best label is their label (topic emails) or a label without a queue (the others). */
  readonly topLabelRight: number;
  readonly toFallback: number;
  /** Topic emails that went to another topic's queue (the costly mistake). */
  readonly toWrongTopic: number;
}

/**
 * Scores held-out emails routed by `route` (the classify-email core with a deployed routing policy):
 * per kind, in order of first appearance, then "all".
 */
export async function evaluateHeldOut(
  emails: readonly HeldOutEmail[],
  topicQueues: Readonly<Record<string, string>>,
  route: (email: HeldOutEmail) => Promise<RoutedEmail>,
): Promise<KindReport[]> {
  const reports = new Map<string, { -readonly [K in keyof KindReport]: KindReport[K] }>();
  const all = { kind: "all", emails: 0, right: 0, topLabelRight: 0, toFallback: 0, toWrongTopic: 0 };
  for (const email of emails) {
    const report = reports.get(email.kind) ?? { kind: email.kind, emails: 0, right: 0, topLabelRight: 0, toFallback: 0, toWrongTopic: 0 };
    reports.set(email.kind, report);
    const { queue, label } = await route(email);
    const expected = Object.hasOwn(topicQueues, email.label) ? topicQueues[email.label]! : "";
    const topLabelRight = expected ? label === email.label : label === undefined || !Object.hasOwn(topicQueues, label);
    for (const r of [report, all]) {
      r.emails++;
      if (queue === expected) r.right++;
      if (topLabelRight) r.topLabelRight++;
      if (queue === "") r.toFallback++;
      else if (queue !== expected) r.toWrongTopic++;
    }
  }
  return [...reports.values(), all];
}

export function formatHeldOut(title: string, reports: readonly KindReport[]): string {
  const pct = (n: number, of: number) => (of ? `${((n / of) * 100).toFixed(1)}%` : "-");
  const columns = ["emails", "right queue", "top label right", "to fallback", "wrong topic"];
  const width = Math.max(10, ...reports.map((r) => r.kind.length + 2));
  return [
    title,
    `  ${"kind".padEnd(width)}${columns.map((c) => c.padStart(17)).join("")}`,
    ...reports.map(
      (r) =>
        `  ${r.kind.padEnd(width)}${[String(r.emails), pct(r.right, r.emails), pct(r.topLabelRight, r.emails), pct(r.toFallback, r.emails), pct(r.toWrongTopic, r.emails)]
          .map((c) => c.padStart(17))
          .join("")}`,
    ),
    "  right queue: the topic's queue for a topic email, the fallback queue for any other label (e.g. OFFTOPIC);",
    "  top label right: the model's best label before the threshold (a label without a queue counts as right for the others)",
  ].join("\n");
}

/** The folder, beside the corpora, of their held-out sets (same file name as the corpus). */
export const HELD_OUT_DIR = "held-out";
