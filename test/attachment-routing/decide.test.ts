import { DocumentRef, LoadedEmail } from "../../functions/attachment-routing/core/contracts";
import { decideRoute, DocumentRoutingPolicy, fallbackDecision, ocrTimeoutDecision, targetQueueId } from "../../functions/attachment-routing/core/decide";

const POLICY: DocumentRoutingPolicy = { documentQueues: { Invoice: "Invoices", ClaimForm: "Claims", Complaint: "Complaints" }, confidenceThreshold: 0.6 };
const doc = (attachmentId: string, status: DocumentRef["status"] = "readable"): DocumentRef => ({
  attachmentId,
  fileName: `${attachmentId}.pdf`,
  status,
  needsOcr: false,
  pagesTotal: 1,
  pagesAnalyzed: 1,
  truncated: false,
});
const email = (documents: DocumentRef[], intentQueueName = "IRA"): LoadedEmail => ({
  conversationId: "c-1",
  customerParticipantId: "cust",
  acdParticipantId: "acd",
  customerAddress: "ann@example.com",
  intentQueueName,
  documents,
  documentsOmitted: 0,
});

describe("one routing decision for an email's attachments", () => {
  it("moves an email without attachments to its text intent's queue", () => {
    expect(decideRoute(email([]), [], POLICY)).toEqual({ processingStatus: "NO_ATTACHMENTS", documentType: "", documentConfidence: 0, targetQueueName: "IRA", requestResend: false });
  });

  it("lets the most confident routed document decide, ties to the first attachment", () => {
    const documents = [doc("a"), doc("b"), doc("c")];
    const decision = decideRoute(
      email(documents),
      [
        { document: documents[0]!, scores: [{ label: "Complaint", score: 0.7 }] },
        { document: documents[1]!, scores: [{ label: "Invoice", score: 0.9 }] },
        { document: documents[2]!, scores: [{ label: "ClaimForm", score: 0.9 }] },
      ],
      POLICY,
    );
    expect(decision).toEqual({ processingStatus: "CLASSIFIED", documentType: "Invoice", documentConfidence: 0.9, targetQueueName: "Invoices", requestResend: false });
  });

  it("keeps the text intent for Other and for types below the threshold, recording the best type", () => {
    const documents = [doc("a"), doc("b")];
    const decision = decideRoute(
      email(documents, "401K"),
      [
        { document: documents[0]!, scores: [{ label: "Other", score: 0.95 }] },
        { document: documents[1]!, scores: [{ label: "Invoice", score: 0.5 }] },
      ],
      POLICY,
    );
    expect(decision).toEqual({ processingStatus: "CLASSIFIED", documentType: "Other", documentConfidence: 0.95, targetQueueName: "401K", requestResend: false });
  });

  it("asks for a resend when the only readable thing is a password-protected PDF", () => {
    const documents = [doc("a", "encrypted"), doc("b", "unsupported")];
    expect(decideRoute(email(documents), [{ document: documents[0]! }, { document: documents[1]! }], POLICY)).toEqual({
      processingStatus: "ENCRYPTED",
      documentType: "",
      documentConfidence: 0,
      targetQueueName: "IRA",
      requestResend: true,
    });
  });

  it("sends unsupported or corrupt attachments to manual review", () => {
    const documents = [doc("a", "invalid"), doc("b", "unsupported")];
    expect(decideRoute(email(documents, ""), [], POLICY)).toMatchObject({ processingStatus: "MANUAL_REVIEW", targetQueueName: "", requestResend: false });
  });

  it("says in processingReason why each attachment could not be read, without file names", () => {
    const documents = [
      { ...doc("a", "invalid"), reason: "not a readable PDF (InvalidPDFException: Invalid PDF structure.)" },
      { ...doc("b", "unsupported"), reason: "an empty file" },
      doc("c"),
    ];
    const decision = decideRoute(email(documents), documents.map((document) => ({ document })), POLICY);
    expect(decision).toEqual({
      processingStatus: "MANUAL_REVIEW",
      documentType: "",
      documentConfidence: 0,
      targetQueueName: "IRA",
      requestResend: false,
      processingReason: "attachment 1: invalid, not a readable PDF (InvalidPDFException: Invalid PDF structure.); attachment 2: unsupported, an empty file; attachment 3: no text could be read",
    });
    expect(decision.processingReason).not.toMatch(/\.pdf/);
    const many = Array.from({ length: 20 }, (_, i) => ({ ...doc(`d${i}`, "invalid"), reason: "x".repeat(200) }));
    expect(decideRoute(email(many), [], POLICY).processingReason).toHaveLength(300);
  });

  it("says when the deciding document was classified from its first pages only", () => {
    const scan = { ...doc("scan"), needsOcr: true, pagesTotal: 14, pagesAnalyzed: 5, truncated: true };
    const decision = decideRoute(email([scan]), [{ document: scan, scores: [{ label: "ClaimForm", score: 0.9 }] }], POLICY);
    expect(decision).toMatchObject({
      processingStatus: "CLASSIFIED",
      targetQueueName: "Claims",
      processingReason: "ClaimForm read from the first 5 of 14 pages; the whole document is attached to the email",
    });
    const whole = doc("whole");
    expect(decideRoute(email([whole]), [{ document: whole, scores: [{ label: "ClaimForm", score: 0.9 }] }], POLICY).processingReason).toBeUndefined();
  });

  it("routes to the text intent (or the fallback) with MANUAL_REVIEW_REQUIRED when OCR runs out of time", () => {
    expect(ocrTimeoutDecision(email([doc("a")], ""))).toEqual({ processingStatus: "MANUAL_REVIEW_REQUIRED", documentType: "", documentConfidence: 0, targetQueueName: "", requestResend: false });
  });

  it("routes an email the pipeline could not route to its text intent's queue, saying why", () => {
    expect(fallbackDecision("IRA", "CLASSIFY_FAILED")).toEqual({ processingStatus: "CLASSIFY_FAILED", documentType: "", documentConfidence: 0, targetQueueName: "IRA", requestResend: false });
    expect(fallbackDecision("", "PIPELINE_TIMED_OUT")).toMatchObject({ processingStatus: "PIPELINE_TIMED_OUT", targetQueueName: "" });
  });

  it("maps a decided queue name to its id, and anything unknown or empty to the fallback queue", () => {
    const ids = { IRA: "q-ira", constructor: "q-proto-safe" };
    expect(targetQueueId("IRA", ids, "q-fallback")).toEqual({ queueId: "q-ira", known: true });
    expect(targetQueueId("", ids, "q-fallback")).toEqual({ queueId: "q-fallback", known: false });
    expect(targetQueueId("Mortgages", ids, "q-fallback")).toEqual({ queueId: "q-fallback", known: false });
    expect(targetQueueId("toString", ids, "q-fallback")).toEqual({ queueId: "q-fallback", known: false });
  });
});
