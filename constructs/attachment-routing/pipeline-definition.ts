import { MAX_DOCUMENTS_PER_EMAIL, MOVED_BY_FALLBACK } from "../../functions/attachment-routing/core/contracts";
import { NO_LONGER_IN_TRIAGE_ERROR_NAMES, TRANSIENT_STEP_ERROR_NAMES } from "../../functions/attachment-routing/core/errors";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";

/**
 * The attachment pipeline as an Amazon States Language definition (Standard workflow), built by a
 * pure function so tests can read every retry, timeout and catch, validate it and run it locally.
 * Data flow, with the contracts of functions/attachment-routing/core/contracts.ts:
 *
 *   executionInput -> LoadEmail -> PrepareClassification {email, ocr: [], failure: null}
 *     -> Ocr (Map, one callback task per document needing OCR) -> {email, ocr, failure}
 *     -> Classify -> {..., decision} -> Route -> EmailRouted
 *
 * No email strands in the triage queue: every Task retries only the transient error names
 * (TRANSIENT_STEP_ERROR_NAMES, from where the errors are defined) and catches everything else. An email
 * whose conversation ended or that already left triage ends the execution cleanly (NoLongerInTriage);
 * a failed LoadEmail, Classify or Route goes to Fallback with the reason, which moves the email to its
 * text intent's queue (or the fallback queue) with its own, longer retries; only if that fails too does
 * the execution fail (EmailNotRouted), which an alarm and the status-change rescue see. An OCR timeout or
 * failure still classifies the other documents (MANUAL_REVIEW_REQUIRED on a timeout).
 *
 * Every Task has a timeout and bounded retries, so the longest path the machine handles itself is
 * known; the execution's own TimeoutSeconds lies past it, as a backstop for what nothing here foresees.
 */
export interface AttachmentPipelineFunctions {
  readonly load: string;
  readonly ocrStart: string;
  readonly classify: string;
  readonly route: string;
  readonly fallback: string;
}

/** How long each step's Lambda may run (its deployed timeout), in seconds. */
export type StepTimeouts = { readonly [K in keyof AttachmentPipelineFunctions]: number };

export interface AttachmentPipelineOptions {
  readonly functions: AttachmentPipelineFunctions;
  /** How long one document's OCR may take before the email is routed with MANUAL_REVIEW_REQUIRED. */
  readonly ocrTimeoutSeconds: number;
  /** The step Lambdas' timeouts; default STEP_TIMEOUT_SECONDS (tests run the same machine with short ones). */
  readonly stepTimeouts?: StepTimeouts;
}

/** Task states time out this long after their Lambda would, so Lambda's own timeout error comes first. */
const TASK_TIMEOUT_MARGIN_SECONDS = 5;
/** Room for state transitions and Lambda cold starts on top of the Tasks' worst cases. */
const EXECUTION_SLACK_SECONDS = 60;

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
  readonly MaxAttempts: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy: "FULL";
}

/** Retries of a pipeline step: transient errors only, with exponential backoff and full jitter. */
const STEP_RETRY: Retrier = { ErrorEquals: TRANSIENT_STEP_ERROR_NAMES, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 20, JitterStrategy: "FULL" };
/** The fallback is the email's last chance: it retries longer. */
const FALLBACK_RETRY: Retrier = { ...STEP_RETRY, MaxAttempts: 6, MaxDelaySeconds: 30 };

/** The longest the retries of one retrier wait in all (without jitter, which only shortens them). */
export function retryDelaySeconds(retrier: Retrier): number {
  let total = 0;
  for (let attempt = 0; attempt < retrier.MaxAttempts; attempt++) total += Math.min(retrier.MaxDelaySeconds, retrier.IntervalSeconds * retrier.BackoffRate ** attempt);
  return total;
}

const invoke = (functionArn: string, payload: Record<string, string>, timeoutSeconds: number) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: functionArn, Payload: payload },
  ResultSelector: { "value.$": "$.Payload" },
  TimeoutSeconds: timeoutSeconds,
});

