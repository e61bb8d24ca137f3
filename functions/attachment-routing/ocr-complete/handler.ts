import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { Block, GetDocumentTextDetectionCommand, GetDocumentTextDetectionResponse, TextractClient } from "@aws-sdk/client-textract";
import * as z from "zod";
import { OcrResult, ocrResult } from "../core/contracts";
import { describeError, errorName } from "../core/errors";
import { documentKeys, DocumentStore, TEXT_CONTENT_TYPE } from "../core/storage";
import { ParkedTaskToken, TaskTokenStore } from "../core/token-store";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";

export interface OcrCompleteDependencies {
  readonly textract: Pick<TextractClient, "send">;
  readonly sfn: Pick<SFNClient, "send">;
  readonly tokens: TaskTokenStore;
  readonly store: DocumentStore;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

const snsEvent = z.object({
  Records: z.array(z.object({ Sns: z.object({ MessageId: z.string().optional(), Message: z.string() }) })).min(1),
});

/** Textract's completion message (a JSON string in the SNS Message). */
const textractMessage = z.looseObject({
  JobId: z.string().min(1),
  Status: z.string().min(1),
  API: z.string().optional(),
  JobTag: z.string().optional(),
  Timestamp: z.number().optional(),
});

/** SendTask* errors meaning the task is no longer waiting: a late result after the pipeline moved on. */
const LATE_RESULT_ERRORS = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);
/** Step Functions limits for SendTaskFailure. */
const MAX_ERROR_CHARS = 256;
const MAX_CAUSE_CHARS = 32_768;
/** Get* pages fetched for one job at most (1,000 blocks each); the OCR'd copy has a few pages. */
const MAX_RESULT_PAGES = 200;

export type CompletionOutcome = "succeeded" | "failed" | "late" | "unknown-job" | "invalid-message";

/** Thrown when Get* says the job is still running: the SNS delivery is retried. */
export class TextractJobNotFinishedError extends Error {
  override readonly name = "TextractJobNotFinishedError";
}

/** The LINE blocks' text in page order (Textract returns blocks in reading order within a page). */
export function joinLines(blocks: readonly Block[]): string {
  return blocks
    .map((block, index) => ({ block, index }))
    .filter(({ block }) => block.BlockType === "LINE" && typeof block.Text === "string")
    .sort((a, b) => (a.block.Page ?? 1) - (b.block.Page ?? 1) || a.index - b.index)
    .map(({ block }) => block.Text!)
    .join("\n");
}

/**
 * SNS subscriber of Textract's completion topic. Finds the task token parked under the JobId, and
 * for a successful job pages through GetDocumentTextDetection, writes the LINE text to
 * `conversations/<cid>/<attachmentId>/ocr.txt` and resumes the execution with an OcrResult; for a
 * failed job it fails the task with `TextractFailed`. A job without a parked token, or a task that is
 * no longer waiting (TaskTimedOut, TaskDoesNotExist, InvalidToken), is a late result and is ignored.
 * The token is deleted once the task has its answer. Other errors (throttling) throw, so SNS retries.
 */
