/**
 * The content-addressed build cache shared by Lambda bundles and trained models.
 *
 * A product (a bundle, a model) is stored under a key: the SHA-256 of everything that decides its
 * bytes: the build options, the content of every project source file the previous build read
 * (from its esbuild metafile), the lock file (which pins every file under node_modules), and the
 * builder's own code. A product is rebuilt only when its key is not in the cache. Products are
 * immutable once stored; a build writes to a temporary folder and renames it into place, so
 * concurrent builders (Jest workers, two synths) never see half a product.
 *
 * This module is the warm path: it only stats, reads and hashes files. Nothing here loads esbuild,
 * TypeScript or the trainer.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

export const ROOT = join(__dirname, "..", "..");

/** Git-ignored (under dist/), outside what tsc, eslint and Jest read. BUILD_CACHE_DIR moves it. */
export function cacheDir(): string {
  return process.env.BUILD_CACHE_DIR ?? join(ROOT, "dist", "cache");
}

/** Bumped when the cache layout or the meaning of a key changes. */
const CACHE_FORMAT = "1";

/**
 * Files whose content every product depends on: the lock file pins node_modules, package.json and
 * tsconfig.json steer resolution, and the builder's own code decides the output.
 */
const BUILDER_FILES = [
  "package-lock.json",
  "package.json",
  "tsconfig.json",
  "scripts/build/build-cache.ts",
  "scripts/build/bundle-artifacts.ts",
  "scripts/build/bundle-builder.ts",
  "scripts/build/lazy-loading.ts",
  "scripts/build/zip.ts",
];

export const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * File hashes memoized by path, size and change times, so one process hashes each file once. As in
 * git's index, a file changed in the last two seconds is hashed every time: a rewrite within one
 * tick of the file system clock would keep its times.
 */
const fileHashes = new Map<string, { size: number; mtimeMs: number; ctimeMs: number; hash: string }>();
const RACY_MS = 2000;

/** SHA-256 of a file's content, or undefined when the file is gone. `path` is relative to the repository root or absolute. */
export function hashFile(path: string): string | undefined {
  const absolute = isAbsolute(path) ? path : join(ROOT, path);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    return undefined;
  }
  const memo = fileHashes.get(absolute);
  if (memo && memo.size === stat.size && memo.mtimeMs === stat.mtimeMs && memo.ctimeMs === stat.ctimeMs) return memo.hash;
  const hash = sha256(readFileSync(absolute));
  if (Date.now() - Math.max(stat.mtimeMs, stat.ctimeMs) > RACY_MS) fileHashes.set(absolute, { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, hash });
  return hash;
}

/** Repository-relative POSIX path. */
export const repoPath = (absolute: string) => relative(ROOT, absolute).split(sep).join("/");

let builderHash: string | undefined;

/** Hash of BUILDER_FILES, the cache format and Node's major version. */
export function builderFingerprint(): string {
  builderHash ??= sha256(JSON.stringify([CACHE_FORMAT, process.versions.node.split(".")[0], BUILDER_FILES.map((f) => [f, hashFile(f) ?? null])]));
  return builderHash;
}

/**
 * Files under node_modules are pinned by the lock file (part of every key) and are not hashed one
 * by one; namespaced esbuild inputs ("lazy-facade:...") are generated from files that are inputs too.
 */
export function isProjectSource(input: string): boolean {
  return !input.includes(":") && !input.split("/").includes("node_modules");
}

/**
 * The key of a product: its kind and name, its options, the builder fingerprint and the current
 * content of its inputs. Undefined when an input no longer exists (the product must be rebuilt,
 * which records the new set of inputs).
 */
export function productKey(kind: string, name: string, options: unknown, inputs: readonly string[], extra: readonly string[] = []): string | undefined {
  const hashes: Array<[string, string]> = [];
  for (const input of [...new Set(inputs)].sort()) {
    const hash = hashFile(input);
    if (hash === undefined) return undefined;
    hashes.push([input, hash]);
  }
  return sha256(JSON.stringify([kind, name, options, builderFingerprint(), hashes, extra]));
}

/** What the previous build of a product read, so the next run can tell whether anything changed. */
export interface Manifest {
  readonly inputs: string[];
  readonly key: string;
  /** Keys of this product kept in the cache, newest first (switching branches back and forth stays warm). */
  readonly history?: string[];
}

/** How many versions of each product stay in the cache. */
const KEEP_VERSIONS = 3;

const manifestPath = (kind: string, name: string) => join(cacheDir(), "manifests", kind, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);

export function readManifest(kind: string, name: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestPath(kind, name), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * Records the inputs and key of a product just stored, and removes (with `remove`) the versions of
 * it that fall out of the history.
 */
export function writeManifest(kind: string, name: string, manifest: Omit<Manifest, "history">, remove?: (key: string) => void): void {
  const previous = readManifest(kind, name)?.history ?? [];
  const history = [manifest.key, ...previous.filter((k) => k !== manifest.key)];
  writeAtomically(manifestPath(kind, name), JSON.stringify({ ...manifest, history: history.slice(0, KEEP_VERSIONS) }));
  for (const key of history.slice(KEEP_VERSIONS)) remove?.(key);
}

/** Writes through a temporary file and a rename, so a concurrent reader never sees half a file. */
export function writeAtomically(path: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** A fresh private folder inside the cache for a product being built. */
export function temporaryDir(kind: string): string {
  const dir = join(cacheDir(), "tmp", `${kind}-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Moves a finished product folder to its key. If another builder stored the same key first, its
 * copy wins (same key, same content) and ours is dropped.
 */
export function publishDir(temporary: string, final: string): void {
  mkdirSync(dirname(final), { recursive: true });
  try {
    renameSync(temporary, final);
  } catch (error) {
    if (!existsSync(final)) throw error;
    rmSync(temporary, { recursive: true, force: true });
  }
}
