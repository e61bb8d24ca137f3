import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync, Zippable } from "fflate";

/** DOS time starts in 1980; every entry gets this time, so the same files always give the same bytes. */
const FIXED_TIME = new Date(Date.UTC(1980, 0, 2));

/**
 * A byte-for-byte reproducible zip of a flat folder: entries in name order, fixed time stamps,
 * Unix mode 0644 (Lambda needs the files world-readable), fixed compression level.
 */
export function deterministicZip(dir: string): Uint8Array {
  const entries: Zippable = {};
  for (const name of readdirSync(dir).sort()) {
    entries[name] = [readFileSync(join(dir, name)), { mtime: FIXED_TIME, os: 3, attrs: 0o100644 << 16, level: 6 }];
  }
  return zipSync(entries);
}
