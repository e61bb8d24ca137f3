/**
 * The pipeline as deployed, run locally (see pipeline-bench.ts): for each step, each kind of failure ends
 * with the email in a queue agents work, or (the conversation ended) the execution ending cleanly.
 * Every case asserts the path taken, so a catch-all can never hide a run that did not happen. The route
 * and fallback steps and the execution's time limit are in pipeline-recovery.integration.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { generateSampleDocuments, largeScannedPdf, loadPdfjsWorkerForJest, SAMPLE_TEXTS, SampleDocuments } from "../support/documents";
import { CONVERSATION_ID } from "./harness";
import {
  afterRunning,
  beforeRunning,
  classifiedEmail,
  expectEndedCleanly,
  expectRouted,
  expectRoutedByFallback,
  failingFirst,
  GET_CONVERSATION,
  hanging,
  INTENT_QUEUE_ID as INTENT_QUEUE,
  invoiceAndScan,
  isConversationRead,
  PipelineBench,
  REFUSED,
  sdkError,
  SERVER_ERROR,
  startPipelineBench,
  withInput,
} from "./pipeline-bench";

describe("the attachment pipeline, executed locally as deployed", () => {
  let samples: SampleDocuments;
  let bench: PipelineBench;
  const email = () => invoiceAndScan(samples, SAMPLE_TEXTS.complaint.join("\n"));
  const endConversation = () => bench.fake.conversations.delete(CONVERSATION_ID);

  beforeAll(async () => {
    await loadPdfjsWorkerForJest();
    samples = await generateSampleDocuments(mkdtempSync(join(tmpdir(), "pipeline-samples-")));
  });
  afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));
  afterEach(() => bench?.close());

  it("loads, OCRs the scan through Textract's callback, classifies and routes the email", async () => {
    bench = await startPipelineBench(email());

    const run = await bench.run();

    expect(run).toMatchObject({ status: "SUCCEEDED", failures: [], retries: {} });
    expect(run.path).toEqual(["LoadEmail", "PrepareClassification", "HasAttachments", "Ocr", "Classify", "Route", "EmailRouted"]);
    expect(run.iterations.map((i) => `${i.index}:${i.state}`).sort()).toEqual(["0:NeedsOcr", "0:NoOcr", "1:NeedsOcr", "1:StartOcr"]);
    expect(bench.invocations.ocrStart).toHaveLength(1);
    expect(classifiedEmail(bench)?.conversationId).toBe(CONVERSATION_ID);
    expect(["q-invoices", "q-complaints"]).toContain(bench.queueOfEmail());
    expect(bench.processingStatus()).toBe("CLASSIFIED");
  });

  it("routes an 18 MB, 14-page scanned claim form by its first 5 pages: Textract reads only those", async () => {
    const scan = await largeScannedPdf();
    bench = await startPipelineBench({
      attachments: [{ attachmentId: "a-claim", name: "claim-form-scan.pdf", contentType: "application/pdf", bytes: Buffer.from(scan) }],
      ocr: { "a-claim": SAMPLE_TEXTS.claim.join("\n") },
    });

    const run = await bench.run();

    expect(run).toMatchObject({ status: "SUCCEEDED", failures: [] });
    expect(run.path).toEqual(["LoadEmail", "PrepareClassification", "HasAttachments", "Ocr", "Classify", "Route", "EmailRouted"]);
    expect(classifiedEmail(bench)?.documents).toEqual([expect.objectContaining({ attachmentId: "a-claim", status: "readable", pagesTotal: 14, pagesAnalyzed: 5, truncated: true })]);
    const [job] = [...bench.textract.jobs.values()];
    const read = await bench.s3.getBytes("documents", job!.key);
    expect((await PDFDocument.load(read)).getPageCount()).toBe(5);
    expect(bench.queueOfEmail()).toBe("q-claims");
    expect(bench.processingStatus()).toBe("CLASSIFIED");
    expect(bench.fake.attributesOf(CONVERSATION_ID, "p-customer")).toMatchObject({ processingReason: "ClaimForm read from the first 5 of 14 pages; the whole document is attached to the email" });
  });

  it("routes an email whose only attachment cannot be read at all by its text intent, MANUAL_REVIEW, saying why", async () => {
    bench = await startPipelineBench({
      attachments: [{ attachmentId: "a-broken", name: "claim.pdf", contentType: "application/pdf", bytes: Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(5000, 0x41)]) }],
    });

    const run = await bench.run();

    expectRouted(run, bench);
    expect(bench.queueOfEmail()).toBe(INTENT_QUEUE);
    expect(bench.invocations.ocrStart).toEqual([]);
    expect(bench.fake.attributesOf(CONVERSATION_ID, "p-customer")).toMatchObject({
      processingStatus: "MANUAL_REVIEW",
      processingReason: expect.stringMatching(/^attachment 1: invalid, not a readable PDF/),
    });
  });

  describe("LoadEmail", () => {
    it("retries a transient Genesys failure and goes on", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(GET_CONVERSATION, [SERVER_ERROR, SERVER_ERROR]);

      const run = await bench.run();

      expectRouted(run, bench);
      expect(run.retries).toEqual({ LoadEmail: 2 });
      expect(run.failures.map((f) => f.error)).toEqual(["GenesysApiError", "GenesysApiError"]);
    });

    it("routes the email by its text intent, LOAD_FAILED, when Genesys refuses for good, without retrying", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(GET_CONVERSATION, [REFUSED]);

      const run = await bench.run();

      expectRoutedByFallback(run, bench, "LoadFailed", "LOAD_FAILED");
      expect(run.path).toEqual(["LoadEmail", "LoadFailed", "Fallback", "FallbackOutcome", "EmailRoutedByFallback"]);
      expect(run.retries).toEqual({});
    });

    it("ends cleanly, without retrying, when the conversation has ended (404)", async () => {
      bench = await startPipelineBench(email());
      endConversation();

      expectEndedCleanly(await bench.run(), bench, "LoadEmail");
    });

    it("routes the email by its text intent when Genesys is too slow for the step's time budget, after the retries", async () => {
      bench = await startPipelineBench(email());
      bench.slow.push({ match: isConversationRead, delayMs: 60_000, times: 5 });

      const run = await bench.run({ stepTimeouts: { load: 1 } });

      expectRoutedByFallback(run, bench, "LoadFailed", "LOAD_FAILED");
      expect(run.retries).toEqual({ LoadEmail: 4 });
      expect(new Set(run.failures.filter((f) => f.state === "LoadEmail").map((f) => f.error))).toEqual(new Set(["GenesysTimeoutError"]));
    });

    it("routes the email by its text intent when the function itself runs past its timeout (not retried)", async () => {
      bench = await startPipelineBench(email());
      const run = await bench.run({ stepTimeouts: { load: 1 }, wrap: { load: hanging() } });

      expectRoutedByFallback(run, bench, "LoadFailed", "LOAD_FAILED");
      expect(run.failures[0]).toMatchObject({ state: "LoadEmail", error: "Sandbox.Timedout" });
      expect(run.retries).toEqual({});
    });
  });

  describe("Ocr", () => {
    it("retries Textract throttling at the start and goes on", async () => {
      bench = await startPipelineBench(email());
      bench.textract.startFailures.push(sdkError("ThrottlingException"), sdkError("ProvisionedThroughputExceededException"));

      const run = await bench.run();

      expectRouted(run, bench);
      expect(run.retries).toEqual({ StartOcr: 2 });
      expect(run.failures.map((f) => f.error)).toEqual(["TransientAwsError", "TransientAwsError"]);
      expect(bench.processingStatus()).toBe("CLASSIFIED");
    });

    it("classifies the other documents when Textract cannot read one (refused start, failed job)", async () => {
      bench = await startPipelineBench(email());
      bench.textract.startFailures.push(sdkError("InvalidS3ObjectException"));

      const refused = await bench.run();

      expectRouted(refused, bench);
      expect(refused.iterations.map((i) => i.state)).toContain("OcrUnavailable");
      expect(refused.retries).toEqual({});
      expect(bench.queueOfEmail()).toBe("q-invoices");
      await bench.close();

      bench = await startPipelineBench(email());
      bench.textract.outcomes.set("a-scan", { status: "FAILED", message: "Unsupported document format" });
      const failed = await bench.run();
      expectRouted(failed, bench);
      expect(failed.failures.map((f) => f.error)).toEqual(["TextractFailed"]);
      expect(bench.queueOfEmail()).toBe("q-invoices");
    });

    it("routes by the text intent, MANUAL_REVIEW_REQUIRED, when OCR does not finish in time", async () => {
      bench = await startPipelineBench(email());
      bench.textract.outcomes.set("a-scan", { hang: true });

      const run = await bench.run({ ocrTimeoutSeconds: 10 });

      expectRouted(run, bench);
      expect(run.path).toEqual(["LoadEmail", "PrepareClassification", "HasAttachments", "Ocr", "OcrTimedOut", "Classify", "Route", "EmailRouted"]);
      expect(run.failures.map((f) => f.error)).toEqual(expect.arrayContaining(["States.Timeout", "OcrTimeout"]));
      expect(bench.processingStatus()).toBe("MANUAL_REVIEW_REQUIRED");
      expect(bench.queueOfEmail()).toBe(INTENT_QUEUE);
    });

    it("ends cleanly when the conversation ends while the documents are read", async () => {
      bench = await startPipelineBench(email());
      expectEndedCleanly(await bench.run({ wrap: { ocrStart: afterRunning(endConversation) } }), bench, "Route");
    });
  });

  describe("Classify", () => {
    it("retries the Lambda service's throttling and goes on", async () => {
      bench = await startPipelineBench(email());

      const run = await bench.run({ wrap: { classify: failingFirst(2, () => sdkError("Lambda.TooManyRequestsException")) } });

      expectRouted(run, bench);
      expect(run.retries).toEqual({ Classify: 2 });
    });

    it("routes the email by its text intent, CLASSIFY_FAILED, when its input breaks the contract, without retrying", async () => {
      bench = await startPipelineBench(email());
      const run = await bench.run({ wrap: { classify: withInput((event) => ({ ...(event as object), email: { conversationId: CONVERSATION_ID } })) } });

      expectRoutedByFallback(run, bench, "ClassifyFailed", "CLASSIFY_FAILED");
      expect(run.failures[0]).toMatchObject({ state: "Classify", error: "InvalidStepInputError" });
      expect(run.retries).toEqual({});
    });

    it("routes the email anyway when the classifier does not answer within the step's time budget", async () => {
      bench = await startPipelineBench(email(), { name: "stuck", classify: () => new Promise(() => undefined) });

      const run = await bench.run({ stepTimeouts: { classify: 4 } });

      expectRouted(run, bench);
      expect(run.failures).toEqual([]);
      expect(bench.processingStatus()).toBe("MANUAL_REVIEW");
      expect(bench.queueOfEmail()).toBe(INTENT_QUEUE);
    });

    it("routes the email by its text intent when the function itself runs past its timeout (not retried)", async () => {
      bench = await startPipelineBench(email());

      const run = await bench.run({ stepTimeouts: { classify: 1 }, wrap: { classify: hanging() } });

      expectRoutedByFallback(run, bench, "ClassifyFailed", "CLASSIFY_FAILED");
      expect(run.failures[0]).toMatchObject({ state: "Classify", error: "Sandbox.Timedout" });
      expect(run.retries).toEqual({});
    });

    it("ends cleanly when the conversation ends during classification", async () => {
      bench = await startPipelineBench(email());
      expectEndedCleanly(await bench.run({ wrap: { classify: beforeRunning(endConversation) } }), bench, "Route");
    });
  });
});
