/**
 * Lazy chunks for CommonJS Lambda bundles.
 *
 * esbuild splits code only for ES module output. Our bundles stay CommonJS (Jest, Node 20 and the
 * local runners `require` them), so this plugin does the splitting: the target of every `import()`
 * becomes a chunk file next to index.js, bundled on its own, and the `import()` becomes a
 * `require` of that file when it runs. Nothing of a chunk is read, parsed or run before then.
 *
 * Modules in LAZY_MODULES are split too, though they are imported statically: each import of one is
 * replaced by a stand-in exporting a function per export of the real module, which loads the chunk
 * on its first call. That is only equivalent when every export is an async function, so the build
 * checks that and fails naming the export otherwise. It keeps a heavy module that another team's
 * code imports statically out of the eager path without changing that code; where the importing
 * code can use `await import()` instead, prefer that and drop the entry here.
 *
 * Node built-ins in LAZY_BUILTINS are treated alike for the one package that imports them: its import
 * becomes a stand-in with a function per name, which requires the built-in on the first call. A
 * built-in is not free to load: `node:crypto` alone costs about 8 ms of a fresh process's CPU.
 */
import { readFileSync } from "node:fs";
import { basename, join, sep } from "node:path";
import type { OnResolveArgs, Plugin } from "esbuild";
import { repoPath, ROOT, sha256 } from "./build-cache";

/** Loaded on first call wherever they are imported: pdf.js, pdf-lib and the pdf-parse wrapper (about 2.2 MB). */
export const LAZY_MODULES: readonly string[] = ["functions/attachment-routing/core/documents/pdf.ts"];

export interface LazyBuiltin {
  /** The package whose imports of the built-in are replaced (its files under node_modules). */
  readonly importer: string;
  /** The built-in, as the package imports it. */
  readonly module: string;
  /** Everything the package imports from it: functions only. */
  readonly functions: readonly string[];
}

/**
 * Powertools' Logger imports `randomInt` from node:crypto at load, for debug-log sampling only (an
 * invocation is sampled when POWERTOOLS_LOGGER_SAMPLE_RATE is set). A bundle with no AWS SDK on its eager
 * path would load crypto only for that: classify-email's cold require went from about 30 to 26 ms
 * (`npm run bench -- bundles`). Bundles with the SDK load crypto anyway.
 */
export const LAZY_BUILTINS: readonly LazyBuiltin[] = [{ importer: "@aws-lambda-powertools/logger", module: "node:crypto", functions: ["randomInt"] }];

/** Chunk files are named `chunk-<module>-<hash of its path>.js`; nothing else in a bundle is. */
const CHUNK_FILE = /^\.\/chunk-[A-Za-z0-9._-]+\.js$/;

export interface Chunk {
  /** Absolute path of the module the chunk is bundled from. */
  readonly source: string;
  /** File name next to index.js. */
  readonly file: string;
}

/** The chunks of one bundle, shared by the build of its entry and of each chunk (chunks may have chunks). */
export class ChunkRegistry {
  private readonly chunks = new Map<string, Chunk>();
  private readonly built = new Set<string>();

  add(source: string): Chunk {
    let chunk = this.chunks.get(source);
    if (!chunk) {
      const name = basename(source).replace(/\.(m|c)?[jt]s$/, "");
      chunk = { source, file: `chunk-${name}-${sha256(repoPath(source)).slice(0, 8)}.js` };
      this.chunks.set(source, chunk);
    }
    return chunk;
  }

  /**
   * The chunks an output still refers to after tree shaking (an `import()` in code that was dropped
   * registers a chunk nobody loads) and that are not built yet, marked as built.
   */
  takeReferenced(output: { imports: ReadonlyArray<{ path: string; external?: boolean }> }): Chunk[] {
    const referenced = new Set(output.imports.filter((i) => i.external && CHUNK_FILE.test(i.path)).map((i) => i.path.slice(2)));
    const pending = [...this.chunks.values()].filter((c) => referenced.has(c.file) && !this.built.has(c.source));
    for (const chunk of pending) this.built.add(chunk.source);
    return pending;
  }
}

const identifier = /^[A-Za-z_$][\w$]*$/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The exports of a module in LAZY_MODULES, each checked to be an async function (type-only exports
 * are erased and ignored). Parsed with the TypeScript compiler's parser, syntax only.
 */
