import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const run = (script: string, args: string[], input?: string) =>
  spawnSync(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "scripts", "cli", script), ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
  });

describe("npm run classify", () => {
  it("routes a Roth conversion question to IRA", () => {
    const result = run("classify.ts", ["--subject", "Roth question", "--body", "Can I convert my traditional IRA?"]);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout.trim()) as { QueueName: string; Confidence: number };
    expect(output.QueueName).toBe("IRA");
    expect(output.Confidence).toBeGreaterThanOrEqual(0.75);
  });

  it("answers JSON lines from stdin one line per input, in order, skipping blank lines and naming each bad line's number, then exits 1", () => {
    const input = [
      JSON.stringify({ EmailSubject: "Rollover", EmailBody: "How do I roll my old employer 401k into the new plan at work?" }),
      "",
      "{broken",
      "   ",
      JSON.stringify({ EmailSubject: "Tuition", EmailBody: "Can the 529 plan pay my daughter's college tuition this fall?" }),
      JSON.stringify({ EmailSubject: "no body" }),
    ].join("\n");
    const result = run("classify.ts", [], input);
    const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]!.QueueName).toBe("401K");
    expect(lines[1]).toEqual({ line: 3, error: expect.stringMatching(/^not valid JSON: /) });
    expect(lines[2]!.QueueName).toBe("529");
    expect(lines[3]).toEqual({ line: 6, error: "invalid input: EmailBody: is required" });
    expect(result.stderr.trim()).toBe("2 invalid input lines (lines 3, 6); the other lines were classified");
    expect(result.status).toBe(1);
  });

  it("classifies samples/emails.jsonl, the file the README names, with exit status 0", () => {
    const samples = readFileSync(join(ROOT, "samples", "emails.jsonl"), "utf8");
    const result = run("classify.ts", [], samples);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const outputs = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outputs).toHaveLength(samples.split("\n").filter((l) => l.trim()).length);
    for (const output of outputs) expect(Object.keys(output)).toEqual(["QueueName", "Confidence"]);
  });

  it("prints its usage for --help, and refuses an unknown option with the usage and exit status 2", () => {
    const help = run("classify.ts", ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run classify -- --subject <text> --body <text> \[--env <name>\]\n {7}npm run classify \[-- --env <name>\] < emails\.jsonl\n/);
    expect(help.stdout).toContain("blank lines are skipped");
    const unknown = run("classify.ts", ["--subjekt", "x"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^Unknown option '--subjekt'/);
    expect(unknown.stderr).toContain("usage: npm run classify");
  });
});

describe("npm run corpus:check", () => {
  it("passes the shipped corpora and names the line of each problem in a bad one", () => {
    expect(run("corpus-check.ts", []).status).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), "corpus-")), "bad.csv");
    writeFileSync(file, 'A,"one"\nB,"two"\nA,"ONE"\nB,"unterminated\n');
    const result = run("corpus-check.ts", [file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("line 3: duplicate text (same as line 1)");
    expect(result.stderr).toMatch(/line 4: malformed CSV/);
    expect(result.stderr).toContain("class A: 2 documents; Comprehend needs at least 50 per class");
  });
});
