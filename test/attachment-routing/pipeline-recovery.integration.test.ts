import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSampleDocuments, loadPdfjsWorkerForJest, SampleDocuments } from "../support/documents";
import { CONVERSATION_ID, TRIAGE_QUEUE_ID } from "./harness";
import {
  BenchEmail,
  beforeRunning,
  expectEndedCleanly,
  expectRouted,
  expectRoutedByFallback,
  GET_CONVERSATION,
  INTENT_QUEUE_ID,
  isConversationRead,
  PATCH_ATTRIBUTES,
  PipelineBench,
  REFUSED,
  SERVER_ERROR,
  startPipelineBench,
  WORKED_QUEUES,
} from "./pipeline-bench";

/**
 * The pipeline as deployed, run locally: the route step, the fallback that takes over from any failed
 * step, and what happens when even the fallback fails or the execution runs out of time (Step Functions'
 * status-change event invokes the fallback function again: the rescue).
 */
const REPLACE = `POST /api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`;
const isAttributeWrite = (url: string, method: string) => method === "PATCH" && url.endsWith("/attributes");

describe("the attachment pipeline's route and recovery, executed locally as deployed", () => {
  let samples: SampleDocuments;
  let bench: PipelineBench;
  /** A text invoice only: these cases are about what happens after the documents are read. */
  const email = (): BenchEmail => ({ attachments: [{ attachmentId: "a-invoice", name: "invoice.pdf", contentType: "application/pdf", bytes: readFileSync(samples.textPdf) }] });
  const endConversation = () => bench.fake.conversations.delete(CONVERSATION_ID);

  beforeAll(async () => {
    await loadPdfjsWorkerForJest();
    samples = await generateSampleDocuments(mkdtempSync(join(tmpdir(), "pipeline-recovery-samples-")));
  });
  afterAll(() => rmSync(samples.dir, { recursive: true, force: true }));
  afterEach(() => bench?.close());

  describe("Route", () => {
    it("retries a transient Genesys failure and moves the email to the document's queue", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(PATCH_ATTRIBUTES, [SERVER_ERROR, SERVER_ERROR]);

      const run = await bench.run();

      expectRouted(run, bench);
      expect(run.path).toEqual(["LoadEmail", "PrepareClassification", "HasAttachments", "Ocr", "Classify", "Route", "EmailRouted"]);
      expect(run.retries).toEqual({ Route: 2 });
      expect(bench.queueOfEmail()).toBe("q-invoices");
    });

    it("hands the email to the fallback, ROUTE_FAILED, when Genesys refuses the move for good, without retrying", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(REPLACE, [REFUSED]);

      const run = await bench.run();

      expectRoutedByFallback(run, bench, "RouteFailed", "ROUTE_FAILED");
      expect(run.retries).toEqual({});
      expect(run.failures[0]).toMatchObject({ state: "Route", error: "GenesysRequestRejectedError" });
    });

    it("ends cleanly, without retrying, when the conversation ended before the move (404)", async () => {
      bench = await startPipelineBench(email());

      expectEndedCleanly(await bench.run({ wrap: { route: beforeRunning(endConversation) } }), bench, "Route");
    });

    it("hands the email to the fallback when Genesys is too slow for the step's time budget, after the retries", async () => {
      bench = await startPipelineBench(email());
      bench.slow.push({ match: isAttributeWrite, delayMs: 60_000, times: 5 });

      const run = await bench.run({ stepTimeouts: { route: 1 } });

      expectRoutedByFallback(run, bench, "RouteFailed", "ROUTE_FAILED");
      expect(run.retries).toEqual({ Route: 4 });
    });
  });

  describe("Fallback", () => {
    it("retries its own transient failures and moves the email", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(GET_CONVERSATION, [REFUSED, SERVER_ERROR, SERVER_ERROR]);

      const run = await bench.run();

      expectRoutedByFallback(run, bench, "LoadFailed", "LOAD_FAILED");
      expect(run.retries).toEqual({ Fallback: 2 });
    });

    it("ends cleanly when the conversation ended before the fallback", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(GET_CONVERSATION, [REFUSED]);

      const run = await bench.run({ wrap: { fallback: beforeRunning(endConversation) } });

      expect(run.status).toBe("SUCCEEDED");
      expect(run.path.slice(-3)).toEqual(["Fallback", "FallbackOutcome", "NoLongerInTriage"]);
      expect(bench.fake.transfers).toEqual([]);
    });

    it("fails the execution (EmailNotRouted) when the fallback is refused for good; the rescue then moves the email", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(GET_CONVERSATION, [REFUSED, REFUSED]);

      const run = await bench.run();

      expect(run).toMatchObject({ status: "FAILED", error: "EmailNotRouted" });
      expect(run.path.slice(-3)).toEqual(["LoadFailed", "Fallback", "EmailNotRouted"]);
      expect(run.retries).toEqual({});
      expect(bench.queueOfEmail()).toBe(TRIAGE_QUEUE_ID);

      // Step Functions' status-change event (FAILED) reaches the fallback function: the rescue.
      await expect(bench.rescue("FAILED")).resolves.toEqual({ outcome: "routed", queueId: INTENT_QUEUE_ID, processingStatus: "PIPELINE_FAILED" });
      expect(bench.queueOfEmail()).toBe(INTENT_QUEUE_ID);
    });

    it("fails the execution after its retries when Genesys stays too slow; the rescue then moves the email", async () => {
      bench = await startPipelineBench(email());
      bench.fake.script(GET_CONVERSATION, [REFUSED]);
      let slowed = false;
      const slowFromNowOn = beforeRunning(() => {
        if (!slowed) bench.slow.push({ match: isConversationRead, delayMs: 60_000, times: 7 });
        slowed = true;
      });

      const run = await bench.run({ stepTimeouts: { fallback: 1 }, wrap: { fallback: slowFromNowOn } });

      expect(run).toMatchObject({ status: "FAILED", error: "EmailNotRouted" });
      expect(run.retries).toEqual({ Fallback: 6 });
      await expect(bench.rescue("FAILED")).resolves.toMatchObject({ outcome: "routed", queueId: INTENT_QUEUE_ID });
      expect(WORKED_QUEUES.has(bench.queueOfEmail())).toBe(true);
    });
  });

  describe("the execution's time limit", () => {
    it("ends an execution that outlives it (TIMED_OUT); the rescue moves the email, PIPELINE_TIMED_OUT", async () => {
      bench = await startPipelineBench(email());
      bench.slow.push({ match: isConversationRead, delayMs: 60_000, times: 1 });

      const run = await bench.run({ executionTimeoutSeconds: 2, stepTimeouts: { load: 4 } });

      expect(run.status).toBe("TIMED_OUT");
      expect(run.path).toEqual(["LoadEmail"]);
      await expect(bench.rescue("TIMED_OUT")).resolves.toEqual({ outcome: "routed", queueId: INTENT_QUEUE_ID, processingStatus: "PIPELINE_TIMED_OUT" });
      expect(bench.processingStatus()).toBe("PIPELINE_TIMED_OUT");
    });

  });
});
