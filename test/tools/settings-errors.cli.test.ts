import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CDKTF = join(ROOT, "node_modules", ".bin", "cdktf");

/**
 * An app that loads its settings as main.ts does and ends as main.ts does on an error, reading an
 * environments folder of the test's own (main.ts reads config/environments/, which other tests read).
 */
function appReading(environments: string, ci: string): string {
  const app = join(mkdtempSync(join(tmpdir(), "settings-app-")), "app.ts");
  const load = JSON.stringify(join(ROOT, "config", "load"));
  const report = JSON.stringify(join(ROOT, "config", "report"));
  writeFileSync(
    app,
    `import { loadSettings } from ${load};\nimport { exitOnError } from ${report};\n` +
      `Promise.resolve().then(() => loadSettings(${JSON.stringify(environments)}, ${JSON.stringify(ci)})).catch(exitOnError);\n`,
  );
  return app;
}

describe("an invalid environment", () => {
  let work: string;
  let app: string;
  // The file is named relative to the working directory, as the loader names it.
  const heading = () => `Invalid environment "staging" (${relative(ROOT, join(work, "environments", "staging.json"))}):`;
  const expected = [
    '  - logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 15',
    '  - emailRouting.frontDoor: must be one of "api-gateway", "lambda", got the string "apigw"',
  ];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "settings-errors-"));
    const environments = join(work, "environments");
    mkdirSync(environments);
    const staging = JSON.parse(readFileSync(join(ROOT, "config", "environments", "dev.json"), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    staging.logRetentionDays = 15;
    staging.emailRouting.frontDoor = "apigw";
    writeFileSync(join(environments, "staging.json"), JSON.stringify(staging));
    app = appReading(environments, join(ROOT, "config", "ci.json"));
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const lines = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "").split("\n");

  it("is printed once, on stderr, without a stack trace, when the app runs on its own (npm start)", () => {
    const run = spawnSync(TSX, [app], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toEqual([heading(), ...expected]);
  });

  it("is printed once by cdktf synth, as one error, with nothing else of the app's", () => {
    const run = spawnSync(CDKTF, ["synth", "--app", `${TSX} ${app}`, "--output", join(work, "cdktf.out")], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", FORCE_COLOR: "0" },
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    const output = lines(run.stdout + run.stderr);
    const first = output.findIndex((l) => l.endsWith(`/staging.json):`));
    expect(output.filter((l) => l.includes("Invalid environment"))).toHaveLength(1);
    expect(output[first]).toBe(`ERROR [settings]: ${heading()}`);
    expect(output.slice(first + 1, first + 3)).toEqual(expected);
    expect(output.filter((l) => l.includes("logRetentionDays"))).toHaveLength(1);
    expect(output.join("\n")).not.toMatch(/\n\s+at |Command output on std|non-zero exit code/);
    expect(output).toContain("Error: While synthesizing one or more error annotations have been encountered. Please check the log output above.");
  }, 180_000);
});
