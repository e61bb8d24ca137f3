import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
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

  it("answers JSON lines from stdin one line per input, in order, naming bad lines", () => {
    const input = [
      JSON.stringify({ EmailSubject: "Rollover", EmailBody: "How do I roll my old employer 401k into the new plan at work?" }),
      "{broken",
      JSON.stringify({ EmailSubject: "Tuition", EmailBody: "Can the 529 plan pay my daughter's college tuition this fall?" }),
      JSON.stringify({ EmailSubject: "no body" }),
    ].join("\n");
    const result = run("classify.ts", [], input);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]!.QueueName).toBe("401K");
    expect(lines[1]).toEqual({ error: "line 2 is not valid JSON" });
    expect(lines[2]!.QueueName).toBe("529");
    expect(lines[3]).toEqual({ error: "invalid input", problems: ["EmailBody: is required"] });
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
