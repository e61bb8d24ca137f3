import { readFileSync } from "node:fs";
import {
  checkCorpus,
  COMPREHEND_MAX_TEXT_BYTES,
  COMPREHEND_MIN_DOCUMENTS_PER_CLASS,
  readCorpus,
  readTextFile,
} from "../../../scripts/training/corpus";
import { corpusPath } from "../../../scripts/build/corpus-models";

/** Small limits so each test only shows the problem it is about. */
const LIMITS = { minPerClass: 2, maxTextBytes: 100 };

/** Joins CSV lines; line numbers in problems are 1-based indexes into this array. */
const csv = (...lines: string[]) => lines.join("\n");

const VALID = ["IRA,Roth conversion question", "IRA,Contribution limit", "529,College tuition", '529,"Change the beneficiary, please"'];

describe("checkCorpus", () => {
  it("accepts a well-formed corpus, returning its rows with their lines and the per-class counts", () => {
    // Act
    const result = checkCorpus(csv(...VALID), LIMITS);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.counts).toEqual({ IRA: 2, "529": 2 });
    expect(result.rows).toEqual([
      { label: "IRA", text: "Roth conversion question", line: 1 },
      { label: "IRA", text: "Contribution limit", line: 2 },
      { label: "529", text: "College tuition", line: 3 },
      { label: "529", text: "Change the beneficiary, please", line: 4 },
    ]);
  });

  it("skips blank lines and CRLF endings but keeps the file's line numbers", () => {
    // Act
    const result = checkCorpus(["IRA,One", "", "IRA,Two", "529,Three", "529,Four", ""].join("\r\n"), LIMITS);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => r.line)).toEqual([1, 3, 4, 5]);
  });

  it("names the line of a malformed row with an unbalanced quote", () => {
    // Act
    const result = checkCorpus(csv(...VALID, 'IRA,"unbalanced quote'), LIMITS);

    // Assess
    expect(result.problems).toHaveLength(1);
    expect(result.problems).toEqual(["line 5: malformed CSV (a quoted field is not closed; a document must be on one line)"]);
    expect(result.rows).toHaveLength(4);
  });

  it("names the file's line of quote errors, never the parser's count from the start of the line", () => {
    // Act
    const result = checkCorpus(csv(...VALID, 'IRA,say "hi"', 'IRA,"closed" early'), LIMITS);

    // Assess
    expect(result.problems).toEqual([
      'line 5: malformed CSV (a quote inside an unquoted field; quote the field and write a quote in it as "")',
      'line 6: malformed CSV (text after a closing quote; write a quote inside a quoted field as "")',
    ]);
  });

  it("names the line of a row with three columns", () => {
    // Act
    const result = checkCorpus(csv(...VALID, "IRA,some text,extra"), LIMITS);

    // Assess
    expect(result.problems).toEqual(["line 5: expected 2 columns (LABEL,text), found 3"]);
  });

  it("names both lines of a duplicate text, ignoring case and whitespace", () => {
    // Act
    const result = checkCorpus(csv(...VALID, "529,  roth   CONVERSION question "), LIMITS);

    // Assess
    expect(result.problems).toEqual(["line 5: duplicate text (same as line 1)"]);
  });

  it("names the line and byte count of a text over maxTextBytes", () => {
    // Prepare
    const text = "é".repeat(51); // 102 bytes of UTF-8, but only 51 characters

    // Act
    const result = checkCorpus(csv(...VALID, `IRA,${text}`), LIMITS);

    // Assess
    expect(result.problems).toEqual(["line 5: text is 102 bytes; the limit is 100"]);
  });

  it("names a class with fewer documents than minPerClass", () => {
    // Act
    const result = checkCorpus(csv(...VALID, "GENERAL,Password reset"), LIMITS);

    // Assess
    expect(result.problems).toEqual(["class GENERAL: 1 documents; Comprehend needs at least 2 per class"]);
  });

  it("names the line and label of a label with characters other than letters, digits, '_' and '-'", () => {
    // Act
    const result = checkCorpus(csv(...VALID, "IRA ACCOUNT,Required minimum distribution", "IRA ACCOUNT,Inherited IRA"), LIMITS);

    // Assess
    expect(result.problems).toEqual([
      `line 5: label "IRA ACCOUNT" must be 1-60 letters, digits, '_' or '-'`,
      `line 6: label "IRA ACCOUNT" must be 1-60 letters, digits, '_' or '-'`,
    ]);
  });

  it("names the line of an empty text", () => {
    // Act
    const result = checkCorpus(csv(...VALID, 'IRA," "'), LIMITS);

    // Assess
    expect(result.problems).toEqual(["line 5: text is empty"]);
  });

  it("reports a corpus with a single class", () => {
    // Act
    const result = checkCorpus(csv("IRA,One", "IRA,Two"), LIMITS);

    // Assess
    expect(result.problems).toEqual(["corpus has 1 class(es); at least 2 are needed"]);
  });

  it("uses Comprehend's limits by default", () => {
    // Act
    const result = checkCorpus(csv(...VALID));

    // Assess
    expect(COMPREHEND_MIN_DOCUMENTS_PER_CLASS).toBe(50);
    expect(COMPREHEND_MAX_TEXT_BYTES).toBe(10 * 1024);
    expect(result.problems).toEqual([
      "class 529: 2 documents; Comprehend needs at least 50 per class",
      "class IRA: 2 documents; Comprehend needs at least 50 per class",
    ]);
  });

  it.each(["email-intents", "document-types"])("finds no problems in the shipped corpus %s", (name) => {
    // Prepare
    const text = readFileSync(corpusPath(name), "utf8");

    // Act
    const result = checkCorpus(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.counts).length).toBeGreaterThanOrEqual(2);
  });
});

describe("readCorpus", () => {
  it("returns the rows and a sha256 of a valid corpus file", () => {
    // Act
    const { rows, sha256 } = readCorpus(corpusPath("email-intents"));

    // Assess
    expect(rows.length).toBeGreaterThan(0);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("readTextFile", () => {
  it("names a missing file and what it was for in a one-line message", () => {
    // Act
    const read = () => readTextFile("corpus/no-such.csv", "corpus");

    // Assess
    expect(read).toThrow(new Error("corpus/no-such.csv: cannot read the corpus (no such file)"));
  });

  it("names a directory given as a file", () => {
    // Act
    const read = () => readTextFile("corpus", "held-out set");

    // Assess
    expect(read).toThrow(new Error("corpus: cannot read the held-out set (is a directory)"));
  });
});
