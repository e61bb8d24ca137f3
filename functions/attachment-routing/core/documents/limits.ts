import * as z from "zod/mini";
import "../../../shared/zod-messages";

/**
 * The limits of the services an attachment passes through, each with its source, in one place. Where a
 * source says "MB" without saying which, the lower reading (10^6 bytes) is taken for a hard limit, so
 * that what we send always fits.
 */

/**
 * Genesys Cloud: the largest inbound email, attachments included, is 40 MB after base64 encoding (which
 * adds about a third), for both AWS email and IMAP. So no single attachment is larger, and a download
 * cap of 40 MiB never refuses an attachment Genesys accepted.
 * Source: https://help.mypurecloud.com/articles/email-rate-limits/ ("Message sizes").
 * UNCONFIRMED: that the attachment download (contentUri -> /api/v2/downloads -> signed URL) serves any
 * attachment the email itself accepted, with no smaller limit of its own; no Genesys page names one.
 */
export const GENESYS_INBOUND_EMAIL_MAX_BYTES = 40 * 1024 * 1024;

/**
 * Textract asynchronous operations (StartDocumentTextDetection): PDF and TIFF up to 500 MB and 3,000
 * pages; JPEG and PNG up to 10 MB. Images up to 10,000 pixels on every side; PDF pages at most 40 inches
 * (2,880 points) high and wide; no password-protected PDFs.
 * Source: https://docs.aws.amazon.com/textract/latest/dg/limits-document.html ("Set Quotas in Amazon
 * Textract": File Size and Page Count Limits, PDF Specific Limits, Document Rotation and Image Size).
 */
export const TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES = 500 * 1000 * 1000;
export const TEXTRACT_ASYNC_MAX_PAGES = 3000;
export const TEXTRACT_IMAGE_MAX_BYTES = 10 * 1000 * 1000;
export const TEXTRACT_IMAGE_MAX_PIXELS_PER_SIDE = 10_000;
/**
 * 40 inches at 72 points an inch (the page also names 9,000 points; the lower figure is taken). An image
 * over the image limits goes to Textract as the only content of a page of at most this size.
 * UNCONFIRMED: that Textract reads an image embedded in a PDF page at the image's own resolution (not at
 * a resolution derived from the page's size in points), so that text stays as legible as in the image.
 */
export const TEXTRACT_PDF_MAX_PAGE_POINTS = 40 * 72;

/**
 * Lambda: an invocation's payload is at most 6 MB synchronous (Step Functions' Lambda tasks), 1 MB
 * asynchronous; memory 128 to 10,240 MB; /tmp 512 to 10,240 MB. Documents therefore never travel in a
 * payload (only S3 keys do), and the load function's memory is sized for the largest download below.
 * Sources: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (payload sizes),
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (memory),
 * https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html (/tmp).
 */
export const LAMBDA_SYNC_PAYLOAD_MAX_BYTES = 6 * 1000 * 1000;
export const LAMBDA_ASYNC_PAYLOAD_MAX_BYTES = 1000 * 1000;
export const LAMBDA_MAX_MEMORY_MB = 10_240;

/**
 * Memory of the attachment-load function. It holds one attachment at a time, at most the download cap
 * (40 MiB), while pdf.js reads its text layer and pdf-lib copies its first pages (pdf-lib refers to the
 * file's bytes rather than copying them). `npm run bench -- documents` runs the handler bundled as
 * deployed: peak RSS about 125 MiB for an 18 MB, 14-page scan against about 72 MiB for a one-page PDF, so about
 * three times the file's size on top of the code, and under 200 MiB for a 40 MiB attachment. The rest
 * of the 1024 MB buys CPU: Lambda allocates CPU in proportion to memory, and parsing is CPU-bound.
 * Source (CPU in proportion to memory): https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const LOAD_FUNCTION_MEMORY_MB = 1024;

/**
 * Step Functions: a state's input or output is at most 256 KiB of UTF-8 (262,144 bytes).
 * Source: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateEnteredEventDetails.html
 * (`input` length constraint) and https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html.
 */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** What the document core accepts and how much of a document it gives OCR and the classifier. */
export interface DocumentLimits {
  /** Larger attachments are not downloaded (`unsupported`). Default: GENESYS_INBOUND_EMAIL_MAX_BYTES. */
  readonly maxDownloadBytes: number;
  /**
   * Target size of what OCR reads (the classification copy). A PDF over it, or longer than
   * `classificationPages`, is cut to its first pages, fewer while the copy is still over it. A single
   * page or image is sent whole as long as it is within Textract's hard limit for its type.
   */
  readonly maxBytes: number;
  /** Textract's asynchronous page limit: OCR is never given more pages (`classificationPages` is capped by it). */
  readonly maxPages: number;
  /** Only the first N pages are read and, for a longer PDF or TIFF, kept in the classification copy. */
  readonly classificationPages: number;
  /** A PDF whose text layer over the analysed pages has fewer non-blank characters needs OCR. */
  readonly minTextChars: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = Object.freeze({
  maxDownloadBytes: GENESYS_INBOUND_EMAIL_MAX_BYTES,
  maxBytes: 10 * 1024 * 1024,
  maxPages: TEXTRACT_ASYNC_MAX_PAGES,
  classificationPages: 5,
  minTextChars: 20,
});

const positiveInteger = z.int().check(z.positive());
const limitsSchema = z.object({
  maxDownloadBytes: positiveInteger,
  maxBytes: positiveInteger.check(z.maximum(TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES)),
  maxPages: positiveInteger.check(z.maximum(TEXTRACT_ASYNC_MAX_PAGES)),
  classificationPages: positiveInteger,
  minTextChars: z.int().check(z.nonnegative()),
});

/** Defaults overlaid with the given values; throws on a value that is not a positive integer or is over a service's limit. */
export function resolveDocumentLimits(overrides: Partial<DocumentLimits> = {}): DocumentLimits {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const parsed = limitsSchema.safeParse({ ...DEFAULT_DOCUMENT_LIMITS, ...defined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid document limits: ${problems.join("; ")}`);
  }
  return parsed.data;
}
