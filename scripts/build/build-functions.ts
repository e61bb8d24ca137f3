/** `npm run build`: bundles every functions/<name>/index.ts into dist/functions/<name>/. */
import { statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { bundleFunction, listFunctionNames } from "./lambda-bundle";

for (const name of listFunctionNames()) {
  const started = performance.now();
  const dir = bundleFunction(name);
  const files = readdirSync(dir).map((f) => `${f} ${(statSync(join(dir, f)).size / 1024).toFixed(1)} KiB`);
  console.log(`${name}: ${files.join(", ")} (${Math.round(performance.now() - started)} ms)`);
}
