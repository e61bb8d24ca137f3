import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSampleDocuments, largeScannedPdf, SampleDocuments } from "../support/documents";

const ROOT = join(__dirname, "..", "..");
/** The runner starts tsx, trains the model and starts Tesseract: on a loaded 2-core machine that can take a minute. */
const RUN_TIMEOUT_MS = 110_000;
const runIdp = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "scripts", "cli", "idp.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: RUN_TIMEOUT_MS });

jest.setTimeout(RUN_TIMEOUT_MS + 10_000);

interface Line {
  file: string;
  status: string;
  documentType: string | null;
  confidence: number | null;
  pagesAnalyzed: number;
  truncated: boolean;
}
const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);

let samples: SampleDocuments;
beforeAll(async () => {
  samples = await generateSampleDocuments();
});

afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));

describe("npm run idp", () => {
  it("prints one line per file, in order: text layer, OCR, encrypted, invalid, unsupported, truncated", () => {
    const files = [samples.textPdf, samples.userPasswordPdf, samples.randomPdf, samples.docx, samples.png, samples.imagePdf, samples.oversizePdf];
    const result = runIdp(files);
    expect(result.status).toBe(0);
    const [text, encrypted, invalid, unsupported, png, scanned, oversize, ...rest] = lines(result.stdout);
    expect(rest).toEqual([]);
    expect(text).toMatchObject({ file: samples.textPdf, status: "classified", documentType: "Invoice", pagesAnalyzed: 1, truncated: false });
    expect(text!.confidence).toBeGreaterThan(0.8);
    expect(encrypted).toEqual({ file: samples.userPasswordPdf, status: "encrypted", documentType: null, confidence: null, pagesAnalyzed: 0, truncated: false });
    expect(invalid).toEqual({ file: samples.randomPdf, status: "invalid", documentType: null, confidence: null, pagesAnalyzed: 0, truncated: false });
    expect(unsupported).toEqual({ file: samples.docx, status: "unsupported", documentType: null, confidence: null, pagesAnalyzed: 0, truncated: false });
    // OCR (Tesseract) of a PNG, and of an image-only PDF rendered to an image.
    expect(png).toMatchObject({ status: "classified", documentType: "Complaint", pagesAnalyzed: 1, truncated: false });
    expect(png!.confidence).toBeGreaterThan(0.6);
    expect(scanned).toMatchObject({ status: "classified", documentType: "ClaimForm", pagesAnalyzed: 1, truncated: false });
    expect(oversize).toMatchObject({ status: "classified", documentType: "Other", pagesAnalyzed: 5, truncated: true });
    expect(result.stderr).toContain(`${samples.userPasswordPdf}: encrypted: the PDF needs a password to open`);
    expect(result.stderr).toContain(`${samples.docx}: unsupported: a ZIP container`);
  });

  it("applies limits from flags; a missing path or a folder gets a line saying so, and exit code 1", () => {
    const missing = join(samples.dir, "missing.pdf");
    const folder = join(samples.dir, "a-folder.pdf");
    mkdirSync(folder);
    const size = readFileSync(samples.textPdf).length;
    const result = runIdp([samples.textPdf, missing, folder, "--max-download-bytes", String(size - 1)]);
    expect(result.status).toBe(1);
    const [tooLarge, absent, directory, ...rest] = lines(result.stdout);
    expect(rest).toEqual([]);
    expect(tooLarge).toMatchObject({ status: "unsupported", documentType: null });
    expect(result.stderr).toContain(`the limit is ${size - 1}`);
    expect(absent).toEqual({ file: missing, status: "missing", documentType: null, confidence: null, pagesAnalyzed: 0, truncated: false });
    expect(directory).toEqual({ file: folder, status: "directory", documentType: null, confidence: null, pagesAnalyzed: 0, truncated: false });
    expect(result.stderr).toContain(`${missing}: missing`);
  });

  it("says empty for an empty file whatever its name, and exits 0", () => {
    const names = ["empty.pdf", "empty.png", "empty.docx", "empty"].map((name) => join(samples.dir, name));
    for (const name of names) writeFileSync(name, "");
    const result = runIdp(names);
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual(names.map((file) => ({ file, status: "empty", documentType: null, confidence: null, pagesAnalyzed: 0, truncated: false })));
  });

  it("classifies an 18 MB, 14-page scan by its first 5 pages: truncated, pagesAnalyzed 5", async () => {
    const scan = join(samples.dir, "claim-form-scan.pdf");
    writeFileSync(scan, await largeScannedPdf({ textLayer: true }));
    const result = runIdp([scan]);
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual([{ file: scan, status: "classified", documentType: "ClaimForm", confidence: expect.any(Number), pagesAnalyzed: 5, truncated: true }]);
    expect(result.stderr).toContain(`${scan}: read the first 5 of 14 pages`);
  });

  it("prints usage without files", () => {
    const result = runIdp([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run idp/);
  });
});
