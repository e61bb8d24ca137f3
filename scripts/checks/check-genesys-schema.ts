/**
 * Checks every `genesyscloud_*` resource and data block (and the provider block) of synthesized
 * stacks against the vendored provider schema: unknown attributes, missing required ones, wrong
 * scalar types, block nesting and item counts. Catches what `terraform validate` would, without
 * terraform, a provider download or a Genesys org.
 *
 *   npx tsx scripts/check-genesys-schema.ts [cdktf.out]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadVendoredGenesysSchema, PROVIDER_FQPN, ProviderSchemaJson, SchemaBlock } from "../build/genesys-schema";

const META_ARGUMENTS = new Set(["//", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioner", "connection"]);

/** A value Terraform resolves at plan/apply time: its type cannot be checked here. */
function isExpression(value: unknown): boolean {
  return typeof value === "string" && /\$\{/.test(value.replace(/\$\$\{/g, ""));
}

function checkType(type: unknown, value: unknown, at: string, problems: string[]): void {
  if (value === null || isExpression(value)) return;
  if (type === "string") {
    if (typeof value !== "string") problems.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
  } else if (type === "number") {
    if (typeof value !== "number") problems.push(`${at}: expected a number, got ${JSON.stringify(value)}`);
  } else if (type === "bool") {
    if (typeof value !== "boolean") problems.push(`${at}: expected a bool, got ${JSON.stringify(value)}`);
  } else if (Array.isArray(type)) {
    const [kind, inner] = type as [string, unknown];
    if (kind === "list" || kind === "set") {
      if (!Array.isArray(value)) problems.push(`${at}: expected a ${kind}, got ${JSON.stringify(value)}`);
      else value.forEach((v, i) => checkType(inner, v, `${at}[${i}]`, problems));
    } else if (kind === "map") {
      if (typeof value !== "object" || Array.isArray(value)) problems.push(`${at}: expected a map, got ${JSON.stringify(value)}`);
      else Object.entries(value as object).forEach(([k, v]) => checkType(inner, v, `${at}.${k}`, problems));
    } else if (kind === "object") {
      if (typeof value !== "object" || Array.isArray(value)) problems.push(`${at}: expected an object, got ${JSON.stringify(value)}`);
    }
  }
}

export function checkBlock(block: SchemaBlock, body: Record<string, unknown>, at: string, problems: string[]): void {
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    if (META_ARGUMENTS.has(key)) continue;
    const attribute = attributes[key];
    const nested = blockTypes[key];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) {
        problems.push(`${at}.${key}: is read-only (computed) and cannot be set`);
      } else {
        checkType(attribute.type, value, `${at}.${key}`, problems);
      }
    } else if (nested) {
      if (isExpression(value)) continue;
      const items = Array.isArray(value) ? value : [value];
      if (nested.max_items !== undefined && items.length > nested.max_items) {
        problems.push(`${at}.${key}: has ${items.length} blocks; at most ${nested.max_items} allowed`);
      }
      if (nested.min_items !== undefined && items.length < nested.min_items) {
        problems.push(`${at}.${key}: has ${items.length} blocks; at least ${nested.min_items} required`);
      }
      items.forEach((item, i) => {
        const where = items.length > 1 || Array.isArray(value) ? `${at}.${key}[${i}]` : `${at}.${key}`;
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
          problems.push(`${where}: is a block and must be an object, got ${JSON.stringify(item)}`);
        } else {
          checkBlock(nested.block, item as Record<string, unknown>, where, problems);
        }
      });
    } else {
      problems.push(`${at}.${key}: unknown attribute or block`);
    }
  }
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(key in body)) problems.push(`${at}.${key}: required attribute is missing`);
  }
  for (const [key, nested] of Object.entries(blockTypes)) {
    if ((nested.min_items ?? 0) > 0 && !(key in body)) problems.push(`${at}.${key}: required block is missing`);
  }
}

interface SynthesizedStack {
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Every problem found in one synthesized stack, each naming its Terraform address and field. */
export function checkStackAgainstSchema(stack: SynthesizedStack, schema: ProviderSchemaJson = loadVendoredGenesysSchema()): string[] {
  const provider = schema.provider_schemas[PROVIDER_FQPN];
  if (!provider) throw new Error(`schema has no provider ${PROVIDER_FQPN}`);
  const problems: string[] = [];
  const providerBlocks = stack.provider?.["genesyscloud"];
  for (const [i, body] of (Array.isArray(providerBlocks) ? providerBlocks : providerBlocks ? [providerBlocks] : []).entries()) {
    checkBlock(provider.provider.block, body as Record<string, unknown>, `provider.genesyscloud[${i}]`, problems);
  }
  const sections = [
    ["resource", stack.resource ?? {}, provider.resource_schemas],
    ["data", stack.data ?? {}, provider.data_source_schemas],
  ] as const;
  for (const [kind, blocks, schemas] of sections) {
    for (const [type, instances] of Object.entries(blocks)) {
      if (!type.startsWith("genesyscloud_")) continue;
      const typeSchema = schemas[type];
      for (const [name, body] of Object.entries(instances)) {
        const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        if (!typeSchema) problems.push(`${address}: ${type} is not a ${kind === "data" ? "data source" : "resource"} of genesyscloud`);
        else checkBlock(typeSchema.block, body, address, problems);
      }
    }
  }
  return problems;
}

export function readSynthesizedStacks(outDir: string): Map<string, SynthesizedStack> {
  const stacksDir = join(outDir, "stacks");
  if (!existsSync(stacksDir)) throw new Error(`${stacksDir} does not exist: synthesize first`);
  const stacks = new Map<string, SynthesizedStack>();
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (existsSync(file)) stacks.set(name, JSON.parse(readFileSync(file, "utf8")) as SynthesizedStack);
  }
  return stacks;
}

if (require.main === module) {
  const outDir = process.argv[2] ?? "cdktf.out";
  let failed = false;
  for (const [name, stack] of readSynthesizedStacks(outDir)) {
    const problems = checkStackAgainstSchema(stack);
    const count = Object.entries({ ...stack.resource, ...stack.data }).filter(([t]) => t.startsWith("genesyscloud_")).length;
    if (problems.length) {
      failed = true;
      console.error(`${name}: ${problems.length} problem(s) against genesyscloud schema\n  ${problems.join("\n  ")}`);
    } else {
      console.log(`${name}: genesyscloud blocks conform to the vendored 1.84.1 schema (${count} types checked)`);
    }
  }
  process.exit(failed ? 1 : 0);
}
