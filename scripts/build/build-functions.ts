/**
 * `npm run build [-- name...]`: builds every function's bundle that changed (in parallel, through
 * the build cache) and copies each to dist/functions/<name>/ to look at, with its size.
 * `--quiet` only fills the cache (the synchronous path of lambda-bundle.ts runs it that way).
 */
import { cpSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { FUNCTIONS_DIST_DIR, listFunctionNames, prebuildFunctions } from "./lambda-bundle";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quiet = args.includes("--quiet");
  const names = args.filter((a) => a !== "--quiet");
  const started = performance.now();
  const bundles = await prebuildFunctions(names.length ? names : listFunctionNames());
  if (quiet) return;
  for (const bundle of bundles) {
    const target = join(FUNCTIONS_DIST_DIR, bundle.name);
    rmSync(target, { recursive: true, force: true });
    cpSync(bundle.dir, target, { recursive: true });
    const files = readdirSync(target).map((f) => `${f} ${(statSync(join(target, f)).size / 1024).toFixed(1)} KiB`);
    console.log(`${bundle.name} (${bundle.archiveHash}): ${files.join(", ")}`);
  }
  console.log(`${bundles.length} bundles in ${Math.round(performance.now() - started)} ms (cache: changed ones only)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
