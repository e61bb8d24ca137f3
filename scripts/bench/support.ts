/** What every bench section shares: the reporter (human rows or JSON lines) and measurement helpers. */
import { spawnSync, SpawnSyncOptions } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

/**
 * One figure of the bench contract: `npm run bench -- --json` prints each as a line
 * {"section","figure","value","unit"}; figures are named `name` or `name:<subject>`.
 */
export interface Figure {
  readonly section: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
}

export interface Reporter {
  /** A heading for the human-readable output (nothing in JSON). */
  heading(text: string): void;
  /** Records a figure; `label` is the human-readable row (default: the figure's name). */
  figure(figure: string, value: number, unit: string, label?: string): void;
  /** A note for people (nothing in JSON). */
  note(text: string): void;
}

const UNIT_TEXT: Record<string, (v: number) => string> = {
  s: (v) => `${v.toFixed(2)} s`,
  ms: (v) => `${v < 1 ? v.toFixed(3) : v.toFixed(1)} ms`,
  KiB: (v) => `${v.toFixed(1)} KiB`,
  x: (v) => `${v.toFixed(2)}x`,
  percent: (v) => `${v.toFixed(1)}%`,
  "per second": (v) => `${Math.round(v)}/s`,
  count: (v) => String(v),
  "request units": (v) => `${v.toFixed(1)} units`,
};

export function reporter(section: string, json: boolean, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Reporter {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    heading: (text) => {
      if (!json) write(`\n${text}`);
    },
    figure: (figure, value, unit, label) => {
      if (!Number.isFinite(value)) throw new Error(`bench figure ${section}/${figure} is not a number: ${value}`);
      if (json) write(JSON.stringify({ section, figure, value: round(value), unit } satisfies Figure));
      else write(`  ${(label ?? figure).padEnd(64)} ${(UNIT_TEXT[unit] ?? ((v: number) => `${v} ${unit}`))(value)}`);
    },
    note: (text) => {
      if (!json) write(`  (${text})`);
    },
  };
}

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const percentile = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
export const kib = (bytes: number) => bytes / 1024;

/**
 * Runs a shell command and returns the CPU seconds (user + system) it and every process it started
 * used, from the shell's `times`, plus its wall time.
 */
export function cpuOfCommand(command: string, options: SpawnSyncOptions = {}): { cpuSeconds: number; wallSeconds: number } {
  const started = performance.now();
  const run = spawnSync("sh", ["-c", `${command} >/dev/null || exit $?; times`], {
    cwd: ROOT,
    encoding: "utf8",
    ...options,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${command} failed (${run.status}): ${String(run.stderr).slice(0, 2000)}`);
  // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.321s".
  const children = String(run.stdout).trim().split("\n").at(-1) ?? "";
  const match = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(children);
  if (!match) throw new Error(`cannot read CPU times from ${JSON.stringify(children)}`);
  const [, um, us, sm, ss] = match;
  return { cpuSeconds: Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss), wallSeconds };
}

/** The command cdktf runs for the app (cdktf.json), with another program in place of main.ts when given. */
export function appCommand(program?: string): string {
  const { app } = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string };
  if (!program) return app;
  if (!app.includes("main.ts")) throw new Error(`cdktf.json's app command does not run main.ts: ${app}`);
  return app.replace("main.ts", program);
}

/**
 * CPU milliseconds of `require`-ing a file in a fresh Node process, optionally followed by a first call:
 * `after` is a JavaScript expression using `m`, the module, that returns a promise. Nothing but the
 * require (and the call) runs between the two readings, not even a clock (`performance` loads perf_hooks
 * on first use). The probe runs from a file, as the Lambda runtime loads a handler: `node -e` preloads
 * node:crypto whenever its source mentions the word.
 */
export function coldRequire(file: string, env: Record<string, string | undefined>, after?: string): { cpuMs: number } {
  const probe = `const c0 = process.cpuUsage();
const m = require(${JSON.stringify(file)});
Promise.resolve(${after ?? "undefined"}).then(() => {
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ cpuMs: (c.user + c.system) / 1000 }));
}, (e) => { console.error(e); process.exit(1); });
`;
  const dir = mkdtempSync(join(tmpdir(), "cold-require-"));
  try {
    writeFileSync(join(dir, "probe.js"), probe);
    const result = spawnSync(process.execPath, [join(dir, "probe.js")], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    if (result.status !== 0) throw new Error(`${file} failed to load: ${result.stderr.split("\n").find((l) => /Error/.test(l)) ?? result.stderr.slice(0, 300)}`);
    return JSON.parse(result.stdout) as { cpuMs: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs each measurement `runs` times, interleaved (a, b, a, b...) so drift in machine load hits all alike; returns the medians. */
export function interleaved<K extends string>(runs: number, measures: Record<K, () => number>): Record<K, number> {
  const samples = Object.fromEntries(Object.keys(measures).map((k) => [k, [] as number[]])) as unknown as Record<K, number[]>;
  for (let i = 0; i < runs; i++) for (const key of Object.keys(measures) as K[]) samples[key].push(measures[key]());
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v as number[])])) as Record<K, number>;
}
