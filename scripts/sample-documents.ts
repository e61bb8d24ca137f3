/**
 * Real sample attachments for the document core and the `npm run idp` runner, written to a
 * directory: PDFs made by pdfkit (text layer, password encryption) and pdf-lib (images, many pages),
 * images with text rendered by @napi-rs/canvas, a TIFF written here, a real .docx ZIP (fflate).
 * Nothing is read from the network or from system fonts: the font is the Liberation Sans that
 * pdfjs-dist ships.
 *
 *   npx tsx scripts/sample-documents.ts /tmp/idp-samples
 */
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import { strToU8, zipSync } from "fflate";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument as LibDocument, StandardFonts } from "pdf-lib";
import PDFKitDocument from "pdfkit";
import { seededRandom } from "../functions/shared/text-classifier/model";

export const SAMPLE_TEXTS = {
  invoice: [
    "NORTHWIND OFFICE SUPPLY LLC  120 Market Street, Springfield IL 62701  Phone (217) 555-0148",
    "TAX INVOICE   Invoice No. INV-20931   Invoice date: March 4, 2024   Due date: April 3, 2024",
    "Payment terms: Net 30   PO # 450080666",
    "Bill to: Dana Whitfield, 88 Elm Road, Albany NY 12207",
    "ITEM  DESCRIPTION  QTY  UNIT PRICE  AMOUNT",
    "1  Printer paper, case of 10 reams  2  $45.00  $90.00",
    "2  Toner cartridge, black  1  $129.00  $129.00",
    "Subtotal $219.00   Sales tax (8.25%) $18.07   Total due $237.07",
    "Make checks payable to Northwind Office Supply LLC. ACH routing 253875670 account *****8562.",
    "Thank you for your business!",
  ],
  complaint: [
    "RE: Formal complaint about the handling of my account",
    "Dear Customer Relations Manager,",
    "I am writing to file a formal complaint. I was made to wait on hold",
    "for over two hours and your staff were dismissive and rude.",
    "I was charged a fee I never agreed to and nobody has answered",
    "my letters. I want a full refund and a written apology.",
    "I expect a response within 14 days.",
  ],
  claim: [
    "Homeowners Claim Form  Form No. DC-231",
    "SECTION 1 - POLICYHOLDER  Insured name Steven Moore",
    "Policy number DP9927323  Phone (212) 555-0128",
    "SECTION 2 - LOSS DETAILS  Date of loss 11/04/2022",
    "Type of loss [ ] Water [ ] Fire [x] Theft [ ] Wind/Hail",
    "Description of incident: home broken into, laptop stolen,",
    "police report filed. Estimated amount of damage $1,800.00",
    "SECTION 3 - SIGNATURE OF CLAIMANT Steven Moore",
  ],
  statement: [
    "First Prairie National Bank   Checking Account Statement",
    "Statement period Oct 17, 2024 through Nov 16, 2024   Account number XXXX1371",
    "Date  Description  Withdrawals  Deposits  Balance",
    "10/30 ACH DEBIT BRIGHTLINE HEALTH INSURANCE PREM 287.61 17,787.79",
    "11/03 MOBILE DEPOSIT 645.94 18,177.93",
    "11/16 MONTHLY MAINTENANCE FEE 15.00 18,196.52",
  ],
} as const;

export interface SampleDocuments {
  readonly dir: string;
  /** Invoice with a text layer. */
  readonly textPdf: string;
  /** A claim form scanned to an image: no text layer. */
  readonly imagePdf: string;
  /** Needs a user password (AES-256). */
  readonly userPasswordPdf: string;
  /** Owner password only (AES-128, copying forbidden): opens without a password. */
  readonly ownerPasswordPdf: string;
  /** 8 pages of a bank statement. */
  readonly oversizePdf: string;
  /** %PDF- header, then garbage. */
  readonly corruptPdf: string;
  /** Complaint letter as a PNG. */
  readonly png: string;
  /** Invoice as a JPEG. */
  readonly jpeg: string;
  /** Claim form as a 2-page grayscale TIFF. */
  readonly tiff: string;
  /** Random bytes named x.pdf. */
  readonly randomPdf: string;
  /** A real (minimal) Word document. */
  readonly docx: string;
}

let fontRegistered = false;
const FONT = "Sample Sans";

/** Black text on white, one line per entry, at a size Tesseract and Textract read comfortably. */
export function renderTextImage(lines: readonly string[], { width = 1000, fontSize = 26 } = {}) {
  if (!fontRegistered) {
    GlobalFonts.registerFromPath(require.resolve("pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf"), FONT);
    fontRegistered = true;
  }
  const lineHeight = Math.round(fontSize * 1.6);
  const canvas = createCanvas(width, lineHeight * lines.length + 2 * fontSize);
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = "#000000";
  context.font = `${fontSize}px "${FONT}"`;
  lines.forEach((line, index) => context.fillText(line, fontSize, fontSize + lineHeight * (index + 0.75)));
  return canvas;
}

/** Grayscale of an RGBA canvas, for the TIFF writer. */
function grayPixels(lines: readonly string[]): { width: number; height: number; pixels: Uint8Array } {
  const canvas = renderTextImage(lines, { width: 800, fontSize: 24 });
  const rgba = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const pixels = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
  return { width: canvas.width, height: canvas.height, pixels };
}

