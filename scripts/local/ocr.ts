/**
 * Local stand-in for Textract in `npm run idp`: Tesseract (tesseract.js, WebAssembly, run in a
 * worker thread) with the English LSTM model shipped in the @tesseract.js-data/eng npm package, so
 * nothing is downloaded; PDF pages are rendered to PNG by pdf.js (pdf-parse + @napi-rs/canvas) first.
 * Local only: the Lambdas use Textract.
 */
import { dirname, join } from "node:path";
import { createWorker, OEM, Worker } from "tesseract.js";
import { openPdf, ReadableDocument } from "../../functions/attachment-routing/core/documents";

/** The model directory inside the npm package (what tesseract.js would otherwise fetch from a CDN). */
export const TESSERACT_ENG_DIR = join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
/** Fonts pdf.js needs to render PDFs that use the standard 14 fonts without embedding them. */
const STANDARD_FONTS_DIR = `${join(dirname(require.resolve("pdfjs-dist/package.json")), "standard_fonts")}/`;
/** Rendering width of a PDF page for OCR: about 200 dpi on a Letter/A4 page. */
const RENDER_WIDTH = 1700;

export interface LocalOcr {
  /** Text of an image (PNG, JPEG, TIFF: the first image of a multi-page TIFF). */
  recognize(image: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

/** A Tesseract worker started on first use (startup takes about a second). */
export function localOcr(): LocalOcr {
  let worker: Promise<Worker> | undefined;
  const start = () =>
    (worker ??= createWorker("eng", OEM.LSTM_ONLY, {
      langPath: TESSERACT_ENG_DIR,
      gzip: true,
      // Read the model from the package; never write a cached copy into the working directory.
      cacheMethod: "none",
    }));
  return {
    async recognize(image) {
      const { data } = await (await start()).recognize(Buffer.from(image));
      return data.text;
    },
    async close() {
      if (worker) await (await worker).terminate();
      worker = undefined;
    },
  };
}

/** PNG renderings of the first `pages` pages of a PDF. */
export async function renderPdfPages(bytes: Uint8Array, pages: number): Promise<Uint8Array[]> {
  const parser = await openPdf(bytes, { standardFontDataUrl: STANDARD_FONTS_DIR });
  try {
    const result = await parser.getScreenshot({ first: pages, desiredWidth: RENDER_WIDTH, imageDataUrl: false, imageBuffer: true });
    return result.pages.map((page) => page.data);
  } finally {
    await parser.destroy();
  }
}

/** The text of a document the core says needs OCR: its image, or its analysed PDF pages rendered. */
export async function ocrDocument(document: ReadableDocument, ocr: LocalOcr): Promise<string> {
  const images = document.classificationType === "pdf" ? await renderPdfPages(document.classificationBytes, document.pagesAnalyzed) : [document.classificationBytes];
  const texts: string[] = [];
  for (const image of images) texts.push(await ocr.recognize(image));
  return texts.join("\n");
}
