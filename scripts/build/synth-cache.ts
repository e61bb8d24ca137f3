/**
 * The synth cache: `cdktf synth` with nothing changed since the last synth replays that synth's
 * output instead of running the app.
 *
 * While the app runs, everything it reads is recorded: the project modules it loads, every file
 * it reads, stats or lists (through `fs`), and every environment variable it looks at. Its output
 * is the set of files it writes under the output folder (and the asset folders it clears first).
 * The next run compares each recorded input with what is there now (file contents by SHA-256,
 * folder listings, variable values, the lock file, Node's major version); only when all are equal
 * does it replay the output, byte for byte, from content-addressed blobs. Anything else, or
 * SYNTH_CACHE=off, runs the app. A run that enumerates the whole environment records nothing.
 * SYNTH_CACHE=verbose says on stderr which of the two happened.
 *
 * Files under node_modules are pinned by the lock file; products in the build cache are immutable
 * (their path holds their key), so only their existence is compared.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir, ROOT } from "./build-cache";

const FORMAT = 1;

interface SynthRecord {
  readonly format: number;
  readonly node: string;
  /** Repository-relative (or absolute, outside it) path -> content hash, "dir", or null when absent. */
  readonly probes: Record<string, string | null>;
  /** Folder -> hash of its sorted listing, or null when absent. */
  readonly listings: Record<string, string | null>;
  /** Variable -> value, or null when unset. */
  readonly env: Record<string, string | null>;
  /** Folders under the output folder removed before writing (TerraformAsset clears its folder). */
  readonly removed: string[];
  /** Output-relative path -> blob hash. */
  readonly outputs: Record<string, string>;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const within = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);

function outdirOf(): string {
  // cdktf's App writes to CDKTF_OUTDIR (set by the CLI from cdktf.json), else ./cdktf.out.
  return resolve(process.env.CDKTF_OUTDIR ?? "cdktf.out");
}

const recordPath = (outdir: string) => join(cacheDir(), "synth", `${sha256(outdir).slice(0, 32)}.json`);
const blobPath = (hash: string) => join(cacheDir(), "blobs", hash);

function toPath(value: unknown): string | undefined {
  if (typeof value === "string") return resolve(value);
  if (value instanceof URL) return value.protocol === "file:" ? fileURLToPath(value) : undefined;
  if (Buffer.isBuffer(value)) return resolve(value.toString());
  return undefined;
}

/** How a path is stored in a record: relative to the repository when inside it. */
const keyOf = (path: string) => (within(path, ROOT) ? relative(ROOT, path).split(sep).join("/") : path);
const pathOf = (key: string) => (isAbsolute(key) ? key : join(ROOT, key));

function probe(path: string, immutable: (p: string) => boolean): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    return null;
  }
  if (stat.isDirectory()) return "dir";
  return immutable(path) ? "file" : sha256(fs.readFileSync(path));
}

function listing(path: string): string | null {
  try {
    return sha256(fs.readdirSync(path).sort().join("\n"));
  } catch {
    return null;
  }
}

/** Whether `record` still describes the inputs as they are. */
function isCurrent(record: SynthRecord, immutable: (p: string) => boolean): boolean {
  if (record.format !== FORMAT || record.node !== process.versions.node.split(".")[0]) return false;
  for (const [name, value] of Object.entries(record.env)) if ((process.env[name] ?? null) !== value) return false;
  for (const [key, listed] of Object.entries(record.listings)) if (listing(pathOf(key)) !== listed) return false;
  for (const [key, hash] of Object.entries(record.probes)) if (probe(pathOf(key), immutable) !== hash) return false;
  for (const hash of Object.values(record.outputs)) if (!fs.existsSync(blobPath(hash))) return false;
  return true;
}

function replay(record: SynthRecord, outdir: string): void {
  for (const dir of record.removed) fs.rmSync(join(outdir, dir), { recursive: true, force: true });
  for (const [file, hash] of Object.entries(record.outputs)) {
    fs.mkdirSync(dirname(join(outdir, file)), { recursive: true });
    fs.copyFileSync(blobPath(hash), join(outdir, file));
  }
}

type Patchable = Record<string, (...args: unknown[]) => unknown>;

/**
 * Runs `synthesize` with fs and process.env instrumented, and returns what it read and removed.
 * The instrumentation is removed afterwards, whatever happens.
 */