const toFallback = (status: string) => ({ Type: "Pass", Result: status, ResultPath: "$.fallbackStatus", Next: "Fallback" });

export function attachmentPipelineDefinition(options: AttachmentPipelineOptions): Record<string, unknown> {
  const { functions } = options;
  const stepTimeouts = options.stepTimeouts ?? {
    load: STEP_TIMEOUT_SECONDS.load,
    ocrStart: STEP_TIMEOUT_SECONDS.ocrStart,
    classify: STEP_TIMEOUT_SECONDS.classify,
    route: STEP_TIMEOUT_SECONDS.route,
    fallback: STEP_TIMEOUT_SECONDS.fallback,
  };
  for (const [step, seconds] of Object.entries(stepTimeouts)) {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 900) throw new Error(`stepTimeouts.${step} must be an integer from 1 to 900 (a Lambda's limit), got ${seconds}`);
  }
  if (!Number.isInteger(options.ocrTimeoutSeconds) || options.ocrTimeoutSeconds < 10) {
    throw new Error(`ocrTimeoutSeconds must be an integer of at least 10, got ${options.ocrTimeoutSeconds}`);
  }
  if (options.ocrTimeoutSeconds <= stepTimeouts.ocrStart) {
    throw new Error(`ocrTimeoutSeconds (${options.ocrTimeoutSeconds}) must be longer than the OCR start function's timeout (${stepTimeouts.ocrStart} s)`);
  }
  const task = (step: keyof StepTimeouts) => stepTimeouts[step] + TASK_TIMEOUT_MARGIN_SECONDS;
  // The worst case of a Task: every attempt that is retried ends within its Lambda's timeout, the last
  // one at the Task's timeout, and the retries wait their longest.
  const worstCase = (step: keyof StepTimeouts, retrier: Retrier) => retrier.MaxAttempts * stepTimeouts[step] + task(step) + retryDelaySeconds(retrier);
  // All documents are OCR'd at once; a start that is retried fails within its Lambda's timeout, the wait itself is bounded.
  const ocrStage = STEP_RETRY.MaxAttempts * stepTimeouts.ocrStart + retryDelaySeconds(STEP_RETRY) + options.ocrTimeoutSeconds;
  const longestPath =
    worstCase("load", STEP_RETRY) + ocrStage + worstCase("classify", STEP_RETRY) + worstCase("route", STEP_RETRY) + worstCase("fallback", FALLBACK_RETRY) + EXECUTION_SLACK_SECONDS;

  const noLongerInTriage = { ErrorEquals: [...NO_LONGER_IN_TRIAGE_ERROR_NAMES], ResultPath: "$.error", Next: "NoLongerInTriage" };
  const orElse = (next: string) => ({ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: next });

  return {
    Comment: "Email attachments: download, OCR, classify, then move the email out of the triage queue; on any failure, to its text intent's queue",
    TimeoutSeconds: longestPath,
    StartAt: "LoadEmail",
    States: {
      LoadEmail: {
        ...invoke(functions.load, { "conversationId.$": "$.conversationId", "triageQueueId.$": "$.triageQueueId" }, task("load")),
        ResultPath: "$.loaded",
        Retry: [STEP_RETRY],
        Catch: [noLongerInTriage, orElse("LoadFailed")],
        Next: "PrepareClassification",
      },
      PrepareClassification: {
        Type: "Pass",
        Comment: "The shape every path to Classify reads: the email, no OCR results yet, no OCR failure",
        Parameters: { "email.$": "$.loaded.value", ocr: [], failure: null },
        Next: "HasAttachments",
      },
      HasAttachments: {
        Type: "Choice",
        Choices: [{ Variable: "$.email.documents[0]", IsPresent: true, Next: "Ocr" }],
        Default: "NoAttachments",
      },
      NoAttachments: { Type: "Pass", Comment: "Routed at once to the text intent's queue", Next: "Classify" },
      Ocr: {
        Type: "Map",
        ItemsPath: "$.email.documents",
        ItemSelector: { "document.$": "$$.Map.Item.Value", "conversationId.$": "$.email.conversationId" },
        MaxConcurrency: MAX_DOCUMENTS_PER_EMAIL,
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "NeedsOcr",
          States: {
            NeedsOcr: {
              Type: "Choice",
              Choices: [{ Variable: "$.document.needsOcr", BooleanEquals: true, Next: "StartOcr" }],
              Default: "NoOcr",
            },
            NoOcr: { Type: "Pass", Parameters: { "attachmentId.$": "$.document.attachmentId" }, End: true },
            StartOcr: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
              Parameters: {
                FunctionName: functions.ocrStart,
                Payload: { "taskToken.$": "$$.Task.Token", "conversationId.$": "$.conversationId", "document.$": "$.document" },
              },
              TimeoutSeconds: options.ocrTimeoutSeconds,
              Retry: [STEP_RETRY],
              Catch: [
                // Out of time: the whole email is routed at once (the Map's catch).
                { ErrorEquals: ["States.Timeout"], Next: "OcrTimeout" },
                // Textract cannot read this one document: the others still count.
                { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "OcrUnavailable" },
              ],
              End: true,
            },
            OcrTimeout: { Type: "Fail", Error: "OcrTimeout", Cause: "OCR did not finish in time" },
            OcrUnavailable: { Type: "Pass", Parameters: { "attachmentId.$": "$.document.attachmentId", ocrFailed: true }, End: true },
          },
        },
        ResultPath: "$.ocr",
        Catch: [
          { ErrorEquals: ["OcrTimeout"], ResultPath: "$.error", Next: "OcrTimedOut" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "OcrFailed" },
        ],
        Next: "Classify",
      },
      OcrTimedOut: { Type: "Pass", Result: "timeout", ResultPath: "$.failure", Next: "Classify" },
      OcrFailed: { Type: "Pass", Result: "ocr-failed", ResultPath: "$.failure", Next: "Classify" },
      Classify: {
        ...invoke(functions.classify, { "email.$": "$.email", "ocr.$": "$.ocr", "failure.$": "$.failure" }, task("classify")),
        ResultPath: "$.decision",
        Retry: [STEP_RETRY],
        Catch: [orElse("ClassifyFailed")],
        Next: "Route",
      },
      Route: {
        ...invoke(functions.route, { "email.$": "$.email", "decision.$": "$.decision.value" }, task("route")),
        ResultPath: null,
        Retry: [STEP_RETRY],
        Catch: [noLongerInTriage, orElse("RouteFailed")],
        Next: "EmailRouted",
      },
      EmailRouted: { Type: "Succeed" },
      LoadFailed: toFallback("LOAD_FAILED"),
      ClassifyFailed: toFallback("CLASSIFY_FAILED"),
      RouteFailed: toFallback("ROUTE_FAILED"),
      Fallback: {
        ...invoke(
          functions.fallback,
          {
            "conversationId.$": "$$.Execution.Input.conversationId",
            "triageQueueId.$": "$$.Execution.Input.triageQueueId",
            "processingStatus.$": "$.fallbackStatus",
            "error.$": "$.error",
          },
          task("fallback"),
        ),
        ResultPath: "$.fallback",
        Retry: [FALLBACK_RETRY],
        Catch: [noLongerInTriage, orElse("EmailNotRouted")],
        Next: "FallbackOutcome",
      },
      FallbackOutcome: {
        Type: "Choice",
        Choices: [{ Variable: "$.fallback.value.outcome", StringEquals: MOVED_BY_FALLBACK, Next: "EmailRoutedByFallback" }],
        Default: "NoLongerInTriage",
      },
      EmailRoutedByFallback: { Type: "Succeed" },
      NoLongerInTriage: { Type: "Succeed", Comment: "The conversation ended or the email left the triage queue: nothing to route" },
      EmailNotRouted: {
        Type: "Fail",
        Error: "EmailNotRouted",
        Cause: "Neither the pipeline nor its fallback could move the email out of the triage queue",
      },
    },
  };
}
