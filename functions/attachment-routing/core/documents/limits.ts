import * as z from "zod";

/** What the document core accepts and how much of a document it reads for classification. */
export interface DocumentLimits {
  /** Larger files are `unsupported`. Textract takes JPEG/PNG up to 10 MB (PDF/TIFF up to 500 MB async). */
  readonly maxBytes: number;
  /** PDFs with more pages are `unsupported`: Textract's asynchronous limit is 3,000 pages. */
  readonly maxPages: number;
  /** Only the first N pages are read and, for a longer PDF, kept in the classification copy. */
  readonly classificationPages: number;
  /** A PDF whose text layer over the analysed pages has fewer non-blank characters needs OCR. */
  readonly minTextChars: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxPages: 3000,
  classificationPages: 5,
  minTextChars: 20,
});

const limitsSchema = z.object({
  maxBytes: z.number().int().positive(),
  maxPages: z.number().int().positive(),
  classificationPages: z.number().int().positive(),
  minTextChars: z.number().int().nonnegative(),
});

/** Defaults overlaid with the given values; throws on a value that is not a positive integer. */
export function resolveDocumentLimits(overrides: Partial<DocumentLimits> = {}): DocumentLimits {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const parsed = limitsSchema.safeParse({ ...DEFAULT_DOCUMENT_LIMITS, ...defined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid document limits: ${problems.join("; ")}`);
  }
  return parsed.data;
}