async function recordRun(synthesize: () => Promise<void>, outdir: string) {
  const read = new Set<string>();
  const listed = new Set<string>();
  const removed = new Set<string>();
  const envRead = new Set<string>();
  let envEnumerated = false;
  const consider = (path: string | undefined, into: Set<string>) => {
    if (path === undefined || path.split(sep).includes("node_modules")) return;
    if (within(path, outdir)) return;
    if (!within(path, ROOT) && !within(path, resolve(cacheDir()))) return;
    into.add(path);
  };

  // The module object itself (not a namespace copy), which every `fs.x()` call in the app goes through.
  const fsObject = fs as unknown as Patchable;
  const promises = fs.promises as unknown as Patchable;
  const restore: Array<() => void> = [];
  const wrap = (target: Patchable, name: string, before: (args: unknown[]) => void) => {
    const original = target[name]!;
    restore.push(() => (target[name] = original));
    target[name] = function (this: unknown, ...args: unknown[]) {
      before(args);
      return original.apply(this, args);
    };
  };
  const reads = ["readFile", "exists", "stat", "lstat", "access", "open", "realpath"];
  for (const name of [...reads.map((r) => `${r}Sync`), ...reads.filter((r) => r !== "exists"), "createReadStream", "copyFileSync", "copyFile", "cpSync"]) {
    wrap(fsObject, name, (args) => consider(toPath(args[0]), read));
  }
  for (const name of reads.filter((r) => r !== "exists")) wrap(promises, name, (args) => consider(toPath(args[0]), read));
  for (const [target, name] of [[fsObject, "readdirSync"], [fsObject, "readdir"], [fsObject, "opendirSync"], [promises, "readdir"], [promises, "opendir"]] as const) {
    wrap(target, name, (args) => consider(toPath(args[0]), listed));
  }
  wrap(fsObject, "rmSync", (args) => {
    const path = toPath(args[0]);
    if (path !== undefined && within(path, outdir)) removed.add(relative(outdir, path).split(sep).join("/"));
  });

  const env = process.env;
  process.env = new Proxy(env, {
    get(target, name) {
      if (typeof name === "string") envRead.add(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      if (typeof name === "string") envRead.add(name);
      return Reflect.has(target, name);
    },
    ownKeys(target) {
      envEnumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  try {
    await synthesize();
  } finally {
    process.env = env;
    for (const undo of restore.reverse()) undo();
  }
  for (const module of Object.keys(require.cache)) consider(module, read);
  // Pins everything under node_modules.
  read.add(join(ROOT, "package-lock.json"));
  return { read, listed, removed, envRead, envEnumerated };
}

/** Output files written since `since` (ms), output-relative. */
function writtenSince(outdir: string, since: number): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== ".terraform") walk(path);
      } else if (entry.isFile() && fs.statSync(path).mtimeMs >= since) {
        files.push(relative(outdir, path).split(sep).join("/"));
      }
    }
  };
  if (fs.existsSync(outdir)) walk(outdir);
  return files.sort();
}

function storeBlob(file: string): string {
  const contents = fs.readFileSync(file);
  const hash = sha256(contents);
  const blob = blobPath(hash);
  if (!fs.existsSync(blob)) {
    fs.mkdirSync(dirname(blob), { recursive: true });
    const temporary = `${blob}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, blob);
  }
  return hash;
}

/** Removes blobs no synth record refers to (each outdir keeps only its latest record). */
function pruneBlobs(): void {
  const records = join(cacheDir(), "synth");
  const referenced = new Set<string>();
  for (const file of fs.readdirSync(records)) {
    try {
      for (const hash of Object.values((JSON.parse(fs.readFileSync(join(records, file), "utf8")) as SynthRecord).outputs)) referenced.add(hash);
    } catch {
      // A record being written or unreadable: its blobs are kept until the next prune.
      return;
    }
  }
  for (const blob of fs.readdirSync(join(cacheDir(), "blobs"))) if (!blob.endsWith(".tmp") && !referenced.has(blob)) fs.rmSync(blobPath(blob), { force: true });
}

export interface SynthesisSteps {
  /**
   * Work before the synth that keeps its own cache (building bundles): run only when the synth is
   * not replayed, and not recorded (esbuild's child process is handed the whole environment, which
   * would make the run unrecordable). The synth itself must read what this produced.
   */
  readonly prepare?: () => Promise<void>;
  /** The synth: must only write the output folder and caches. */
  readonly synthesize: () => Promise<void>;
}

/**
 * Replays the previous synth into the output folder if nothing it read changed; otherwise prepares,
 * synthesizes and records the synth for next time. Returns whether it replayed.
 */
export async function synthesizeOrReplay(steps: SynthesisSteps): Promise<"replayed" | "synthesized"> {
  const outcome = await synthesizeOrReplayQuietly(steps);
  if (process.env.SYNTH_CACHE === "verbose") process.stderr.write(`synth cache: ${outcome}\n`);
  return outcome;
}

async function synthesizeOrReplayQuietly({ prepare, synthesize }: SynthesisSteps): Promise<"replayed" | "synthesized"> {
  const outdir = outdirOf();
  const immutable = (path: string) => within(path, join(resolve(cacheDir()), "products"));
  const enabled = process.env.SYNTH_CACHE !== "off";
  if (enabled) {
    let record: SynthRecord | undefined;
    try {
      record = JSON.parse(fs.readFileSync(recordPath(outdir), "utf8")) as SynthRecord;
    } catch {
      record = undefined;
    }
    if (record && isCurrent(record, immutable)) {
      replay(record, outdir);
      return "replayed";
    }
  }

  await prepare?.();
  // Coarse file-system clocks can stamp a file up to a tick before Date.now(); nothing else writes here meanwhile.
  const started = Date.now() - 100;
  const run = await recordRun(synthesize, outdir);
  if (!enabled || run.envEnumerated) return "synthesized";

  const record: SynthRecord = {
    format: FORMAT,
    node: process.versions.node.split(".")[0]!,
    probes: Object.fromEntries([...run.read].sort().map((path) => [keyOf(path), probe(path, immutable)])),
    listings: Object.fromEntries([...run.listed].sort().map((path) => [keyOf(path), listing(path)])),
    env: Object.fromEntries([...run.envRead].sort().map((name) => [name, process.env[name] ?? null])),
    removed: [...run.removed].sort(),
    outputs: Object.fromEntries(writtenSince(outdir, started).map((file) => [file, storeBlob(join(outdir, file))])),
  };
  const path = recordPath(outdir);
  fs.mkdirSync(dirname(path), { recursive: true });
  fs.writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(record));
  fs.renameSync(`${path}.${process.pid}.tmp`, path);
  pruneBlobs();
  return "synthesized";
}