function asyncFunctionExports(path: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof import("typescript");
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const problems: string[] = [];
  const names: string[] = [];
  const hasModifier = (node: import("typescript").Node, kind: import("typescript").SyntaxKind) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
  for (const statement of source.statements) {
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) continue;
    if (ts.isExportDeclaration(statement)) {
      if (!statement.isTypeOnly) problems.push(`re-export "${statement.getText(source).slice(0, 60)}"`);
      continue;
    }
    if (ts.isExportAssignment(statement)) {
      problems.push("default export");
      continue;
    }
    if (!exported) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name && hasModifier(statement, ts.SyntaxKind.AsyncKeyword) && !hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) {
      names.push(statement.name.text);
    } else {
      const name = (statement as { name?: { getText(s: unknown): string } }).name?.getText(source) ?? statement.getText(source).slice(0, 40);
      problems.push(`export ${name} is not an async function`);
    }
  }
  if (problems.length) {
    throw new Error(
      `${repoPath(path)} is loaded on first call (scripts/build/lazy-loading.ts LAZY_MODULES), so every export must be an ` +
        `\`export async function\`: ${problems.join("; ")}. Make it so, or import it with \`await import()\` and remove it from LAZY_MODULES.`,
    );
  }
  return names;
}

function facadeSource(chunk: Chunk, exports: readonly string[]): string {
  return [
    `const load = () => Promise.resolve().then(() => require(${JSON.stringify(`./${chunk.file}`)}));`,
    ...exports.filter((name) => identifier.test(name)).map((name) => `export function ${name}(...args) { return load().then((m) => m.${name}(...args)); }`),
  ].join("\n");
}

/**
 * The plugin for one build (the entry's or a chunk's). `self` is that build's entry, which is never
 * replaced by a stand-in of itself.
 */
export function lazyLoadingPlugin(registry: ChunkRegistry, self: string): Plugin {
  const lazy = new Set(LAZY_MODULES.map((m) => join(ROOT, m)));
  return {
    name: "lazy-chunks",
    setup(build) {
      build.onResolve({ filter: CHUNK_FILE }, (args) => ({ path: args.path, external: true }));
      const resolveFrom = (args: OnResolveArgs) =>
        build.resolve(args.path, { kind: "import-statement", importer: args.importer, resolveDir: args.resolveDir, pluginData: { lazyResolving: true } });
      // esbuild filters on the path only, so this sees every import and passes on all but import().
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.pluginData?.lazyResolving) return undefined;
        const resolved = await resolveFrom(args);
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external || !resolved.path || resolved.path === self) return undefined;
        return { path: `./${registry.add(resolved.path).file}`, external: true };
      });
      if (lazy.size > 0) {
        const names = [...lazy].map((m) => escapeRegExp(basename(m).replace(/\.ts$/, "")));
        build.onResolve({ filter: new RegExp(`(^|/)(${names.join("|")})(\\.[cm]?[jt]s)?$`) }, async (args) => {
          if (args.kind !== "import-statement" || args.pluginData?.lazyResolving) return undefined;
          const resolved = await resolveFrom(args);
          if (resolved.errors.length > 0 || !lazy.has(resolved.path) || resolved.path === self) return undefined;
          return { path: resolved.path, namespace: "lazy-facade" };
        });
      }
      build.onLoad({ filter: /.*/, namespace: "lazy-facade" }, (args) => ({
        contents: facadeSource(registry.add(args.path), asyncFunctionExports(args.path)),
        loader: "js",
        resolveDir: ROOT,
      }));
    },
  };
}

/**
 * Replaces each LAZY_BUILTINS import by its stand-in. esbuild fails the build, naming the import, when
 * the package imports anything the entry does not list (a new version that uses more of the built-in).
 */
export function lazyBuiltinsPlugin(entries: readonly LazyBuiltin[] = LAZY_BUILTINS): Plugin {
  return {
    name: "lazy-builtins",
    setup(build) {
      entries.forEach((entry, index) => {
        const bare = entry.module.replace(/^node:/, "");
        const importerDir = `${sep}node_modules${sep}${entry.importer.split("/").join(sep)}${sep}`;
        build.onResolve({ filter: new RegExp(`^(node:)?${escapeRegExp(bare)}$`) }, (args) =>
          args.importer.includes(importerDir) ? { path: entry.module, namespace: "lazy-builtin", pluginData: { index } } : undefined,
        );
      });
      build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => {
        const entry = entries[(args.pluginData as { index: number }).index]!;
        const load = `require(${JSON.stringify(entry.module)})`;
        return { contents: entry.functions.map((name) => `export function ${name}(...args) { return ${load}.${name}(...args); }`).join("\n"), loader: "js" };
      });
    },
  };
}
