/**
 * The attachment pipeline run locally as deployed: the state machine definition the construct
 * synthesizes (with short step timeouts), executed by aws-local-stepfunctions, its Task states bound to
 * the real step handlers over the Genesys fake (127.0.0.1), s3rver, dynalite and fakes at the SDK
 * boundary for Textract and Step Functions' callback API. The OCR callback is played by the real
 * attachment-ocr-complete handler: what it sends with SendTaskSuccess/Failure becomes the task's result.
 *
 * The bench's Genesys client makes no retries of its own, so a transient Genesys answer reaches the
 * state machine's Retry (deployed clients retry first, within the invocation's deadline).
 */
import { readFileSync } from "node:fs";
import { SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { GetDocumentTextDetectionCommand, StartDocumentTextDetectionCommand } from "@aws-sdk/client-textract";
import { attachmentPipelineDefinition, StepTimeouts } from "../../constructs/attachment-routing/pipeline-definition";
import { makeHandler as makeClassify } from "../../functions/attachment-routing/classify/handler";
import { LoadedEmail } from "../../functions/attachment-routing/core/contracts";
import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { makeHandler as makeFallback } from "../../functions/attachment-routing/fallback/handler";
import { makeHandler as makeLoad } from "../../functions/attachment-routing/load/handler";
import { makeHandler as makeOcrComplete } from "../../functions/attachment-routing/ocr-complete/handler";
import { makeHandler as makeOcrStart } from "../../functions/attachment-routing/ocr-start/handler";
import { makeHandler as makeRoute } from "../../functions/attachment-routing/route/handler";
import { ClassifierBackend } from "../../functions/shared/classifier/backend";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { SoftmaxModel } from "../../functions/shared/classifier/model";
import { GenesysClient } from "../../functions/shared/genesys/client";
import { BUNDLE_ARTIFACTS } from "../../scripts/build/bundle-artifacts";
import { SampleDocuments } from "../support/documents";
import { FakeAttachment, GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { LocalS3, startS3rver } from "../support/s3rver";
import { LambdaHandler, lambdaInvoke, lambdaInvokeWithCallback, LocalRun, runLocally, TaskHandler } from "../support/step-functions/local-execution";
import { CONVERSATION_ID, CUSTOMER_ADDRESS, LocalTokenTable, recorders, recordingDeadLetters, startTokenTable, TRIAGE_QUEUE_ID } from "./harness";

export const BUCKET = "documents";
export const DOCUMENT_QUEUES = { Invoice: "Invoices", ClaimForm: "Claims", Complaint: "Complaints" };
export const QUEUE_IDS: Readonly<Record<string, string>> = { Invoices: "q-invoices", Claims: "q-claims", Complaints: "q-complaints", Billing: "q-billing", IRA: "q-ira" };
export const FALLBACK_QUEUE_ID = "q-fallback";
/** Queues agents work: every queue but the triage queue. */
export const WORKED_QUEUES: ReadonlySet<string> = new Set([...Object.values(QUEUE_IDS), FALLBACK_QUEUE_ID]);
export const FUNCTION_ARNS = {
  load: "arn:aws:lambda:us-east-1:123456789012:function:gcx-test-attachment-load",
  ocrStart: "arn:aws:lambda:us-east-1:123456789012:function:gcx-test-attachment-ocr-start",
  classify: "arn:aws:lambda:us-east-1:123456789012:function:gcx-test-attachment-classify",
  route: "arn:aws:lambda:us-east-1:123456789012:function:gcx-test-attachment-route",
  fallback: "arn:aws:lambda:us-east-1:123456789012:function:gcx-test-attachment-fallback",
};
/** Step timeouts of the bench's runs: long enough for real documents on a loaded machine, short enough to wait for. */
export const BENCH_TIMEOUTS: StepTimeouts = { load: 20, ocrStart: 5, classify: 10, route: 10, fallback: 10 };
const TASK_TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAA-local-task-token";

/** An error as an AWS SDK raises it: Retry and Catch look at the name. */
export const sdkError = (name: string) => Object.assign(new Error(name), { name, $fault: "client", $metadata: {} });

/** Textract at the SDK boundary: jobs finish at once with the text scripted per attachment, unless told otherwise. */
export class FakeTextract {
  /** Errors the next StartDocumentTextDetection calls throw, in order. */
  readonly startFailures: Error[] = [];
  /** Attachment id -> the text Textract finds; `hang` never completes; `FAILED` ends the job failed. */
  readonly outcomes = new Map<string, string | { hang: true } | { status: "FAILED"; message: string }>();
  readonly jobs = new Map<string, { attachmentId: string; key: string }>();
  private next = 1;

  constructor(private readonly conversationId: string) {}

  outcomeOf(jobId: string) {
    const job = this.jobs.get(jobId);
    return job === undefined ? undefined : this.outcomes.get(job.attachmentId);
  }

  readonly client = {
    send: async (command: unknown): Promise<unknown> => {
      if (command instanceof StartDocumentTextDetectionCommand) {
        const failure = this.startFailures.shift();
        if (failure) throw failure;
        const key = command.input.DocumentLocation?.S3Object?.Name ?? "";
        const attachmentId = [...this.outcomes.keys()].find((id) => documentKeys(this.conversationId, id).ocr === key) ?? key;
        const jobId = `job-${this.next++}`;
        this.jobs.set(jobId, { attachmentId, key });
        return { JobId: jobId };
      }
      if (command instanceof GetDocumentTextDetectionCommand) {
        const outcome = this.outcomeOf(command.input.JobId ?? "");
        if (typeof outcome === "object" && "status" in outcome) return { JobStatus: "FAILED", StatusMessage: outcome.message };
        const text = typeof outcome === "string" ? outcome : "";
        return { JobStatus: "SUCCEEDED", DocumentMetadata: { Pages: 1 }, Blocks: text.split("\n").map((line) => ({ BlockType: "LINE", Text: line, Page: 1 })) };
      }
      throw new Error(`FakeTextract: unexpected ${(command as object).constructor.name}`);
    },
  };
}

/** A fetch for the Genesys client that holds matching requests `delayMs` first (a slow Genesys), honouring aborts. */
export function slowFetch(slow: Array<{ match: (url: string, method: string) => boolean; delayMs: number; times: number }>): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = (init?.method ?? "GET").toUpperCase();
    const rule = slow.find((s) => s.times > 0 && s.match(url, method));
    if (rule) {
      rule.times--;
      await new Promise<void>((resolve, reject) => {
        const signal = init?.signal;
        // Unref'd: a request abandoned by a finished run must not keep the test process alive.
        const timer = setTimeout(resolve, rule.delayMs).unref();
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason ?? Object.assign(new Error("aborted"), { name: "AbortError" }));
        });
      });
    }
    return fetch(input, init);
  };
}

