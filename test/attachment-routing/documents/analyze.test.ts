import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { PDFDocument } from "pdf-lib";
import { analyzeDocument, countTiffPages, DocumentAnalysis, openPdf, ReadableDocument, resolveDocumentLimits } from "../../../functions/attachment-routing/core/documents";
import { generateSampleDocuments, loadPdfjsWorkerForJest, multiPageTiff, pdfkitDocument, SAMPLE_TEXTS, SampleDocuments, writeTiff } from "../../support/documents";

let samples: SampleDocuments;

beforeAll(async () => {
  await loadPdfjsWorkerForJest();
  samples = await generateSampleDocuments();
});

afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));

const analyze = (path: string, limits = {}) => analyzeDocument(readFileSync(path), path.split("/").pop()!, limits);

function expectReadable(analysis: DocumentAnalysis): ReadableDocument {
  if (analysis.status !== "readable") throw new Error(`expected readable, got ${analysis.status}: ${analysis.reason}`);
  return analysis;
}

async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const parser = await openPdf(bytes);
  try {
    const result = await parser.getText();
    return { pages: result.total, text: result.text };
  } finally {
    await parser.destroy();
  }
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("analyzeDocument on PDFs", () => {
  it("reads the text layer of a text PDF: readable, no OCR, the original as classification bytes", async () => {
    const bytes = readFileSync(samples.textPdf);
    const analysis = expectReadable(await analyzeDocument(bytes, "invoice.pdf"));
    expect(analysis).toMatchObject({ type: "pdf", pagesTotal: 1, pagesAnalyzed: 1, truncated: false, needsOcr: false, bytes: bytes.length });
    expect(analysis.text).toContain("Invoice No. INV-20931");
    expect(analysis.text).toContain("Total due $237.07");
    expect(analysis.classificationBytes).toBe(bytes);
    expect(analysis.reason).toBeUndefined();
  });

  it("flags an image-only PDF (no text layer) as needing OCR", async () => {
    const analysis = expectReadable(await analyze(samples.imagePdf));
    expect(analysis).toMatchObject({ type: "pdf", pagesTotal: 1, pagesAnalyzed: 1, truncated: false, needsOcr: true });
    expect(analysis.text).toBeUndefined();
  });

  it("needs OCR when the text layer is below minTextChars", async () => {
    const analysis = expectReadable(await analyze(samples.textPdf, { minTextChars: 100_000 }));
    expect(analysis.needsOcr).toBe(true);
    expect(analysis.text).toBeUndefined();
  });

  it("reports a PDF that needs a user password as encrypted, with its page count, without OCR", async () => {
    const analysis = await analyze(samples.userPasswordPdf);
    expect(analysis).toMatchObject({ status: "encrypted", type: "pdf", pagesTotal: 1, pagesAnalyzed: 0, needsOcr: false, reason: "the PDF needs a password to open" });
    expect(analysis).not.toHaveProperty("classificationBytes");
  });

  it("reads a PDF with only an owner password (restrictions, empty user password) normally", async () => {
    const bytes = readFileSync(samples.ownerPasswordPdf);
    expect(bytes.toString("latin1")).toContain("/Encrypt");
    const analysis = expectReadable(await analyzeDocument(bytes, "owner-password.pdf"));
    expect(analysis).toMatchObject({ pagesTotal: 1, needsOcr: false, truncated: false });
    expect(analysis.text).toContain("formal complaint");
  });

  it("truncates a PDF over classificationPages to its first 5 pages, keeping the original page count and bytes", async () => {
    const bytes = readFileSync(samples.oversizePdf);
    const before = sha256(bytes);
    const analysis = expectReadable(await analyzeDocument(bytes, "statement.pdf"));
    expect(analysis).toMatchObject({ pagesTotal: 8, pagesAnalyzed: 5, truncated: true, needsOcr: false });
    expect(sha256(bytes)).toBe(before);
    expect(analysis.classificationBytes).not.toBe(bytes);
    expect((await PDFDocument.load(analysis.classificationBytes)).getPageCount()).toBe(5);
    const copy = await pdfText(analysis.classificationBytes);
    expect(copy.pages).toBe(5);
    expect(copy.text).toContain("Page 5 of 8");
    expect(copy.text).not.toContain("Page 6 of 8");
    expect(analysis.text).toContain("Page 1 of 8");
    expect(analysis.text).not.toContain("Page 6 of 8");
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(8);
  });

  it("honours classificationPages from the limits", async () => {
    const analysis = expectReadable(await analyze(samples.oversizePdf, { classificationPages: 2 }));
    expect(analysis).toMatchObject({ pagesTotal: 8, pagesAnalyzed: 2, truncated: true });
    expect((await pdfText(analysis.classificationBytes)).pages).toBe(2);
  });

  it("truncates an owner-password PDF into a copy that still opens without a password", async () => {
    const bytes = await pdfkitDocument(SAMPLE_TEXTS.complaint, { ownerPassword: "owner", permissions: { copying: false } }, 7);
    const analysis = expectReadable(await analyzeDocument(bytes, "long-complaint.pdf"));
    expect(analysis).toMatchObject({ pagesTotal: 7, pagesAnalyzed: 5, truncated: true });
    expect(analysis.reason).toBeUndefined();
    const copy = await pdfText(analysis.classificationBytes);
    expect(copy.pages).toBe(5);
    expect(copy.text).toContain("Page 5 of 7");
  });

  it("reads the first pages of a PDF over maxPages: Textract only gets the copy", async () => {
    const analysis = expectReadable(await analyze(samples.oversizePdf, { maxPages: 4 }));
    expect(analysis).toMatchObject({ pagesTotal: 8, pagesAnalyzed: 4, truncated: true });
    expect((await PDFDocument.load(analysis.classificationBytes)).getPageCount()).toBe(4);
  });

  it("reports a corrupt PDF (a PDF header, then garbage) as invalid", async () => {
    const analysis = await analyze(samples.corruptPdf);
    expect(analysis).toMatchObject({ status: "invalid", type: "pdf", pagesAnalyzed: 0 });
    expect(analysis.reason).toMatch(/not a readable PDF/);
  });
});

