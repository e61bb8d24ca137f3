/**
 * Oversize attachments (the attachment seed's edge case 3) through the real load handler, the Genesys
 * fake and s3rver: an 18 MB, 14-page scanned claim form is downloaded whole, kept whole as the
 * compliance copy, and cut to its first pages for OCR; an image over Textract's image limit goes to OCR
 * on a one-page PDF; only a file of which nothing can be read is left for manual review, with the reason.
 */
import { createHash } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import { DocumentRef } from "../../functions/attachment-routing/core/contracts";
import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { TEXTRACT_IMAGE_MAX_BYTES } from "../../functions/attachment-routing/core/documents/limits";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { makeHandler } from "../../functions/attachment-routing/load/handler";
import { largeClaimJpeg, largeScannedPdf, loadPdfjsWorkerForJest } from "../support/documents";
import { FakeAttachment, GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { LocalS3, startS3rver } from "../support/s3rver";
import { CONVERSATION_ID, CUSTOMER_ADDRESS, genesysClientFor, recorders, TRIAGE_QUEUE_ID } from "./harness";

const BUCKET = "documents";
/** As the infrastructure sets DOCUMENT_LIMITS by default (config: maxAttachmentBytes, classificationPages). */
const LIMITS = { maxBytes: 10 * 1024 * 1024, classificationPages: 5 };
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

jest.setTimeout(120_000);

describe("attachment-load with attachments over the OCR limits", () => {
  let fake: GenesysFake;
  let s3: LocalS3;
  let scan: Uint8Array;
  let photo: Uint8Array;
  let documents: DocumentRef[];
  const byId = (id: string): DocumentRef => {
    const found = documents.find((d) => d.attachmentId === id);
    if (!found) throw new Error(`no document ${id}`);
    return found;
  };

  beforeAll(async () => {
    await loadPdfjsWorkerForJest();
    scan = await largeScannedPdf();
    photo = largeClaimJpeg();
    fake = await startGenesysFake();
    s3 = await startS3rver([BUCKET]);
    const attachments: FakeAttachment[] = [
      { attachmentId: "a-scan", name: "claim-form-scan.pdf", contentType: "application/pdf", bytes: scan, chunked: true },
      { attachmentId: "a-photo", name: "claim-photo.jpg", contentType: "image/jpeg", bytes: photo },
      { attachmentId: "a-broken", name: "broken.pdf", contentType: "application/pdf", bytes: Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(5000, 0x41)]) },
    ];
    fake.seedConversation({
      id: CONVERSATION_ID,
      participants: [
        { id: "p-customer", purpose: "customer", state: "connected", attributes: { intent: "Billing" } },
        { id: "p-acd", purpose: "acd", state: "connected", queue: { id: TRIAGE_QUEUE_ID } },
      ],
      messages: [{ id: "m-1", textBody: "My claim form is attached.", time: "2026-01-05T10:00:00.000Z", attachments, from: { email: CUSTOMER_ADDRESS } } as never],
    });
    const { logger, metrics } = recorders();
    const { client } = genesysClientFor(fake, { maxRetries: 1 });
    const handler = makeHandler({ genesys: client, store: s3DocumentStore(s3.client, BUCKET), limits: LIMITS, logger, metrics });
    ({ documents } = await handler({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID }));
  });
  afterAll(async () => {
    await fake?.close();
    await s3?.close();
  });

  it("downloads the 18 MB, 14-page scan whole, keeps it whole, and gives OCR its first 5 pages within the byte limit", async () => {
    expect(scan.length).toBeGreaterThan(18_000_000);
    const keys = documentKeys(CONVERSATION_ID, "a-scan");
    expect(byId("a-scan")).toEqual({
      attachmentId: "a-scan",
      fileName: "claim-form-scan.pdf",
      status: "readable",
      objectKey: keys.original,
      ocrKey: keys.ocr,
      needsOcr: true,
      pagesTotal: 14,
      pagesAnalyzed: 5,
      truncated: true,
    });
    const original = await s3.getBytes(BUCKET, keys.original);
    expect(sha256(original)).toBe(sha256(scan));
    const ocr = await s3.getBytes(BUCKET, keys.ocr);
    expect(ocr.length).toBeLessThanOrEqual(LIMITS.maxBytes);
    expect((await PDFDocument.load(ocr)).getPageCount()).toBe(5);
  });

  it("gives OCR an image over Textract's image limit on a one-page PDF, and keeps the image as it came", async () => {
    expect(photo.length).toBeGreaterThan(TEXTRACT_IMAGE_MAX_BYTES);
    const keys = documentKeys(CONVERSATION_ID, "a-photo");
    expect(byId("a-photo")).toMatchObject({ status: "readable", needsOcr: true, ocrKey: keys.ocr, pagesAnalyzed: 1, reason: expect.stringMatching(/one-page PDF/) });
    expect(sha256(await s3.getBytes(BUCKET, keys.original))).toBe(sha256(photo));
    const ocr = await PDFDocument.load(await s3.getBytes(BUCKET, keys.ocr));
    expect(ocr.getPageCount()).toBe(1);
  });

  it("rejects only the file of which nothing can be read, with the reason, keeping its bytes for the record", async () => {
    const keys = documentKeys(CONVERSATION_ID, "a-broken");
    expect(byId("a-broken")).toMatchObject({ status: "invalid", needsOcr: false, objectKey: keys.original, reason: expect.stringMatching(/not a readable PDF/) });
    expect(byId("a-broken").ocrKey).toBeUndefined();
    expect(await s3.listKeys(BUCKET, `${keys.original.slice(0, keys.original.lastIndexOf("/"))}/`)).toEqual([keys.original]);
  });
});
