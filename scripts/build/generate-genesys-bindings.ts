/**
 * Generates typed CDKTF bindings for the Genesys Cloud provider from the vendored schema,
 * without the Terraform registry. Only the resources and data sources named in
 * providers/genesyscloud/used.json are generated, which keeps `.gen/` small and typecheck fast.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CodeMaker, TerraformProviderGenerator } from "@cdktf/provider-generator";
import { loadUsedGenesysTypes, loadVendoredGenesysSchema, PROVIDER_FQPN } from "../checks/genesys-schema";

const ROOT = join(__dirname, "..", "..");
const OUT_DIR = join(ROOT, ".gen");
const STAMP = join(OUT_DIR, "providers", "genesyscloud", ".source-stamp");

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
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === stamp && process.argv[2] !== "--force") {
    console.log("genesyscloud bindings are up to date in .gen/providers/genesyscloud");
    return;
  }

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
      `${used.dataSources.length} data sources -> .gen/providers/genesyscloud`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
