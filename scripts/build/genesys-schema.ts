import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Shapes of `terraform providers schema -json` that the project reads. */
export interface SchemaAttribute {
  type?: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
}
export interface SchemaBlockType {
  nesting_mode: "single" | "list" | "set" | "map" | "group";
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}
export interface ProviderSchemaJson {
  format_version: string;
  provider_versions?: Record<string, string>;
  provider_schemas: Record<
    string,
    {
      provider: { block: SchemaBlock };
      resource_schemas: Record<string, { block: SchemaBlock }>;
      data_source_schemas: Record<string, { block: SchemaBlock }>;
    }
  >;
}
export interface UsedGenesysTypes {
  provider: string;
  version: string;
  resources: string[];
  dataSources: string[];
}

export const PROVIDER_FQPN = "registry.terraform.io/mypurecloud/genesyscloud";
const DIR = join(__dirname, "..", "..", "providers", "genesyscloud");

export function loadUsedGenesysTypes(): UsedGenesysTypes {
  return JSON.parse(readFileSync(join(DIR, "used.json"), "utf8")) as UsedGenesysTypes;
}

export function loadVendoredGenesysSchema(): ProviderSchemaJson {
  const { version } = loadUsedGenesysTypes();
  return JSON.parse(readFileSync(join(DIR, `provider-schema-${version}.json`), "utf8")) as ProviderSchemaJson;
}