export interface BenchRunOptions {
  readonly stepTimeouts?: Partial<StepTimeouts>;
  readonly ocrTimeoutSeconds?: number;
  /** Replaces the execution's time limit (the deployed one lies past every path the machine handles). */
  readonly executionTimeoutSeconds?: number;
  /** Wraps a step's handler (fault injection at the Lambda boundary). */
  readonly wrap?: Partial<Record<"load" | "ocrStart" | "classify" | "route" | "fallback", (handler: LambdaHandler) => LambdaHandler>>;
}

export interface PipelineBench {
  readonly fake: GenesysFake;
  readonly s3: LocalS3;
  readonly textract: FakeTextract;
  /** Requests the Genesys client holds back (a slow Genesys). */
  readonly slow: Parameters<typeof slowFetch>[0];
  /** Every Payload each step was invoked with. */
  readonly invocations: Record<"load" | "ocrStart" | "classify" | "route" | "fallback", unknown[]>;
  definition(options?: BenchRunOptions): Record<string, unknown>;
  run(options?: BenchRunOptions): Promise<LocalRun>;
  /** Step Functions' status-change event reaching the fallback function (the deployed rescue). */
  rescue(status: "FAILED" | "TIMED_OUT" | "ABORTED"): Promise<unknown>;
  /** Where the email is now: the queue of the last accepted move, or the triage queue. */
  queueOfEmail(): string;
  processingStatus(): string | undefined;
  close(): Promise<void>;
}

export interface BenchEmail {
  readonly attachments: FakeAttachment[];
  /** Attachment id -> what Textract finds in it (documents that need OCR). */
  readonly ocr?: Readonly<Record<string, string>>;
  readonly intent?: string;
}

/** The embedded document-types model as the classify bundle ships it (trained once per test file). */
let model: SoftmaxModel | undefined;
export function documentModel(): SoftmaxModel {
  return (model ??= JSON.parse(BUNDLE_ARTIFACTS["attachment-routing/classify"]!()["model.json"]!) as SoftmaxModel);
}

/** An email with a text invoice (text layer) and a scanned complaint (PNG, needs OCR). */
export function invoiceAndScan(samples: SampleDocuments, ocrText: string): BenchEmail {
  return {
    attachments: [
      { attachmentId: "a-invoice", name: "invoice.pdf", contentType: "application/pdf", bytes: readFileSync(samples.textPdf) },
      { attachmentId: "a-scan", name: "complaint.png", contentType: "image/png", bytes: readFileSync(samples.png) },
    ],
    ocr: { "a-scan": ocrText },
  };
}

