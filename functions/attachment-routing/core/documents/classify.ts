import { ClassScore } from "../../../shared/classifier/model";

/** Comprehend's real-time limit, also used for the embedded model (as for emails). */
export const MAX_DOCUMENT_TEXT_BYTES = 10_000;

/** Anything that scores a text, best first: the embedded model (TextClassifier) or a ClassifierBackend. */
export interface DocumentTextClassifier {
  classify(text: string): readonly ClassScore[] | Promise<readonly ClassScore[]>;
}

export interface DocumentClassification {
  /** Best label of the document-types model (e.g. Invoice, ClaimForm, Complaint, Other); null for no text. */
  readonly documentType: string | null;
  /** Its probability, rounded to 4 decimals; 0 for no text. */
  readonly confidence: number;
  /** Every class's score, best first; empty for no text. */
  readonly scores: readonly ClassScore[];
  /** UTF-8 bytes of the (whitespace-collapsed, possibly truncated) text that was classified. */
  readonly textBytes: number;
  readonly textTruncated: boolean;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. (The
 * same as shared/classifier/email-text's, which would bring the email parsers into every bundle that
 * reads documents.)
 */
function truncateUtf8(text: string, maxBytes: number): { text: string; bytes: number; truncated: boolean } {
  const { read, written } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return { text: text.slice(0, read), bytes: written, truncated: read < text.length };
}

/**
 * Classifies a document's text (text layer or OCR) with a document-types classifier: the one path
 * from text to document type, for the attachment-classify Lambda (its configured backend) and the
 * local `idp` runner (the embedded model). Whitespace is collapsed first so that layout does not use
 * up the byte budget; the text is then cut to `maxTextBytes` without splitting a character.
 */
export async function classifyDocumentText(
  text: string,
  classifier: DocumentTextClassifier,
  maxTextBytes: number = MAX_DOCUMENT_TEXT_BYTES,
): Promise<DocumentClassification> {
  const collapsed = text.replace(/\s+/g, " ").trim();
  if (!collapsed) return { documentType: null, confidence: 0, scores: [], textBytes: 0, textTruncated: false };
  const { text: classified, bytes, truncated } = truncateUtf8(collapsed, maxTextBytes);
  const scores = [...(await classifier.classify(classified))].sort((a, b) => b.score - a.score);
  const best = scores[0];
  if (!best) throw new Error("the classifier returned no classes");
  return { documentType: best.label, confidence: round(best.score), scores, textBytes: bytes, textTruncated: truncated };
}
