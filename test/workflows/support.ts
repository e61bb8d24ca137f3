import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const ROOT = join(__dirname, "..", "..");
export const WORKFLOWS_DIR = join(ROOT, ".github", "workflows");

export interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
  readonly "working-directory"?: string;
}
export interface Job {
  readonly name?: string;
  readonly "runs-on"?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly if?: string;
  readonly needs?: string | string[];
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  readonly "timeout-minutes"?: number;
  readonly env?: Record<string, string>;
  readonly defaults?: { run?: { shell?: string } };
  readonly strategy?: { matrix?: unknown };
  readonly steps?: Step[];
}
export interface Workflow {
  readonly file: string;
  readonly text: string;
  readonly name: string;
  readonly on: Record<string, unknown> | string;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: unknown;
  readonly defaults?: { run?: { shell?: string } };
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

export function workflowFiles(): string[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export function loadWorkflow(file: string): Workflow {
  const text = readFileSync(join(WORKFLOWS_DIR, file), "utf8");
  return { file, text, ...(parse(text) as Omit<Workflow, "file" | "text">) };
}

export function triggers(workflow: Workflow): string[] {
  return typeof workflow.on === "string" ? [workflow.on] : Object.keys(workflow.on);
}

/** Every `${{ ... }}` expression anywhere under a value. */
export function expressionsIn(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1]!.trim());
}