export async function startPipelineBench(email: BenchEmail, backend: ClassifierBackend = embeddedBackend(documentModel())): Promise<PipelineBench> {
  const [fake, s3, tokens] = await Promise.all([startGenesysFake(), startS3rver([BUCKET]), startTokenTable()]);
  fake.seedConversation({
    id: CONVERSATION_ID,
    participants: [
      { id: "p-customer", purpose: "customer", state: "connected", attributes: { intent: email.intent ?? "Billing" } },
      { id: "p-acd", purpose: "acd", state: "connected", queue: { id: TRIAGE_QUEUE_ID } },
    ],
    messages: [{ id: "m-1", textBody: "Documents attached.", time: "2026-01-05T10:00:00.000Z", attachments: email.attachments, from: { email: CUSTOMER_ADDRESS } } as never],
  });
  const textract = new FakeTextract(CONVERSATION_ID);
  for (const [attachmentId, text] of Object.entries(email.ocr ?? {})) textract.outcomes.set(attachmentId, text);
  const slow: Parameters<typeof slowFetch>[0] = [];
  const genesys = new GenesysClient({
    apiBaseUrl: fake.apiBaseUrl,
    loginBaseUrl: fake.loginBaseUrl,
    credentials: async () => ({ clientId: fake.clientId, clientSecret: fake.clientSecret }),
    maxRetries: 0,
    fetch: slowFetch(slow),
  });
  const store = s3DocumentStore(s3.client, BUCKET);
  const telemetry = () => recorders();
  const handlers = {
    load: makeLoad({ genesys, store, limits: { maxBytes: 10 * 1024 * 1024, classificationPages: 5 }, ...telemetry() }),
    ocrStart: makeOcrStart({ textract: textract.client as never, tokens: tokens.store, bucket: BUCKET, topicArn: "arn:aws:sns:us-east-1:123456789012:ocr-done", roleArn: "arn:aws:iam::123456789012:role/textract", ...telemetry() }),
    classify: makeClassify({ backend: () => backend, store, policy: { documentQueues: DOCUMENT_QUEUES, confidenceThreshold: 0.6 }, ...telemetry() }),
    route: makeRoute({
      genesys,
      queueIds: QUEUE_IDS,
      fallbackQueueId: FALLBACK_QUEUE_ID,
      resend: { fromAddress: "support@acme.mypurecloud.com", fromName: "Acme", subject: "Please resend", body: "Please resend without a password." },
      ...telemetry(),
    }),
    fallback: makeFallback({ genesys, queueIds: QUEUE_IDS, fallbackQueueId: FALLBACK_QUEUE_ID, ...telemetry() }),
  };
  const invocations: PipelineBench["invocations"] = { load: [], ocrStart: [], classify: [], route: [], fallback: [] };

  /** Textract's completion reaching the real ocr-complete handler; its SendTask* call is the task's answer. */
  async function ocrCallback(started: unknown): Promise<unknown> {
    const { jobId } = started as { jobId: string };
    const outcome = textract.outcomeOf(jobId);
    if (typeof outcome === "object" && "hang" in outcome) return new Promise(() => undefined);
    let answer: SendTaskSuccessCommand | SendTaskFailureCommand | undefined;
    const completion = makeOcrComplete({
      textract: textract.client as never,
      sfn: { send: async (command: unknown) => void (answer = command as SendTaskSuccessCommand | SendTaskFailureCommand) } as never,
      tokens: tokens.store,
      store,
      deadLetters: recordingDeadLetters().deadLetters,
      ...telemetry(),
    });
    const status = typeof outcome === "object" && "status" in outcome ? outcome.status : "SUCCEEDED";
    await completion({ Records: [{ Sns: { MessageId: `msg-${jobId}`, Message: JSON.stringify({ JobId: jobId, Status: status, API: "StartDocumentTextDetection" }) } }] });
    if (answer instanceof SendTaskSuccessCommand) return JSON.parse(answer.input.output ?? "null");
    if (answer instanceof SendTaskFailureCommand) throw Object.assign(new Error(answer.input.cause ?? ""), { name: answer.input.error ?? "States.TaskFailed" });
    throw new Error(`ocr-complete answered nothing for ${jobId}`);
  }

  const definition = (options: BenchRunOptions = {}) => {
    const built = attachmentPipelineDefinition({ functions: FUNCTION_ARNS, ocrTimeoutSeconds: options.ocrTimeoutSeconds ?? 10, stepTimeouts: { ...BENCH_TIMEOUTS, ...options.stepTimeouts } });
    return options.executionTimeoutSeconds === undefined ? built : { ...built, TimeoutSeconds: options.executionTimeoutSeconds };
  };

  return {
    fake,
    s3,
    textract,
    slow,
    invocations,
    definition,
    async run(options = {}) {
      const timeouts = { ...BENCH_TIMEOUTS, ...options.stepTimeouts };
      const bound = (step: keyof typeof handlers): LambdaHandler => {
        const handler = handlers[step] as LambdaHandler;
        return options.wrap?.[step]?.(handler) ?? handler;
      };
      const tasks: Record<string, TaskHandler> = {
        LoadEmail: lambdaInvoke(bound("load"), timeouts.load, invocations.load),
        StartOcr: lambdaInvokeWithCallback(bound("ocrStart"), timeouts.ocrStart, ocrCallback, invocations.ocrStart),
        Classify: lambdaInvoke(bound("classify"), timeouts.classify, invocations.classify),
        Route: lambdaInvoke(bound("route"), timeouts.route, invocations.route),
        Fallback: lambdaInvoke(bound("fallback"), timeouts.fallback, invocations.fallback),
      };
      return runLocally(definition(options), { conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID }, { tasks, taskToken: TASK_TOKEN });
    },
    rescue(status) {
      return handlers.fallback({
        source: "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        detail: { executionArn: `arn:aws:states:us-east-1:123456789012:execution:pipeline:${CONVERSATION_ID}`, status, input: JSON.stringify({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID }) },
      });
    },
    queueOfEmail: () => fake.transfers.at(-1)?.queueId ?? TRIAGE_QUEUE_ID,
    processingStatus: () => fake.attributesOf(CONVERSATION_ID, "p-customer")?.processingStatus,
    async close() {
      await Promise.all([fake.close(), s3.close(), tokens.close()]);
    },
  };
}

