import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { Environment } from "../../config/environment";
import { ENVIRONMENTS_DIR, loadEnvironments, parseEnvironment } from "../../config/load";
import { EnvironmentStack } from "../../stacks/environment-stack";

export type Block = Record<string, unknown>;
export interface Synthesized {
  provider: Record<string, Block[]>;
  terraform: Block;
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const cache = new Map<string, Synthesized>();

/** Synthesizes one environment's stack exactly as main.ts does, and parses the Terraform JSON. */
export function synthesize(environment: Environment): Synthesized {
  const app = Testing.app();
  const stack = new EnvironmentStack(app, environment);
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** The shipped environments, synthesized once per test file. */
export function shipped(name: string): Synthesized {
  let stack = cache.get(name);
  if (!stack) {
    const environment = loadEnvironments().find((e) => e.name === name);
    if (!environment) throw new Error(`no shipped environment ${name}`);
    stack = synthesize(environment);
    cache.set(name, stack);
  }
  return stack;
}

export function rawEnvironment(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ENVIRONMENTS_DIR, `${name}.json`), "utf8")) as Record<string, unknown>;
}

/** A shipped environment with some settings replaced (a shallow merge per top-level section). */
export function variant(base: string, changes: (raw: Record<string, any>) => void, name = base): Environment { // eslint-disable-line @typescript-eslint/no-explicit-any
  const raw = structuredClone(rawEnvironment(base));
  changes(raw);
  return parseEnvironment(name, raw);
}

export function resourcesOf(stack: Synthesized, type: string): Block[] {
  return Object.values(stack.resource?.[type] ?? {});
}

export function onlyResource(stack: Synthesized, type: string): Block {
  const all = resourcesOf(stack, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}
