/**
 * The attachment pipeline as an Amazon States Language definition (Standard workflow), built by a
 * pure function so tests can read every retry, timeout and catch. Data flow, with the contracts of
 * functions/attachment-routing/core/contracts.ts:
 *   executionInput -> LoadEmail -> {email} -> Ocr (Map, one callback task per document needing OCR)
 *   -> {email, ocr} -> Classify -> {email, ocr, decision} -> Route
 */
export interface AttachmentPipelineFunctions {
  readonly load: string;
  readonly ocrStart: string;
  readonly classify: string;
  readonly route: string;
}

export interface AttachmentPipelineOptions {
  readonly functions: AttachmentPipelineFunctions;
  /** How long one document's OCR may take before the email is routed with MANUAL_REVIEW_REQUIRED. */
  readonly ocrTimeoutSeconds: number;
  /** Documents OCR'd at once. */
  readonly ocrConcurrency?: number;
}

/** Transient Lambda faults, retried everywhere. */
const LAMBDA_FAULTS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"];
/** Throttling raised by the step functions' own calls (Textract, Genesys). */
export const THROTTLING_ERRORS = ["ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException", "GenesysRateLimitError"];

const retry = (errors: readonly string[], maxAttempts: number) => ({
  ErrorEquals: [...errors],
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: maxAttempts,
  MaxDelaySeconds: 16,
  JitterStrategy: "FULL",
});

const invoke = (functionArn: string, payload: Record<string, string>) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: functionArn, Payload: payload },
  ResultSelector: { "value.$": "$.Payload" },
});

export function attachmentPipelineDefinition(options: AttachmentPipelineOptions): Record<string, unknown> {
  const { functions } = options;
  if (!Number.isInteger(options.ocrTimeoutSeconds) || options.ocrTimeoutSeconds < 10) {
    throw new Error(`ocrTimeoutSeconds must be an integer of at least 10, got ${options.ocrTimeoutSeconds}`);
  }
  return {
    Comment: "Email attachments: download, OCR, classify, then move the email out of the triage queue",
    StartAt: "LoadEmail",
    States: {
      LoadEmail: {
        ...invoke(functions.load, { "conversationId.$": "$.conversationId", "triageQueueId.$": "$.triageQueueId" }),
        ResultPath: "$.loaded",
        Retry: [retry(LAMBDA_FAULTS, 3), retry([...THROTTLING_ERRORS, "GenesysApiError", "GenesysNetworkError"], 5)],
        Next: "KeepEmail",
      },
      KeepEmail: { Type: "Pass", Parameters: { "email.$": "$.loaded.value", ocr: [], failure: null }, Next: "HasAttachments" },
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
        MaxConcurrency: options.ocrConcurrency ?? 5,
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
              Retry: [retry(LAMBDA_FAULTS, 3), retry(THROTTLING_ERRORS, 4)],
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
        ...invoke(functions.classify, { "email.$": "$.email", "ocr.$": "$.ocr", "failure.$": "$.failure" }),
        ResultPath: "$.decision",
        Retry: [retry(LAMBDA_FAULTS, 3)],
        Next: "Route",
      },
      Route: {
        ...invoke(functions.route, { "email.$": "$.email", "decision.$": "$.decision.value" }),
        ResultPath: null,
        Retry: [retry(LAMBDA_FAULTS, 3), retry([...THROTTLING_ERRORS, "GenesysApiError", "GenesysNetworkError"], 6)],
        End: true,
      },
    },
  };
}
