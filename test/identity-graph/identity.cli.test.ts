import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalIdentityStore } from "../../scripts/local/identity-store";

const ROOT = join(__dirname, "..", "..");
const identity = (...args: string[]) =>
  spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli/identity.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

interface EventLine {
  eventId: string | null;
  conversationId: string | null;
  action: string;
  tier: string | null;
  profileId: string | null;
  reason?: string;
}

const USAGE = "usage: identity replay <events.jsonl> [--concurrency N] [--store dir] | identity erase --email E | --phone P [--store dir]";

describe("npm run identity, on one kept --store directory", () => {
  let dir: string;
  let replay: SpawnSyncReturns<string>;
  let lines: Array<Record<string, unknown>>;
  let events: EventLine[];
  const line = (eventId: string, nth = 0) => events.filter((l) => l.eventId === eventId)[nth]!;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "identity-runner-"));
    replay = identity("replay", "samples/identity/conversations.jsonl", "--store", dir);
    lines = jsonLines(replay.stdout);
    events = lines.slice(0, -1) as unknown as EventLine[];
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe("replay of the sample conversations", () => {
    it("succeeds", () => {
      // Assess
      expect(replay.stderr).toBe("");
      expect(replay.status).toBe(0);
    });

    it("prints one line per event, in order, with each resolution", () => {
      // Assess
      expect(events.map((l) => [l.eventId, l.action, l.tier])).toEqual([
        ["e-001", "created", "deterministic"],
        ["e-002", "created", "deterministic"],
        ["e-003", "merged", "deterministic"],
        ["e-003", "duplicate", "deterministic"],
        ["e-004", "created", "anonymous"],
        ["e-005", "matched", "anonymous"],
        ["e-006", "created", "anonymous"],
        ["e-007", "matched", "probabilistic"],
        ["e-008", "ignored", null],
        ["e-009", "created", "anonymous"],
        ["e-010", "invalid", null],
      ]);
    });

    it("ends with a summary of live profiles and events read", () => {
      // Assess
      expect(lines.at(-1)).toEqual({ profiles: 3, events: 11 });
    });

    it("keeps Jane's merge and its duplicate on her first (email) profile", () => {
      // Assess
      expect(line("e-001").profileId).toEqual(expect.any(String));
      expect(line("e-003", 0).profileId).toBe(line("e-001").profileId);
      expect(line("e-003", 1).profileId).toBe(line("e-001").profileId);
      expect(line("e-002").profileId).not.toBe(line("e-001").profileId);
    });

    it("puts the returning device's chat (e-007) on the first chat's profile (e-004)", () => {
      // Assess
      expect(line("e-007")).toMatchObject({ conversationId: "conv-chat-2", profileId: line("e-004").profileId });
    });

    it("names what is wrong with the invalid event", () => {
      // Assess
      expect(line("e-010")).toEqual({
        eventId: "e-010",
        conversationId: null,
        action: "invalid",
        tier: null,
        profileId: null,
        reason:
          "line 11: not a Genesys EventBridge event: source: Invalid input: expected string, received undefined; detail.eventBody: Invalid input: expected object, received undefined",
      });
    });
  });

  describe("then erase of Jane by email", () => {
    let erase: SpawnSyncReturns<string>;
    let returning: SpawnSyncReturns<string>;

    beforeAll(() => {
      erase = identity("erase", "--email", "jane.doe@example.com", "--store", dir);
      returning = identity("replay", "samples/identity/returning-customer.jsonl", "--store", dir);
    });

    it("erases her profile with its identifiers and conversations", () => {
      // Assess
      expect(erase.status).toBe(0);
      expect(jsonLines(erase.stdout)).toEqual([{ erased: true, profileId: line("e-001").profileId, identifiers: 5, conversations: 3, suppressed: 2 }]);
    });

    it("suppresses her when she comes back by phone and by email", () => {
      // Assess
      expect(returning.status).toBe(0);
      expect(jsonLines(returning.stdout)).toEqual([
        { eventId: "e-101", conversationId: "conv-call-9", action: "suppressed", tier: null, profileId: null },
        { eventId: "e-102", conversationId: "conv-email-9", action: "suppressed", tier: null, profileId: null },
        { profiles: 2, events: 2 },
      ]);
    });
  });
});

