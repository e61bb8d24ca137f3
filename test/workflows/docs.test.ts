import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { environmentSchema, LOG_RETENTION_DAYS } from "../../config/environment";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { ROOT } from "./support";

const DOCS = join(ROOT, "docs");
const docs = readdirSync(DOCS)
  .filter((f) => f.endsWith(".md"))
  .sort();
const read = (file: string) => readFileSync(join(DOCS, file), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (["node_modules", ".gen", "cdktf.out", ".git", "docs", "test", "dist", "coverage", ".terraform-state"].includes(entry)) return [];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|mjs|cjs|sh|ya?ml|json)$/.test(entry) ? [path] : [];
  });
}

describe("the lifecycle docs", () => {
  it("are the four the first deploy needs", () => {
    expect(docs).toEqual(expect.arrayContaining(["costs.md", "first-deploy.md", "sandbox-checklist.md", "troubleshooting.md"]));
  });

  it("name only the pinned terraform version, and so does the README", () => {
    const texts: Array<[string, string]> = [...docs.map((file) => [file, read(file)] as [string, string]), ["README.md", readFileSync(join(ROOT, "README.md"), "utf8")]];
    for (const [file, text] of texts) {
      for (const match of text.matchAll(/terraform\s+(?:v|>=\s*|version\s+)?(\d+\.\d+(?:\.\d+)?)/gi)) expect({ file, version: match[1] }).toEqual({ file, version: TERRAFORM_VERSION });
    }
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain(`terraform ${TERRAFORM_VERSION}`);
    expect(read("first-deploy.md")).toContain(`terraform ${TERRAFORM_VERSION}`);
  });

  it("link only to files that exist", () => {
    for (const file of docs) {
      for (const [, target] of read(file).matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)) {
        const path = relative(ROOT, join(DOCS, target!));
        expect({ file, target, exists: existsSync(join(ROOT, path)) }).toEqual({ file, target, exists: true });
      }
    }
    expect(read("first-deploy.md")).toContain("](genesys-setup.md)");
  });

  it("troubleshoot what a first deploy meets", () => {
    const headings = [...read("troubleshooting.md").matchAll(/^## (.+)$/gm)].map((m) => m[1]!.toLowerCase());
    for (const topic of ["terraform is missing", "unknown permission", "email domain", "scheduled for deletion", "session expired", "stale", "state lock"]) {
      expect({ topic, found: headings.some((h) => h.includes(topic)) }).toEqual({ topic, found: true });
    }
  });

  it("price every service of the stack, per environment and per 1,000 emails, documents and identity events, with sources and a date", () => {
    const costs = read("costs.md");
    for (const service of ["Lambda", "API Gateway", "Step Functions", "Textract", "Comprehend", "Secrets Manager", "DynamoDB", "EventBridge", "SQS", "KMS", "CloudWatch Logs", "S3"]) {
      expect({ service, priced: new RegExp(`^\\| ${service}[ (|]`, "m").test(costs) }).toEqual({ service, priced: true });
    }
    for (const section of ["Standing cost per environment", "Per 1,000 emails", "Per 1,000 documents", "Per 1,000 identity events"]) expect(costs).toContain(`## ${section}`);
    expect(costs).toMatch(/retrieved \d{4}-\d{2}-\d{2}/);
  });

  it("list every file holding an UNCONFIRMED fact in the sandbox checklist", () => {
    const checklist = read("sandbox-checklist.md");
    const holders = sourceFiles(ROOT)
      .filter((path) => readFileSync(path, "utf8").includes("UNCONFIRMED"))
      .map((path) => relative(ROOT, path));
    expect(holders.length).toBeGreaterThan(0);
    for (const holder of holders) expect({ holder, listed: checklist.includes(`\`${holder}\``) }).toEqual({ holder, listed: true });
  });
});

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** A zod schema's internals, as far as the walk below reads them. */
interface SchemaDef {
  readonly type: string;
  readonly in?: Walkable;
  readonly innerType?: Walkable;
  readonly shape?: Record<string, Walkable>;
  readonly options?: readonly Walkable[];
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, unknown>;
  readonly defaultValue?: unknown;
}
interface Walkable {
  readonly _zod: { readonly def: SchemaDef };
}

interface Field {
  readonly path: string;
  /** The values an enum or a set of literals allows. */
  readonly allowed?: readonly unknown[];
  readonly defaultValue?: unknown;
}

/** Every leaf setting of a schema: objects (and unions of objects) are walked into, anything else is a field. */
function fieldsOf(schema: Walkable, path: readonly string[] = [], defaultValue?: unknown): Field[] {
  const def = schema._zod.def;
  switch (def.type) {
    case "pipe":
      return fieldsOf(def.in!, path, defaultValue);
    case "default":
      return fieldsOf(def.innerType!, path, def.defaultValue);
    case "optional":
    case "prefault":
    case "nullable":
    case "readonly":
      return fieldsOf(def.innerType!, path, defaultValue);
    case "object":
      return Object.entries(def.shape!).flatMap(([key, value]) => fieldsOf(value, [...path, key]));
    case "union":
      if (def.options!.every((o) => o._zod.def.type === "object")) {
        const fields = def.options!.flatMap((o) => fieldsOf(o, path));
        return [...new Map(fields.map((f) => [f.path, f])).values()];
      }
      return [{ path: path.join("."), defaultValue }];
    case "enum":
      return [{ path: path.join("."), allowed: Object.values(def.entries!), defaultValue }];
    case "literal":
      return [{ path: path.join("."), allowed: def.values, defaultValue }];
    default:
      return [{ path: path.join("."), defaultValue }];
  }
}

/** The README's settings table: one row per line, the first cell and the whole row. */
function settingsRows(readme: string): Array<{ first: string; text: string }> {
  const start = readme.indexOf("| setting | meaning |");
  expect(start).toBeGreaterThan(-1);
  const rows = readme.slice(start).split("\n").slice(2);
  return rows.slice(0, rows.findIndex((line) => !line.startsWith("|"))).map((text) => ({ first: text.split(" | ")[0]!, text }));
}

/**
 * The setting paths a code span names: `a.b`, `a.{b, c}` (a.b and a.c), `{b, c}` and `{"b":"x"}` (b and c
 * relative to the row), or nothing for other code.
 */
function namesIn(span: string): string[] {
  const text = span.replace(/"/g, "");
  const braces = /^([\w.]*)\{(.*)\}$/.exec(text);
  if (braces) return braces[2]!.split(",").map((item) => `${braces[1]}${item.split(":")[0]!.trim()}`);
  return /^[A-Za-z][\w.]*$/.test(text) ? [text] : [];
}

const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/**
 * Whether a row documents `field`: it names the field's full path, or the path relative to the setting the
 * row is about (its first cell's first name) or to one of that setting's parents.
 */
function documents(row: { first: string; text: string }, field: string): boolean {
  const subject = namesIn(codeSpans(row.first)[0] ?? "")[0] ?? "";
  const parts = subject.split(".");
  const contexts = ["", ...parts.map((_, i) => parts.slice(0, i + 1).join("."))];
  const names = codeSpans(row.text).flatMap(namesIn);
  return names.some((name) => contexts.some((context) => (context ? `${context}.${name}` : name) === field));
}

describe("the README's settings table", () => {
  const fields = fieldsOf(environmentSchema as unknown as Walkable);
  const rows = settingsRows(README);
  const rowOf = (field: string) => rows.find((row) => documents(row, field));

  it("covers every setting of the environment schema", () => {
    expect(fields.length).toBeGreaterThan(50);
    expect(fields.filter((f) => rowOf(f.path) === undefined).map((f) => f.path)).toEqual([]);
  });

  it("lists the values each enumerated setting allows, and every default short enough to quote", () => {
    const shown = (value: unknown) => (typeof value === "number" ? new RegExp(`(^|[^\\d.])${String(value).replace(".", "\\.")}(?![\\d])`) : new RegExp(`\\b${String(value)}\\b`));
    const missing = fields.flatMap((field) => {
      const text = rowOf(field.path)?.text ?? "";
      const values = [...(field.allowed ?? []), ...(["number", "boolean"].includes(typeof field.defaultValue) || (typeof field.defaultValue === "string" && field.defaultValue.length <= 30) ? [field.defaultValue] : [])];
      return values.filter((value) => !shown(value).test(text)).map((value) => `${field.path}: ${String(value)}`);
    });
    expect(missing).toEqual([]);
  });

  it("names the log retention periods CloudWatch Logs accepts, from the schema", () => {
    const row = rowOf("logRetentionDays")!;
    expect(row.text).toContain(LOG_RETENTION_DAYS.join(", "));
    expect(row.text).toContain("default 30");
  });
});

describe("the README's tools", () => {
  it("feed the local runners files that exist", () => {
    for (const [, file] of README.matchAll(/npm run \w[\w:]* (?:-- [^`|<]*)?< ([\w./-]+)/g)) {
      expect({ file, exists: existsSync(join(ROOT, file!)) }).toEqual({ file, exists: true });
    }
    expect(README).toContain("npm run classify < samples/emails.jsonl");
  });

  it("list every bench section", () => {
    const sections = /const SECTIONS[^=]*= \{([^}]*)\}/.exec(readFileSync(join(ROOT, "scripts", "bench", "bench.ts"), "utf8"))![1]!.split(",").map((s) => s.trim());
    expect(sections.length).toBeGreaterThan(3);
    for (const section of sections) expect({ section, listed: README.includes(`npm run bench -- ${section}\``) }).toEqual({ section, listed: true });
  });
});
