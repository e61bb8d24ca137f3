import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");
const SOURCE_FOLDERS = ["config", "constructs", "functions", "scripts", "stacks", "test"];

/** Every TypeScript source file of the program, repository-relative. */
function sourceFiles(): string[] {
  const files = ["main.ts"];
  for (const folder of SOURCE_FOLDERS) {
    for (const file of readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })) {
      if (file.endsWith(".ts") && !file.endsWith(".d.ts")) files.push(join(folder, file).split(sep).join("/"));
    }
  }
  return files;
}

/** Repository-relative files a source file imports (relative specifiers only; packages are not layers). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|jest\.mock\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1]!);
  return specifiers.map((specifier) => {
    const base = resolve(ROOT, dirname(file), specifier);
    const target = [`${base}.ts`, join(base, "index.ts"), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? base;
    return relative(ROOT, target).split(sep).join("/");
  });
}

/** The layer a file belongs to: `functions/<capability>`, `scripts/<purpose>`, `test`, or its top folder. */
function layerOf(file: string): string {
  const [top, second] = file.split("/");
  if ((top === "functions" || top === "scripts") && second && !second.endsWith(".ts")) return `${top}/${second}`;
  return top === "main.ts" ? "main" : top!;
}

const edges = new Map<string, Set<string>>();
const offences: string[] = [];
for (const file of sourceFiles()) {
  for (const target of importsOf(file)) {
    if (target.startsWith(".gen/") || target.startsWith("node_modules/")) continue;
    const from = layerOf(file);
    const to = layerOf(target);
    if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    if (from.startsWith("functions/") && !to.startsWith("functions/")) offences.push(`${file} -> ${target}: Lambda code imports only Lambda code`);
    if (from.startsWith("functions/") && from !== "functions/shared" && to.startsWith("functions/") && to !== from && to !== "functions/shared") {
      offences.push(`${file} -> ${target}: a capability's functions share code only through functions/shared`);
    }
    if (from === "functions/shared" && to !== "functions/shared") offences.push(`${file} -> ${target}: functions/shared depends on no capability`);
    if (from !== "test" && to === "test") offences.push(`${file} -> ${target}: only tests import tests`);
  }
}

/**
 * Lambda code imports zod only as `zod/mini` (and type-only `zod/v4/core`): zod classic keeps its methods on
 * the schema classes, so it cannot be tree-shaken and would cost every bundle about 95 KB of code to load at
 * cold start. The bundle test checks the same on each bundle's metafile.
 */
const ZOD_CLASSIC_IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*|^import\s+)["'](zod(?:\/v4|\/v4\/classic|\/v3)?)["']/gm;
const zodClassicImports = sourceFiles()
  .filter((file) => file.startsWith("functions/"))
  .flatMap((file) => {
    const code = readFileSync(join(ROOT, file), "utf8")
      .split("\n")
      .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
      .join("\n");
    return [...code.matchAll(ZOD_CLASSIC_IMPORT)].map((m) => `${file} imports "${m[1]}": use "zod/mini"`);
  });

/** Layers on a cycle of imports, found by depth-first search. */
function cycles(): string[][] {
  const found: string[][] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) found.push([...path.slice(at), next]);
      else visit(next, [...path, next]);
    }
  };
  for (const node of edges.keys()) visit(node, [node]);
  return found;
}

describe("layering", () => {
  it("keeps Lambda code free of infrastructure and tools, and capabilities apart", () => {
    expect(offences).toEqual([]);
  });

  it("keeps zod classic out of Lambda code", () => {
    expect(zodClassicImports).toEqual([]);
  });

  it("has no cycle between folders", () => {
    expect(cycles().map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("sees the program's real dependencies", () => {
    expect([...(edges.get("stacks") ?? [])]).toEqual(expect.arrayContaining(["config", "constructs"]));
    expect([...(edges.get("functions/identity-graph") ?? [])]).toContain("functions/shared");
  });
});
