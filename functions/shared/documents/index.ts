/** The pure document core of attachment routing: no OCR, no AWS calls. */
export * from "./analyze";
export * from "./classify";
export { countTiffPages, detectFileType, typeFromFileName } from "./file-type";
export type { SupportedType } from "./file-type";
export * from "./limits";
export { openPdf, truncatePdf } from "./pdf";
