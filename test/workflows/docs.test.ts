import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
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
