/**
 * The local runner killed (SIGKILL) part-way through a replay into a kept store, then run again over the
 * same events (as SQS delivers again everything not acknowledged): the table keeps the invariants at the
 * kill and ends in the graph of an uninterrupted run. (Deterministic identifiers only: which profile a
 * device sighting joins depends on arrival order across conversations, which four instances vary.)
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateIdentityWorkload } from "../../scripts/fixtures/sample-identity-events";
import { startLocalIdentityStore } from "../../scripts/local/identity-store";
import { canonicalGraph, invariantViolations } from "../support/identity-invariants";

jest.setTimeout(300_000);

const ROOT = join(__dirname, "..", "..");
// One process (tsx as a loader, not its CLI, which runs the script in a child that a SIGKILL would not reach).
const CLI = ["--import", "tsx", "scripts/cli/identity.ts", "replay"];

let work: string;
let events: string;
let key: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "identity-kill-"));
  events = join(work, "events.jsonl");
  key = randomBytes(32).toString("base64");
  const { events: generated } = generateIdentityWorkload({ seed: 31, customers: 30, conversations: 70 });
  writeFileSync(events, generated.map((e) => JSON.stringify(e)).join("\n") + "\n");
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A store directory with the shared hashing key, so graphs of different runs compare. */
function store(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hmac.key"), key, { mode: 0o600 });
  return dir;
}

async function tableOf(dir: string) {
  const local = await startLocalIdentityStore({ dir });
  try {
    return await local.scan();
  } finally {
    await local.close();
  }
}

/** Starts a replay with 4 instances and kills it once `lines` results are printed. */
function replayKilledAfter(dir: string, lines: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, events, "--store", dir, "--concurrency", "4"], { cwd: ROOT });
    let printed = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      printed += chunk.toString().split("\n").length - 1;
      if (printed >= lines) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", () => resolve(printed));
  });
}

describe("a replay killed part-way and run again", () => {
  let uninterrupted: ReturnType<typeof canonicalGraph>;

  beforeAll(async () => {
    const dir = store("uninterrupted");
    const result = spawnSync(process.execPath, [...CLI, events, "--store", dir, "--concurrency", "4"], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
    expect(result.status).toBe(0);
    uninterrupted = canonicalGraph(await tableOf(dir));
  });

  it.each([15, 110])("keeps the invariants when killed after %i events and ends in the uninterrupted graph", async (after) => {
    // Prepare
    const dir = store(`killed-${after}`);
    const printed = await replayKilledAfter(dir, after);
    const atKill = await tableOf(dir);

    // Act
    const rerun = spawnSync(process.execPath, [...CLI, events, "--store", dir, "--concurrency", "4"], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });

    // Assess
    expect(printed).toBeGreaterThanOrEqual(after);
    expect(invariantViolations(atKill)).toEqual([]);
    expect(rerun.status).toBe(0);
    const final = await tableOf(dir);
    expect(invariantViolations(final)).toEqual([]);
    expect(canonicalGraph(final)).toEqual(uninterrupted);
  });
});
