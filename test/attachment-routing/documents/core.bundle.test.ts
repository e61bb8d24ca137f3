import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { generateSampleDocuments, SampleDocuments } from "../../support/documents";

const ROOT = join(__dirname, "..", "..", "..");

let samples: SampleDocuments;
beforeAll(async () => {
  samples = await generateSampleDocuments();
});

afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));

/**
 * The core as a Lambda ships it: bundled by esbuild with the options of scripts/build/lambda-bundle.ts
 * and run by plain Node from a directory with no node_modules, so nothing outside the bundle
 * (pdf.js' worker, pdf-lib) can be found, and the native canvas package pdf.js can use for
 * rendering is absent as it is on Lambda.
 */
describe("the document core in a Lambda bundle", () => {
  it("bundles without native addons and analyses PDFs from the bundle alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "documents-bundle-"));
    const result = buildSync({
      stdin: { contents: `export { analyzeDocument } from ${JSON.stringify(join(ROOT, "functions", "attachment-routing", "core", "documents"))};`, resolveDir: ROOT, loader: "ts" },
      outfile: join(dir, "index.js"),
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: true,
      legalComments: "none",
      logLevel: "error",
      banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
      define: { "import.meta.url": "__importMetaUrl" },
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes("pdfjs-dist/legacy/build/pdf.worker.mjs"))).toBe(true);
    expect(inputs.filter((input) => input.endsWith(".node") || input.includes("@napi-rs/canvas"))).toEqual([]);

    const files = { text: samples.textPdf, user: samples.userPasswordPdf, owner: samples.ownerPasswordPdf, long: samples.oversizePdf, corrupt: samples.corruptPdf };
    writeFileSync(
      join(dir, "run.js"),
      `const { analyzeDocument } = require("./index.js");
const { readFileSync } = require("node:fs");
(async () => {
  const out = {};
  for (const [key, file] of Object.entries(${JSON.stringify(files)})) {
    const { classificationBytes, ...analysis } = await analyzeDocument(readFileSync(file), file);
    out[key] = { ...analysis, classificationBytes: classificationBytes && classificationBytes.length };
  }
  process.stdout.write("RESULT " + JSON.stringify(out) + "\\n");
})().catch((error) => { console.error(error); process.exit(1); });`,
    );
    const run = spawnSync(process.execPath, [join(dir, "run.js")], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" }, timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(0);
    // pdf.js says once, as it loads, that it cannot render without the canvas package; nothing else.
    const unexpected = run.stderr
      .split("\n")
      .filter((l) => l && !/^(Warning: Cannot (load "@napi-rs\/canvas" package|polyfill `(ImageData|Path2D)`)|Require stack:|- .*index\.js"\.$)/.test(l));
    expect(unexpected).toEqual([]);
    const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    const out = JSON.parse(line!.slice("RESULT ".length)) as Record<string, Record<string, unknown>>;
    expect(out.text).toMatchObject({ status: "readable", needsOcr: false, text: expect.stringContaining("Invoice No. INV-20931") });
    expect(out.user).toMatchObject({ status: "encrypted" });
    expect(out.owner).toMatchObject({ status: "readable", text: expect.stringContaining("formal complaint") });
    expect(out.long).toMatchObject({ status: "readable", pagesTotal: 8, pagesAnalyzed: 5, truncated: true });
    expect(out.corrupt).toMatchObject({ status: "invalid" });
  });
});
