import { TextClassifier } from "../../../shared/classifier/model";

/** Comprehend's real-time limit, also used for the embedded model (as for emails). */
export const MAX_DOCUMENT_TEXT_BYTES = 10_000;

export interface DocumentClassification {
  /** Best label of the document-types model (e.g. Invoice, ClaimForm, Complaint, Other); null for no text. */
  readonly documentType: string | null;
  /** Its probability, rounded to 4 decimals; 0 for no text. */
  readonly confidence: number;
  /** UTF-8 bytes of the (whitespace-collapsed, possibly truncated) text that was classified. */
  readonly textBytes: number;
  readonly textTruncated: boolean;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function truncateUtf8(text: string, maxBytes: number): { text: string; bytes: number; truncated: boolean } {
  const { read, written } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return { text: text.slice(0, read), bytes: written, truncated: read < text.length };
}

/**
 * Classifies a document's text (text layer or OCR) with a document-types classifier, e.g.
 * `softmaxClassifier(trainCorpusModel("document-types"))` or the model shipped in a bundle.
 * Whitespace is collapsed first so that layout does not use up the byte budget.
 */
export function classifyDocumentText(
  text: string,
  classifier: TextClassifier,
  maxTextBytes: number = MAX_DOCUMENT_TEXT_BYTES,
): DocumentClassification {
  const collapsed = text.replace(/\s+/g, " ").trim();
  if (!collapsed) return { documentType: null, confidence: 0, textBytes: 0, textTruncated: false };
  const { text: classified, bytes, truncated } = truncateUtf8(collapsed, maxTextBytes);
  const [best] = classifier.classify(classified);
  if (!best) throw new Error("the classifier returned no classes");
  return { documentType: best.label, confidence: round(best.score), textBytes: bytes, textTruncated: truncated };
}