export function makeHandler(deps: OcrCompleteDependencies) {
  async function textPages(jobId: string): Promise<{ first: GetDocumentTextDetectionResponse; blocks: Block[] }> {
    const blocks: Block[] = [];
    let first: GetDocumentTextDetectionResponse | undefined;
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_RESULT_PAGES; page++) {
      const response = await deps.textract.send(new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) }));
      first ??= response;
      blocks.push(...(response.Blocks ?? []));
      nextToken = response.NextToken;
      if (!nextToken) break;
    }
    return { first: first!, blocks };
  }

  async function resume(parked: ParkedTaskToken, send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (!LATE_RESULT_ERRORS.has(errorName(error))) throw error;
      deps.logger.info("the task is no longer waiting; late OCR result ignored", {
        jobId: parked.jobId,
        conversationId: parked.conversationId,
        attachmentId: parked.attachmentId,
        error: errorName(error),
      });
      return false;
    }
  }

  async function complete(message: z.output<typeof textractMessage>): Promise<CompletionOutcome> {
    const jobId = message.JobId;
    const parked = await deps.tokens.get(jobId);
    if (parked === undefined) {
      deps.logger.warn("no task waits for this Textract job (late or unknown); ignored", { jobId, status: message.Status, jobTag: message.JobTag });
      return "unknown-job";
    }
    const facts = { jobId, conversationId: parked.conversationId, attachmentId: parked.attachmentId };
    const status = message.Status.toUpperCase();
    let outcome: CompletionOutcome;
    if (status === "SUCCEEDED" || status === "PARTIAL_SUCCESS") {
      const { first, blocks } = await textPages(jobId);
      const jobStatus = first.JobStatus?.toUpperCase();
      if (jobStatus === "IN_PROGRESS") throw new TextractJobNotFinishedError(`Textract job ${jobId} is still IN_PROGRESS`);
      const text = joinLines(blocks);
      if (status === "PARTIAL_SUCCESS" && text.trim() === "") {
        outcome = await fail(parked, first.StatusMessage ?? `Textract job ended ${status} without text`);
      } else {
        const textKey = documentKeys(parked.conversationId, parked.attachmentId).ocrText;
        await deps.store.put(textKey, text, TEXT_CONTENT_TYPE);
        const output: OcrResult = ocrResult.parse({ attachmentId: parked.attachmentId, textKey });
        const sent = await resume(parked, () => deps.sfn.send(new SendTaskSuccessCommand({ taskToken: parked.taskToken, output: JSON.stringify(output) })));
        deps.logger.info("OCR text stored", { ...facts, status, pages: first.DocumentMetadata?.Pages, lines: blocks.filter((b) => b.BlockType === "LINE").length, chars: text.length, resumed: sent });
        outcome = sent ? "succeeded" : "late";
      }
    } else {
      let cause = `Textract job ended ${status}`;
      try {
        const { StatusMessage: statusMessage } = await deps.textract.send(new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1 }));
        if (statusMessage) cause = `${cause}: ${statusMessage}`;
      } catch (error) {
        // The status alone says enough; the message is a nicety.
        deps.logger.warn("could not read the failed job's StatusMessage", { ...facts, error: errorName(error) });
      }
      outcome = await fail(parked, cause);
    }
    await deps.tokens.delete(jobId);
    return outcome;
  }

  async function fail(parked: ParkedTaskToken, cause: string): Promise<CompletionOutcome> {
    const sent = await resume(parked, () =>
      deps.sfn.send(
        new SendTaskFailureCommand({ taskToken: parked.taskToken, error: "TextractFailed".slice(0, MAX_ERROR_CHARS), cause: cause.slice(0, MAX_CAUSE_CHARS) }),
      ),
    );
    deps.logger.warn("OCR failed", { jobId: parked.jobId, conversationId: parked.conversationId, attachmentId: parked.attachmentId, cause, resumed: sent });
    return sent ? "failed" : "late";
  }

  return async function handler(event: unknown): Promise<{ outcomes: CompletionOutcome[] }> {
    const parsed = snsEvent.safeParse(event);
    if (!parsed.success) {
      deps.logger.error("not an SNS event; ignored", { problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`) });
      return { outcomes: ["invalid-message"] };
    }
    const outcomes: CompletionOutcome[] = [];
    try {
      for (const record of parsed.data.Records) {
        let message: z.output<typeof textractMessage>;
        try {
          message = textractMessage.parse(JSON.parse(record.Sns.Message));
        } catch (error) {
          deps.logger.error("not a Textract completion message; ignored", { messageId: record.Sns.MessageId, error: errorName(error) });
          outcomes.push("invalid-message");
          continue;
        }
        const outcome = await complete(message);
        outcomes.push(outcome);
        deps.metrics.addDimension("Outcome", outcome);
        deps.metrics.addMetric("OcrCompletions", MetricUnit.Count, 1);
      }
    } catch (error) {
      deps.logger.error("OCR completion failed; SNS will retry", { error: describeError(error) });
      throw error;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
    return { outcomes };
  };
}