/** A baseline little-endian TIFF: 8-bit grayscale, uncompressed, one strip per page, 150 dpi. */
export function writeTiff(pages: ReadonlyArray<{ width: number; height: number; pixels: Uint8Array }>): Uint8Array {
  const ENTRIES = 11;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  const sizes = pages.map((p) => ifdSize + 16 + p.pixels.length);
  const out = new Uint8Array(8 + sizes.reduce((a, b) => a + b, 0));
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, true);
  let offset = 8;
  pages.forEach((page, index) => {
    const rationals = offset + ifdSize;
    const data = rationals + 16;
    const entries: Array<[tag: number, type: number, value: number]> = [
      [256, 4, page.width],
      [257, 4, page.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, data],
      [277, 3, 1],
      [278, 4, page.height],
      [279, 4, page.pixels.length],
      [282, 5, rationals],
      [283, 5, rationals + 8],
    ];
    view.setUint16(offset, ENTRIES, true);
    entries.forEach(([tag, type, value], i) => {
      const at = offset + 2 + i * 12;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      view.setUint32(at + 4, 1, true);
      if (type === 3) view.setUint16(at + 8, value, true);
      else view.setUint32(at + 8, value, true);
    });
    const next = index + 1 < pages.length ? data + page.pixels.length : 0;
    view.setUint32(offset + 2 + ENTRIES * 12, next, true);
    for (const at of [rationals, rationals + 8]) {
      view.setUint32(at, 150, true);
      view.setUint32(at + 4, 1, true);
    }
    out.set(page.pixels, data);
    offset = next;
  });
  return out;
}

/** A PDF with a text layer made by pdfkit, which also encrypts (userPassword/ownerPassword); `pages` repeats the lines. */
export function pdfkitDocument(lines: readonly string[], options: PDFKit.PDFDocumentOptions = {}, pages = 1): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFKitDocument({ size: "LETTER", ...options });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.font("Helvetica").fontSize(11);
    for (let page = 1; page <= pages; page++) {
      if (page > 1) doc.addPage();
      for (const line of lines) doc.text(line).moveDown(0.4);
      if (pages > 1) doc.text(`Page ${page} of ${pages}`);
    }
    doc.end();
  });
}

async function imageOnlyPdf(png: Uint8Array): Promise<Uint8Array> {
  const pdf = await LibDocument.create();
  const image = await pdf.embedPng(png);
  const page = pdf.addPage([612, 792]);
  const scaled = image.scaleToFit(540, 700);
  page.drawImage(image, { x: 36, y: 792 - 36 - scaled.height, width: scaled.width, height: scaled.height });
  return pdf.save();
}

async function multiPagePdf(pages: number, lines: readonly string[]): Promise<Uint8Array> {
  const pdf = await LibDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let number = 1; number <= pages; number++) {
    const page = pdf.addPage([612, 792]);
    [...lines, `Page ${number} of ${pages}`].forEach((line, index) => page.drawText(line, { x: 50, y: 740 - index * 18, size: 10, font }));
  }
  return pdf.save();
}

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function minimalDocx(paragraphs: readonly string[]): Uint8Array {
  const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = paragraphs.map((p) => `<w:p><w:r><w:t>${xml(p)}</w:t></w:r></w:p>`).join("");
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        "</Types>",
    ),
    "_rels/.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        "</Relationships>",
    ),
    "word/document.xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    ),
  });
}

/** Writes every sample kind into `dir` (a new temporary directory by default) and returns the paths. */
export async function generateSampleDocuments(dir: string = mkdtempSync(join(tmpdir(), "idp-samples-"))): Promise<SampleDocuments> {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const claimPng = renderTextImage(SAMPLE_TEXTS.claim).toBuffer("image/png");
  const tiffPage = grayPixels(SAMPLE_TEXTS.claim);
  return {
    dir,
    textPdf: write("invoice.pdf", await pdfkitDocument(SAMPLE_TEXTS.invoice)),
    imagePdf: write("scanned-claim.pdf", await imageOnlyPdf(claimPng)),
    userPasswordPdf: write("user-password.pdf", await pdfkitDocument(SAMPLE_TEXTS.invoice, { userPassword: "open sesame", ownerPassword: "owner", pdfVersion: "1.7ext3" })),
    ownerPasswordPdf: write(
      "owner-password.pdf",
      await pdfkitDocument(SAMPLE_TEXTS.complaint, { ownerPassword: "owner", permissions: { copying: false, modifying: false }, pdfVersion: "1.6" }),
    ),
    oversizePdf: write("statement-8-pages.pdf", await multiPagePdf(8, SAMPLE_TEXTS.statement)),
    corruptPdf: write("corrupt.pdf", Buffer.concat([Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"), pseudoRandomBytes(3000, 11)])),
    png: write("complaint.png", renderTextImage(SAMPLE_TEXTS.complaint).toBuffer("image/png")),
    jpeg: write("invoice.jpg", renderTextImage(SAMPLE_TEXTS.invoice, { width: 1300, fontSize: 22 }).toBuffer("image/jpeg", 90)),
    tiff: write("claim.tif", writeTiff([tiffPage, tiffPage])),
    randomPdf: write("x.pdf", pseudoRandomBytes(4096, 7)),
    docx: write("letter.docx", minimalDocx(SAMPLE_TEXTS.complaint)),
  };
}

if (require.main === module) {
  generateSampleDocuments(process.argv[2]).then((documents) => console.log(documents.dir));
}
