/** The pure document core of attachment routing: no OCR, no AWS calls. */
export * from "./documents/analyze";
export * from "./documents/classify";
export { countTiffPages, detectFileType, firstTiffPages, typeFromFileName } from "./documents/file-type";
export type { SupportedType } from "./documents/file-type";
export * from "./documents/limits";
export { openPdf, truncatePdf } from "./documents/pdf";
