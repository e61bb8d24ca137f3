import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { Block, GetDocumentTextDetectionCommand, GetDocumentTextDetectionResponse, TextractClient } from "@aws-sdk/client-textract";
import * as z from "zod/mini";
import { Deadline } from "../../shared/deadline";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { OcrResult, ocrResult } from "../core/contracts";
import { DeadLetters } from "../core/dead-letters";
import { documentKeys } from "../core/document-keys";
import { describeError, errorName } from "../core/errors";
import { awsCallOptions, InvocationContext, invocationDeadline, retryTransient, RetryOptions } from "../core/invocation";
import { DocumentStore, TEXT_CONTENT_TYPE } from "../core/storage";
import { ParkedTaskToken, TaskTokenStore } from "../core/token-store";

export interface OcrCompleteDependencies {
  readonly textract: Pick<TextractClient, "send">;
  readonly sfn: Pick<SFNClient, "send">;
  readonly tokens: TaskTokenStore;
  readonly store: DocumentStore;
  /** Where a message that is not a Textract completion goes, with the reason. */
  readonly deadLetters: DeadLetters;
  readonly logger: Log;
  readonly metrics: MetricSink;
  /** Retry tuning (tests): backoff sleep and jitter. */
  readonly retry?: Pick<RetryOptions, "sleep" | "random">;
}

const snsEvent = z.object({
  Records: z
    .array(z.object({ Sns: z.object({ MessageId: z.optional(z.string().check(z.maxLength(256))), Message: z.string().check(z.maxLength(256 * 1024)) }) }))
    .check(z.minLength(1), z.maxLength(10)),
});

/** Textract's completion message (a JSON string in the SNS Message). */
const textractMessage = z.looseObject({
  JobId: z.string().check(z.minLength(1), z.maxLength(64)),
  Status: z.string().check(z.minLength(1), z.maxLength(64)),
  API: z.optional(z.string()),
  JobTag: z.optional(z.string()),
  Timestamp: z.optional(z.number()),
});

/** A message on the completion topic that is not a Textract completion: it is dead-lettered at once. */
export class InvalidOcrCompletionError extends Error {
  override readonly name = "InvalidOcrCompletionError";
}

/** Thrown when Get* says the job is still running: retried within the invocation. */
class TextractJobNotFinishedError extends Error {
  override readonly name = "TextractJobNotFinishedError";
  readonly transient = true;
}

/** SendTask* errors meaning the task is no longer waiting: a late result after the pipeline moved on. */
const LATE_RESULT_ERRORS: ReadonlySet<string> = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);
/** Step Functions limits for SendTaskFailure. */
const MAX_ERROR_CHARS = 256;
const MAX_CAUSE_CHARS = 32_768;
/** Get* pages fetched for one job at most (1,000 blocks each); the OCR'd copy has a few pages. */
const MAX_RESULT_PAGES = 200;
/** The error a task fails with when Textract could not read its document. */
const TEXTRACT_FAILED = "TextractFailed";
/** The error a task fails with when Textract's result could not be collected, even with retries. */
const OCR_RESULT_UNAVAILABLE = "OcrResultUnavailable";

/** What became of one completion message. */
export type OcrCompletionOutcome = "succeeded" | "failed" | "result-unavailable" | "late" | "unknown-job" | "dead-lettered";

/** The LINE blocks' text in page order (Textract returns blocks in reading order within a page). */
function joinLines(blocks: readonly Block[]): string {
  return blocks
    .map((block, index) => ({ block, index }))
    .filter(({ block }) => block.BlockType === "LINE" && typeof block.Text === "string")
    .sort((a, b) => (a.block.Page ?? 1) - (b.block.Page ?? 1) || a.index - b.index)
    .map(({ block }) => block.Text!)
    .join("\n");
}

