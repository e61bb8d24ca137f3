/**
 * Generates typed CDKTF bindings for the Genesys Cloud provider from the vendored schema,
 * without the Terraform registry. Only the resources and data sources named in
 * providers/genesyscloud/used.json are generated, which keeps `.gen/` small and typecheck fast.
 *
 * Runs at `npm ci` (prepare), so it must need no terraform, print nothing but its result and send
 * no telemetry. Usage: `generate-genesys-bindings.ts [--force] [--out <dir>]` (default `.gen/`).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { join, relative, resolve } from "node:path";
import { loadUsedGenesysTypes, loadVendoredGenesysSchema, PROVIDER_FQPN } from "./genesys-schema";

const ROOT = join(__dirname, "..", "..");
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const OUT_DIR = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1]!) : join(ROOT, ".gen");
const STAMP = join(OUT_DIR, "providers", "genesyscloud", ".source-stamp");

/**
 * Loads @cdktf/provider-generator without the two side effects of its dependency @cdktf/commons:
 * - `src/terraform.js` runs `terraform version -json` the moment it is loaded and logs the binary's
 *   stderr as `[ERROR]` lines (e.g. terraform's "problems with the CLI configuration" warning), and
 *   when terraform is missing it reports the failure as a telemetry event. Nothing here needs
 *   terraform (the schema is vendored), so that module is replaced, before anything loads it, by
 *   one exporting the same names with no version.
 * - telemetry (checkpoint-api.hashicorp.com): off unless the user turned it on explicitly.
 */
async function loadProviderGenerator(): Promise<typeof import("@cdktf/provider-generator")> {
  process.env.CHECKPOINT_DISABLE ??= "1";
  const probe = require.resolve("@cdktf/commons/src/terraform");
  const quiet = new Module(probe);
  quiet.filename = probe;
  quiet.loaded = true;
  quiet.exports = {
    terraformBinaryName: process.env.TERRAFORM_BINARY_NAME || "terraform",
    terraformVersion: Promise.resolve(undefined),
  };
  require.cache[probe] = quiet;
  return import("@cdktf/provider-generator");
}

async function main(): Promise<void> {
  const used = loadUsedGenesysTypes();
  const schema = loadVendoredGenesysSchema();
  const provider = schema.provider_schemas[PROVIDER_FQPN];
  if (!provider) throw new Error(`vendored schema has no provider ${PROVIDER_FQPN}`);

  const pick = (kind: string, all: Record<string, unknown>, names: readonly string[]) =>
    Object.fromEntries(
      names.map((name) => {
        const block = all[name];
        if (!block) throw new Error(`${kind} ${name} (providers/genesyscloud/used.json) is not in the vendored schema`);
        return [name, block];
      }),
    );

  const filtered = {
    ...schema,
    provider_schemas: {
      [PROVIDER_FQPN]: {
        provider: provider.provider,
        resource_schemas: pick("resource", provider.resource_schemas, used.resources),
        data_source_schemas: pick("data source", provider.data_source_schemas, used.dataSources),
      },
    },
  };

  const stamp = JSON.stringify(filtered).length + ":" + JSON.stringify(used);
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === stamp && !args.includes("--force")) {
    console.log(`genesyscloud bindings are up to date in ${relative(process.cwd(), join(OUT_DIR, "providers", "genesyscloud"))}`);
    return;
  }

  const { CodeMaker, TerraformProviderGenerator } = await loadProviderGenerator();

  rmSync(join(OUT_DIR, "providers", "genesyscloud"), { recursive: true, force: true });
  const code = new CodeMaker();
  // The generator's types come from @cdktf/commons; the JSON matches `terraform providers schema -json`.
  const generator = new TerraformProviderGenerator(code, filtered as never);
  generator.generateAll();
  await code.save(OUT_DIR);
  mkdirSync(join(OUT_DIR, "providers", "genesyscloud"), { recursive: true });
  writeFileSync(STAMP, stamp);
  console.log(
    `generated genesyscloud ${used.version} bindings: ${used.resources.length} resources, ` +
      `${used.dataSources.length} data sources -> ${relative(process.cwd(), join(OUT_DIR, "providers", "genesyscloud"))}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
