import { buildSync } from "esbuild";
import { join } from "node:path";

/** Where Jest finds the CommonJS build of ESM-only dependencies (see moduleNameMapper in jest.config.js). */
export const ESM_SHIM_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "jest-esm");

/**
 * email-reply-parser ships ES modules only (using `import.meta`), which Jest's CommonJS runtime
 * cannot load. Bundle it to CommonJS once per run, the way the Lambda bundles include it.
 */
export default function globalSetup(): void {
  buildSync({
    entryPoints: ["email-reply-parser"],
    outfile: join(ESM_SHIM_DIR, "email-reply-parser.cjs"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
    banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
    define: { "import.meta.url": "__importMetaUrl" },
  });
}