describe("npm run identity -- replay --concurrency N", () => {
  it("resolves the samples as one instance does: the same actions, tiers and grouping into profiles", () => {
    // Act
    const one = jsonLines(identity("replay", "samples/identity/conversations.jsonl").stdout);
    const four = identity("replay", "samples/identity/conversations.jsonl", "--concurrency", "4");

    // Assess: profile ids are random; name them by first appearance.
    const shape = (lines: Array<Record<string, unknown>>) => {
      const names = new Map<unknown, string>();
      return lines.map((l) => ({ ...l, profileId: l.profileId === null || l.profileId === undefined ? l.profileId : (names.get(l.profileId) ?? names.set(l.profileId, `P${names.size + 1}`).get(l.profileId)) }));
    };
    expect(four.status).toBe(0);
    expect(shape(jsonLines(four.stdout))).toEqual(shape(one));
  });

  it("refuses a store directory another process holds, saying so", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "identity-held-"));
    const holder = await startLocalIdentityStore({ dir });

    try {
      // Act
      const result = identity("replay", "samples/identity/conversations.jsonl", "--store", dir);

      // Assess
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`the store directory ${join(dir, "dynamodb")} is in use by another process (its LevelDB lock is held): stop that process or choose another directory`);
      expect(result.stdout).toBe("");
    } finally {
      await holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a concurrency that is not a whole number from 1 to 64", () => {
    // Act
    const result = identity("replay", "samples/identity/conversations.jsonl", "--concurrency", "0");

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('--concurrency must be a whole number from 1 to 64, got "0"');
  });
});

describe("npm run identity -- replay, on a file with blank and invalid lines", () => {
  it("names each invalid line by its line number in the file, blank lines counted", () => {
    // Prepare
    const samples = readFileSync(join(ROOT, "samples", "identity", "conversations.jsonl"), "utf8").split("\n");
    const file = join(mkdtempSync(join(tmpdir(), "identity-lines-")), "events.jsonl");
    writeFileSync(file, ["", samples[0], "", "{not json", samples[10], ""].join("\n"));

    // Act
    const result = identity("replay", file);

    // Assess
    expect(result.status).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.slice(0, -1).map((l) => [l.eventId, l.action])).toEqual([["e-001", "created"], [null, "invalid"], ["e-010", "invalid"]]);
    expect(lines[0]!.reason).toBeUndefined();
    expect(lines[1]!.reason).toBe("line 4: message body is not JSON");
    expect(lines[2]!.reason).toMatch(/^line 5: not a Genesys EventBridge event: /);
    expect(lines[3]).toEqual({ profiles: 1, events: 3 });
  });
});

describe("npm run identity, misused", () => {
  it("refuses erase without --email or --phone, with a usage message", () => {
    // Act
    const result = identity("erase");

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("erase needs exactly one of --email or --phone");
    expect(result.stdout).toBe("");
  });

  it("refuses erase with both --email and --phone", () => {
    // Act
    const result = identity("erase", "--email", "jane.doe@example.com", "--phone", "+12025550147");

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("erase needs exactly one of --email or --phone");
  });

  it("refuses erase without --store: there is no graph to erase from", () => {
    // Act
    const result = identity("erase", "--email", "jane.doe@example.com");

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      "erase needs --store <dir>: without it there is no graph to erase from (replay keeps its graph only with --store: npm run identity -- replay <events.jsonl> --store <dir>)",
    );
    expect(result.stdout).toBe("");
  });

  it("refuses erase in a --store directory that holds no graph, and leaves it as it was", () => {
    // Prepare
    const dir = join(mkdtempSync(join(tmpdir(), "identity-empty-")), "graph");

    // Act
    const result = identity("erase", "--phone", "+12025550147", "--store", dir);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`there is no graph to erase from in ${dir}: replay events into it first (npm run identity -- replay <events.jsonl> --store ${dir})`);
    expect(existsSync(dir)).toBe(false);
  });

  it("prints its usage for --help", () => {
    // Act
    const result = identity("--help");

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run identity -- replay <events\.jsonl> /);
    expect(result.stdout).toContain("erase --email <address> | --phone <number> --store <dir>");
  });

  it("prints the usage for replay without a file", () => {
    // Act
    const result = identity("replay");

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(USAGE);
  });
});