describe("analyzeDocument on images and other files", () => {
  it.each([
    ["png", "complaint.png"],
    ["jpeg", "invoice.jpg"],
  ] as const)("%s is readable and needs OCR", async (type, name) => {
    const bytes = readFileSync(`${samples.dir}/${name}`);
    const analysis = expectReadable(await analyzeDocument(bytes, name));
    expect(analysis).toMatchObject({ type, pagesTotal: 1, pagesAnalyzed: 1, truncated: false, needsOcr: true });
    expect(analysis.classificationBytes).toBe(bytes);
  });

  it("counts the pages of a multi-page TIFF and sends one within classificationPages whole", async () => {
    const bytes = readFileSync(samples.tiff);
    const analysis = expectReadable(await analyzeDocument(bytes, "claim.tif"));
    expect(analysis).toMatchObject({ type: "tiff", classificationType: "tiff", pagesTotal: 2, pagesAnalyzed: 2, truncated: false, needsOcr: true });
    expect(analysis.classificationBytes).toBe(bytes);
  });

  it("gives OCR a TIFF longer than classificationPages as a copy of its first images", async () => {
    // Prepare
    const fax = multiPageTiff(7);

    // Act
    const analysis = expectReadable(await analyzeDocument(fax, "fax.tiff"));

    // Assess
    expect(analysis).toMatchObject({ type: "tiff", classificationType: "tiff", pagesTotal: 7, pagesAnalyzed: 5, truncated: true, needsOcr: true });
    expect(countTiffPages(analysis.classificationBytes)).toBe(5);
    expect(countTiffPages(fax)).toBe(7);
  });

  it("reads a TIFF over maxPages from its first images rather than refusing it", async () => {
    // Prepare
    const page = { width: 2, height: 2, pixels: Uint8Array.of(0, 255, 255, 0) };
    const tiff = writeTiff(Array.from({ length: 6 }, () => page));

    // Act
    const analysis = expectReadable(await analyzeDocument(tiff, "long.tif", { maxPages: 3, classificationPages: 10 }));

    // Assess
    expect(analysis).toMatchObject({ pagesTotal: 6, pagesAnalyzed: 3, truncated: true });
    expect(countTiffPages(analysis.classificationBytes)).toBe(3);
  });

  it("reports random bytes named .pdf as invalid", async () => {
    const analysis = await analyze(samples.randomPdf);
    expect(analysis).toMatchObject({ status: "invalid", type: null, reason: "named as a PDF file but its content is not a PDF, PNG, JPEG or TIFF file" });
  });

  it("reports a file whose extension names another supported type as invalid", async () => {
    const analysis = await analyzeDocument(readFileSync(samples.png), "scan.pdf");
    expect(analysis).toMatchObject({ status: "invalid", type: "png", reason: "named as a PDF file but its content is a PNG file" });
  });

  it("trusts the bytes when the name claims no supported type", async () => {
    expect(await analyzeDocument(readFileSync(samples.textPdf), "attachment.bin")).toMatchObject({ status: "readable", type: "pdf" });
    expect(await analyzeDocument(readFileSync(samples.textPdf), "INVOICE.PDF")).toMatchObject({ status: "readable", type: "pdf" });
  });

  it.each(["letter.docx", "budget.xlsx"])("reports an Office file (%s, a ZIP) as unsupported", async (name) => {
    const analysis = await analyzeDocument(readFileSync(samples.docx), name);
    expect(analysis).toMatchObject({ status: "unsupported", type: null, needsOcr: false });
    expect(analysis.reason).toMatch(/ZIP container/);
  });

  it("reports a file over maxDownloadBytes as unsupported before looking inside", async () => {
    const bytes = readFileSync(samples.textPdf);
    const analysis = await analyzeDocument(bytes, "invoice.pdf", { maxDownloadBytes: 1000 });
    expect(analysis).toMatchObject({ status: "unsupported", reason: `the file is ${bytes.length} bytes; the limit is 1000` });
    expect(resolveDocumentLimits().maxDownloadBytes).toBe(40 * 1024 * 1024);
  });

  it("reports an empty file as empty, whatever its name", async () => {
    for (const name of ["empty", "empty.pdf", "scan.png", "notes.docx"]) {
      expect(await analyzeDocument(new Uint8Array(0), name)).toMatchObject({ status: "unsupported", reason: "an empty file" });
    }
  });
});

describe("resolveDocumentLimits", () => {
  it("has the Textract-derived defaults and overlays given values", () => {
    expect(resolveDocumentLimits()).toEqual({ maxDownloadBytes: 40 * 1024 * 1024, maxBytes: 10 * 1024 * 1024, maxPages: 3000, classificationPages: 5, minTextChars: 20 });
    expect(resolveDocumentLimits({ classificationPages: 3, maxBytes: undefined })).toMatchObject({ classificationPages: 3, maxBytes: 10 * 1024 * 1024 });
  });

  it("rejects values that are not positive integers or are over Textract's limits", () => {
    expect(() => resolveDocumentLimits({ classificationPages: 0 })).toThrow(/classificationPages/);
    expect(() => resolveDocumentLimits({ maxBytes: 1.5 })).toThrow(/maxBytes/);
    expect(() => resolveDocumentLimits({ maxBytes: 600 * 1000 * 1000 })).toThrow(/maxBytes/);
    expect(() => resolveDocumentLimits({ maxPages: 3001 })).toThrow(/maxPages/);
  });
});
