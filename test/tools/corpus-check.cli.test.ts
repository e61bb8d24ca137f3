import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const corpusCheck = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "scripts", "cli", "corpus-check.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run corpus:check", () => {
  it("passes the shipped corpora and held-out set, one summary line each", () => {
    // Act
    const result = corpusCheck();

    // Assess
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^corpus\/document-types\.csv: ok, \d+ documents/m);
    expect(result.stdout).toMatch(/^corpus\/email-intents\.csv: ok, \d+ documents \(401K \d+, 529 \d+, GENERAL \d+, IRA \d+\)$/m);
    expect(result.stdout).toMatch(/^corpus\/held-out\/email-intents\.csv: ok, \d+ held-out emails \(401K: short \d+, implied \d+;/m);
  });

  it("names a missing file in one line, without a stack trace, and fails", () => {
    // Act
    const result = corpusCheck("corpus/no-such-corpus.csv");

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("corpus/no-such-corpus.csv: cannot read the corpus (no such file)\n");
  });

  it("names the file's line of a CSV error in a corpus and in a held-out set", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "corpus-check-"));
    mkdirSync(join(dir, "held-out"));
    const rows = Array.from({ length: 50 }, (_, i) => `A,alpha text ${i}\nB,beta text ${i}`).join("\n");
    writeFileSync(join(dir, "tiny.csv"), `${rows}\nA,"unclosed quote\n`);
    writeFileSync(join(dir, "held-out", "tiny.csv"), 'label,kind,subject,body\nA,short,S,"two\nlines"\nB,short,T,say "hi" there\n');

    // Act
    const result = corpusCheck(join(dir, "tiny.csv"), join(dir, "held-out", "tiny.csv"));

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("tiny.csv: 1 problem(s)\n  line 101: malformed CSV (a quoted field is not closed; a document must be on one line)\n");
    expect(result.stderr).toContain(
      'held-out/tiny.csv: 1 problem(s)\n  line 4: malformed CSV (a quote inside an unquoted field; quote the field and write a quote in it as "")\n',
    );
  });
});