/**
 * SNS subscriber of Textract's completion topic. Finds the task token parked under the JobId, and
 * for a successful job pages through GetDocumentTextDetection, writes the LINE text under the document's
 * `ocrText` key and resumes the execution with an OcrResult; for a failed job it fails the task with
 * TextractFailed. A job without a parked token, or a task that is no longer waiting (TaskTimedOut,
 * TaskDoesNotExist, InvalidToken), is a late result and is ignored. The token is deleted once the task
 * has its answer.
 *
 * Lambda's own retries of an asynchronous invocation come after about 1 and 2 minutes, past a short OCR
 * wait, so transient failures are retried here, within the invocation's deadline. When the result still
 * cannot be collected the task fails at once with OcrResultUnavailable (the document counts as unreadable
 * and the email is routed without waiting for the OCR timeout); only when even that cannot be sent does
 * the invocation fail, and the event goes to the on-failure queue. A message that is not a Textract
 * completion is dead-lettered at once, with the reason.
 */
export function makeHandler(deps: OcrCompleteDependencies) {
  async function textPages(jobId: string, retried: <T>(call: () => Promise<T>) => Promise<T>, deadline: Deadline): Promise<{ first: GetDocumentTextDetectionResponse; blocks: Block[] }> {
    const blocks: Block[] = [];
    let first: GetDocumentTextDetectionResponse | undefined;
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_RESULT_PAGES; page++) {
      const token = nextToken;
      const response = await retried(async () => {
        const got = await deps.textract.send(new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }), awsCallOptions(deadline));
        if (token === undefined && got.JobStatus?.toUpperCase() === "IN_PROGRESS") throw new TextractJobNotFinishedError(`Textract job ${jobId} is still IN_PROGRESS`);
        return got;
      });
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

  async function fail(parked: ParkedTaskToken, error: string, cause: string, retried: <T>(call: () => Promise<T>) => Promise<T>, deadline: Deadline): Promise<boolean> {
    const sent = await resume(parked, () =>
      retried(() =>
        deps.sfn.send(
          new SendTaskFailureCommand({ taskToken: parked.taskToken, error: error.slice(0, MAX_ERROR_CHARS), cause: cause.slice(0, MAX_CAUSE_CHARS) }),
          awsCallOptions(deadline),
        ),
      ),
    );
    deps.logger.warn("OCR failed", { jobId: parked.jobId, conversationId: parked.conversationId, attachmentId: parked.attachmentId, error, cause, resumed: sent });
    return sent;
  }

  /** Collects the job's result and answers the waiting task; throws only when the task got no answer. */
  async function answer(parked: ParkedTaskToken, message: z.output<typeof textractMessage>, retried: <T>(call: () => Promise<T>) => Promise<T>, deadline: Deadline): Promise<OcrCompletionOutcome> {
    const { jobId } = parked;
    const facts = { jobId, conversationId: parked.conversationId, attachmentId: parked.attachmentId };
    const status = message.Status.toUpperCase();
    if (status !== "SUCCEEDED" && status !== "PARTIAL_SUCCESS") {
      let cause = `Textract job ended ${status}`;
      try {
        const { StatusMessage: statusMessage } = await deps.textract.send(new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1 }), awsCallOptions(deadline, 5_000));
        if (statusMessage) cause = `${cause}: ${statusMessage}`;
      } catch (error) {
        // The status alone says enough; the message is a nicety.
        deps.logger.warn("could not read the failed job's StatusMessage", { ...facts, error: errorName(error) });
      }
      return (await fail(parked, TEXTRACT_FAILED, cause, retried, deadline)) ? "failed" : "late";
    }

    let output: OcrResult;
    let summary: Record<string, unknown>;
    try {
      const { first, blocks } = await textPages(jobId, retried, deadline);
      const text = joinLines(blocks);
      if (status === "PARTIAL_SUCCESS" && text.trim() === "") {
        return (await fail(parked, TEXTRACT_FAILED, first.StatusMessage ?? `Textract job ended ${status} without text`, retried, deadline)) ? "failed" : "late";
      }
      const textKey = documentKeys(parked.conversationId, parked.attachmentId).ocrText;
      await retried(() => deps.store.put(textKey, text, TEXT_CONTENT_TYPE, { deadline }));
      output = ocrResult.parse({ attachmentId: parked.attachmentId, textKey });
      summary = { status, pages: first.DocumentMetadata?.Pages, lines: blocks.filter((b) => b.BlockType === "LINE").length, chars: text.length };
    } catch (error) {
      deps.logger.error("Textract's result could not be collected; the task fails so the email is routed at once", { ...facts, error: describeError(error) });
      return (await fail(parked, OCR_RESULT_UNAVAILABLE, `the OCR result could not be collected (${errorName(error)})`, retried, deadline)) ? "result-unavailable" : "late";
    }
    const sent = await resume(parked, () => retried(() => deps.sfn.send(new SendTaskSuccessCommand({ taskToken: parked.taskToken, output: JSON.stringify(output) }), awsCallOptions(deadline))));
    deps.logger.info("OCR text stored", { ...facts, ...summary, resumed: sent });
    return sent ? "succeeded" : "late";
  }

  async function complete(message: z.output<typeof textractMessage>, deadline: Deadline): Promise<OcrCompletionOutcome> {
    const retried = <T>(call: () => Promise<T>) => retryTransient(call, { deadline, ...deps.retry });
    const jobId = message.JobId;
    const parked = await retried(() => deps.tokens.get(jobId, { deadline }));
    if (parked === undefined) {
      deps.logger.warn("no task waits for this Textract job (late or unknown); ignored", { jobId, status: message.Status, jobTag: message.JobTag });
      return "unknown-job";
    }
    const outcome = await answer(parked, message, retried, deadline);
    try {
      await retried(() => deps.tokens.delete(jobId, { deadline }));
    } catch (error) {
      // The task has its answer; the token expires with the table's TTL and a repeat finds the task gone.
      deps.logger.warn("could not delete the used task token; it expires with the table's TTL", { jobId, error: errorName(error) });
    }
    return outcome;
  }

  async function deadLetter(event: unknown, error: InvalidOcrCompletionError, deadline: Deadline): Promise<OcrCompletionOutcome> {
    deps.logger.error("not a Textract completion; dead-lettered", { error: error.message });
    await deps.deadLetters.send({ entryPoint: "attachment-routing/ocr-complete", error, event }, { deadline });
    return "dead-lettered";
  }

  return async function handler(event: unknown, context?: InvocationContext): Promise<{ outcomes: OcrCompletionOutcome[] }> {
    const deadline = invocationDeadline(context, "ocrComplete");
    const outcomes: OcrCompletionOutcome[] = [];
    try {
      const parsed = snsEvent.safeParse(event);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(event)"}: ${i.code}`);
        outcomes.push(await deadLetter(event, new InvalidOcrCompletionError(`not an SNS event: ${problems.join("; ")}`), deadline));
        return { outcomes };
      }
      for (const record of parsed.data.Records) {
        let message: z.output<typeof textractMessage>;
        try {
          message = textractMessage.parse(JSON.parse(record.Sns.Message));
        } catch (error) {
          outcomes.push(await deadLetter(record, new InvalidOcrCompletionError(`SNS message ${record.Sns.MessageId ?? "(no id)"} is not a Textract completion (${errorName(error)})`), deadline));
          continue;
        }
        outcomes.push(await complete(message, deadline));
      }
      return { outcomes };
    } catch (error) {
      deps.logger.error("OCR completion failed; Lambda retries the event, then keeps it in the on-failure queue", { error: describeError(error) });
      throw error;
    } finally {
      for (const outcome of outcomes) {
        deps.metrics.addDimension("Outcome", outcome);
        deps.metrics.addMetric("OcrCompletions", MetricUnit.Count, 1);
        deps.metrics.publishStoredMetrics();
      }
      deps.metrics.publishStoredMetrics();
    }
  };
}