/** The loaded email a run's Classify step received, for assertions. */
export const classifiedEmail = (bench: PipelineBench): LoadedEmail | undefined => (bench.invocations.classify.at(-1) as { email?: LoadedEmail } | undefined)?.email;

/** Runs Lambda's handler only after throwing `error` the first `times` invocations (a fault of the Lambda service or of its input). */
export function failingFirst(times: number, error: () => Error): (handler: LambdaHandler) => LambdaHandler {
  return (handler) => {
    let left = times;
    return async (event, context) => {
      if (left-- > 0) throw error();
      return handler(event, context);
    };
  };
}

/** Wrappers of a step's handler (BenchRunOptions.wrap), to inject a fault where it happens. */
export const beforeRunning = (action: () => void) => (handler: LambdaHandler): LambdaHandler => (event, context) => {
  action();
  return handler(event, context);
};
export const afterRunning = (action: () => void) => (handler: LambdaHandler): LambdaHandler => async (event, context) => {
  const result = await handler(event, context);
  action();
  return result;
};
/** The step receives a changed input (a fault upstream). */
export const withInput = (change: (event: unknown) => unknown) => (handler: LambdaHandler): LambdaHandler => (event, context) => handler(change(event), context);
/** The function never returns (stuck): Lambda's timeout ends it. */
export const hanging = () => (): LambdaHandler => () => new Promise<never>(() => undefined);

/** Genesys requests and answers the cases use. */
export const GET_CONVERSATION = `GET /api/v2/conversations/emails/${CONVERSATION_ID}`;
export const PATCH_ATTRIBUTES = `PATCH /api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`;
export const SERVER_ERROR = { status: 503, body: { message: "The service is currently unavailable", code: "service.unavailable", status: 503 } };
export const REFUSED = { status: 400, body: { message: "The request could not be understood", code: "bad.request", status: 400 } };
export const isConversationRead = (url: string, method: string) => method === "GET" && new URL(url).pathname === `/api/v2/conversations/emails/${CONVERSATION_ID}`;
/** The queue of the email's text intent ("Billing"). */
export const INTENT_QUEUE_ID = "q-billing";

export function expectRouted(run: LocalRun, bench: PipelineBench): void {
  expect(run.status).toBe("SUCCEEDED");
  expect(run.path.slice(-2)).toEqual(["Route", "EmailRouted"]);
  expect(WORKED_QUEUES.has(bench.queueOfEmail())).toBe(true);
}

export function expectRoutedByFallback(run: LocalRun, bench: PipelineBench, failedState: string, processingStatus: string): void {
  expect(run.status).toBe("SUCCEEDED");
  expect(run.path.slice(-4)).toEqual([failedState, "Fallback", "FallbackOutcome", "EmailRoutedByFallback"]);
  expect(bench.processingStatus()).toBe(processingStatus);
  expect(bench.queueOfEmail()).toBe(INTENT_QUEUE_ID);
}

export function expectEndedCleanly(run: LocalRun, bench: PipelineBench, failedState: string): void {
  expect(run.status).toBe("SUCCEEDED");
  expect(run.path.slice(-2)).toEqual([failedState, "NoLongerInTriage"]);
  expect(run.retries[failedState]).toBeUndefined();
  expect(run.failures.filter((f) => f.state === failedState).map((f) => f.error)).toEqual(["GenesysConversationEndedError"]);
  expect(bench.fake.transfers).toEqual([]);
}

export type { LocalTokenTable };
