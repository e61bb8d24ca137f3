import { createHash } from "node:crypto";
import { StartDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { ocrRequest } from "../core/contracts";
import { describeError, errorName, InvalidStepInputError, parseStepInput, toStepError } from "../core/errors";
import { awsCallOptions, InvocationContext, invocationDeadline } from "../core/invocation";
import { TaskTokenStore } from "../core/token-store";
import { TASK_TOKEN_TTL_SECONDS } from "../core/token-table";

export interface OcrStartDependencies {
  readonly textract: Pick<TextractClient, "send">;
  readonly tokens: TaskTokenStore;
  /** The documents bucket, where attachment-load put the `ocr` object. */
  readonly bucket: string;
  /** Textract's completion topic and the role Textract assumes to publish to it. */
  readonly topicArn: string;
  readonly roleArn: string;
  readonly now?: () => number;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/** Textract accepted the call but named no job: nothing to wait for, so this document's OCR fails. */
class TextractNoJobError extends Error {
  override readonly name = "TextractNoJobError";
}

/** Textract's limit for ClientRequestToken and JobTag. */
const TEXTRACT_TOKEN_CHARS = 64;

/**
 * Idempotency token for one attachment of one conversation (64 hex characters): a retried start
 * gets the same JobId back instead of a second job.
 */
function clientRequestToken(conversationId: string, attachmentId: string, ocrKey: string): string {
  return createHash("sha256").update(JSON.stringify([conversationId, attachmentId, ocrKey])).digest("hex").slice(0, TEXTRACT_TOKEN_CHARS);
}

/** Correlation id echoed in the completion message: the attachment id in Textract's JobTag alphabet. */
export function jobTag(attachmentId: string): string {
  return attachmentId.replace(/[^A-Za-z0-9_.\-:]/g, "_").slice(0, TEXTRACT_TOKEN_CHARS);
}

/**
 * One Map iteration's `lambda:invoke.waitForTaskToken` task: starts asynchronous Textract text
 * detection of the document's `ocr` object, with completion published to SNS, and parks the task token
 * under the JobId for attachment-ocr-complete. Both calls run within the invocation's deadline;
 * throttling and other transient AWS failures are thrown as TransientAwsError, for the state machine's
 * Retry; anything else fails this document's OCR (it then counts as unreadable).
 */
export function makeHandler(deps: OcrStartDependencies) {
  const now = deps.now ?? Date.now;

  return async function handler(event: unknown, context?: InvocationContext): Promise<{ jobId: string }> {
    const deadline = invocationDeadline(context, "ocrStart");
    const { taskToken, conversationId, document } = parseStepInput(ocrRequest, event, "attachment-ocr-start");
    const { attachmentId, ocrKey } = document;
    if (ocrKey === undefined || document.status !== "readable") {
      throw new InvalidStepInputError(`attachment-ocr-start: document ${attachmentId} is ${document.status} and has ${ocrKey ? "an" : "no"} ocrKey; nothing to OCR`);
    }

    let jobId: string | undefined;
    try {
      ({ JobId: jobId } = await deps.textract.send(
        new StartDocumentTextDetectionCommand({
          DocumentLocation: { S3Object: { Bucket: deps.bucket, Name: ocrKey } },
          NotificationChannel: { SNSTopicArn: deps.topicArn, RoleArn: deps.roleArn },
          ClientRequestToken: clientRequestToken(conversationId, attachmentId, ocrKey),
          JobTag: jobTag(attachmentId),
        }),
        awsCallOptions(deadline),
      ));
      if (!jobId) throw new TextractNoJobError("Textract StartDocumentTextDetection returned no JobId");
      await deps.tokens.put({ jobId, taskToken, conversationId, attachmentId, expiresAt: Math.floor(now() / 1000) + TASK_TOKEN_TTL_SECONDS }, { deadline });
    } catch (error) {
      deps.logger.warn("OCR could not be started", { conversationId, attachmentId, error: describeError(error) });
      deps.metrics.addDimension("Error", errorName(error));
      deps.metrics.addMetric("OcrStartFailures", MetricUnit.Count, 1);
      deps.metrics.publishStoredMetrics();
      throw toStepError(error);
    }
    deps.logger.info("OCR started", { conversationId, attachmentId, jobId, pagesAnalyzed: document.pagesAnalyzed, truncated: document.truncated });
    deps.metrics.addMetric("OcrJobsStarted", MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
    return { jobId };
  };
}
