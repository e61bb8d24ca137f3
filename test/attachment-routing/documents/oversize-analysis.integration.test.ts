/**
 * The document core on files over the OCR limits: the fixtures (an 18 MB scan, an 11 MB photo) are made
 * at run time, which takes seconds, so these run in the system lane.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { PDFDocument } from "pdf-lib";
import { createCanvas } from "@napi-rs/canvas";
import { analyzeDocument, DocumentAnalysis, ReadableDocument } from "../../../functions/attachment-routing/core/documents";
import { TEXTRACT_IMAGE_MAX_BYTES, TEXTRACT_PDF_MAX_PAGE_POINTS } from "../../../functions/attachment-routing/core/documents/limits";
import { generateSampleDocuments, largeClaimJpeg, largeScannedPdf, loadPdfjsWorkerForJest, SampleDocuments } from "../../support/documents";

let samples: SampleDocuments;

beforeAll(async () => {
  await loadPdfjsWorkerForJest();
  samples = await generateSampleDocuments();
});

afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));

function expectReadable(analysis: DocumentAnalysis): ReadableDocument {
  if (analysis.status !== "readable") throw new Error(`expected readable, got ${analysis.status}: ${analysis.reason}`);
  return analysis;
}

const analyze = (path: string, limits = {}) => analyzeDocument(readFileSync(path), path.split("/").pop()!, limits);

describe("analyzeDocument on files over the OCR limits", () => {
  it("cuts an 18 MB, 14-page scanned PDF to its first 5 pages, within maxBytes, leaving the original as it was", async () => {
    const bytes = await largeScannedPdf();
    const digest = createHash("sha256").update(bytes).digest("hex");
    expect(bytes.length).toBeGreaterThan(18_000_000);

    const analysis = expectReadable(await analyzeDocument(bytes, "claim-scan.pdf"));

    expect(analysis).toMatchObject({ type: "pdf", classificationType: "pdf", pagesTotal: 14, pagesAnalyzed: 5, truncated: true, needsOcr: true });
    expect(analysis.classificationBytes.length).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect((await PDFDocument.load(analysis.classificationBytes)).getPageCount()).toBe(5);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(digest);
  });

  it("keeps fewer pages while the copy is over maxBytes, and sends a lone page over it whole", async () => {
    const bytes = await largeScannedPdf({ pages: 6, targetBytes: 3_000_000 });
    const fewer = expectReadable(await analyzeDocument(bytes, "scan.pdf", { maxBytes: 1_200_000 }));
    expect(fewer).toMatchObject({ pagesTotal: 6, truncated: true });
    expect(fewer.pagesAnalyzed).toBeGreaterThanOrEqual(1);
    expect(fewer.pagesAnalyzed).toBeLessThan(5);
    expect(fewer.classificationBytes.length).toBeLessThanOrEqual(1_200_000);

    const lone = expectReadable(await analyzeDocument(bytes, "scan.pdf", { maxBytes: 1024 }));
    expect(lone).toMatchObject({ pagesAnalyzed: 1, truncated: true });
    expect((await PDFDocument.load(lone.classificationBytes)).getPageCount()).toBe(1);
  });

  it("puts a JPEG over Textract's image limit on a one-page PDF, embedded as it is", async () => {
    const jpeg = largeClaimJpeg();
    expect(jpeg.length).toBeGreaterThan(TEXTRACT_IMAGE_MAX_BYTES);

    const analysis = expectReadable(await analyzeDocument(jpeg, "claim-photo.jpg"));

    expect(analysis).toMatchObject({ type: "jpeg", classificationType: "pdf", pagesTotal: 1, pagesAnalyzed: 1, truncated: false, needsOcr: true });
    expect(analysis.reason).toMatch(/one-page PDF/);
    const pdf = await PDFDocument.load(analysis.classificationBytes);
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect(Math.max(width, height)).toBeLessThanOrEqual(TEXTRACT_PDF_MAX_PAGE_POINTS);
    // The JPEG's bytes are in the PDF unchanged (no re-encoding): the PDF is barely larger.
    expect(Buffer.from(analysis.classificationBytes).includes(Buffer.from(jpeg.subarray(0, 4096)))).toBe(true);
    expect(analysis.classificationBytes.length - jpeg.length).toBeLessThan(4096);
  });

  it("puts a PNG wider than Textract's 10,000 pixels on a one-page PDF", async () => {
    const canvas = createCanvas(10_500, 400);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, 10_500, 400);
    const png = canvas.toBuffer("image/png");

    const analysis = expectReadable(await analyzeDocument(png, "panorama.png"));

    expect(analysis).toMatchObject({ type: "png", classificationType: "pdf", pagesAnalyzed: 1 });
    expect(analysis.reason).toMatch(/10500 pixels on a side/);
  });

  it("refuses, with the reason, a PNG whose pixels are too many to convert, without decoding it", async () => {
    const ihdr = Buffer.alloc(25);
    ihdr.writeUInt32BE(13, 0);
    ihdr.write("IHDR", 4, "latin1");
    ihdr.writeUInt32BE(30_000, 8);
    ihdr.writeUInt32BE(30_000, 12);
    ihdr.set([8, 6, 0, 0, 0], 16);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);

    const analysis = await analyzeDocument(png, "bomb.png");

    expect(analysis).toMatchObject({ status: "unsupported", reason: expect.stringMatching(/30000x30000 pixels, too many to convert/) });
  });

  it("rejects, with the reason, a file of which nothing can be read", async () => {
    const analysis = await analyze(samples.corruptPdf);
    expect(analysis).toMatchObject({ status: "invalid", pagesAnalyzed: 0, reason: expect.stringMatching(/not a readable PDF/) });
  });
});
