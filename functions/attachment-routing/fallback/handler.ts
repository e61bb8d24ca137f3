import * as z from "zod/mini";
import { GenesysClient, GenesysConversationEndedError, GenesysRequestRejectedError } from "../../shared/genesys/client";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { executionInput, FallbackRequest, fallbackRequest, FallbackStatus, MOVED_BY_FALLBACK } from "../core/contracts";
import { triageParticipants } from "../core/conversation";
import { fallbackDecision, targetQueueId } from "../core/decide";
import { ConversationNotRoutableError, describeError, errorName, InvalidStepInputError, isTransientError, parseStepInput, toStepError } from "../core/errors";
import { PIPELINE_STATUS_CHANGE, UnroutedExecutionStatus } from "../core/events";
import { InvocationContext, invocationDeadline } from "../core/invocation";
import { ROUTE_ATTRIBUTES } from "../core/participant-data";
import { recordTriageExit, TriageExit, triageExitOf } from "../core/triage-exit";

export interface AttachmentFallbackDependencies {
  readonly genesys: Pick<GenesysClient, "getEmailConversation" | "patchParticipantAttributes" | "replaceParticipantWithQueue">;
  /** Queue name -> queue id of the queues the text intent can name. */
  readonly queueIds: Readonly<Record<string, string>>;
  readonly fallbackQueueId: string;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/** What became of the email: moved to a queue agents work, or nothing was left to move. */
export type FallbackOutcome = { readonly outcome: typeof MOVED_BY_FALLBACK; readonly queueId: string; readonly processingStatus: FallbackStatus } | { readonly outcome: TriageExit };

const STATUS_OF_EXECUTION: Readonly<Record<UnroutedExecutionStatus, FallbackStatus>> = {
  FAILED: "PIPELINE_FAILED",
  TIMED_OUT: "PIPELINE_TIMED_OUT",
  ABORTED: "PIPELINE_ABORTED",
};

/** Step Functions' status-change event (EventBridge) of an execution that ended without routing its email. */
const executionStatusChange = z.object({
  source: z.literal(PIPELINE_STATUS_CHANGE.source),
  "detail-type": z.literal(PIPELINE_STATUS_CHANGE.detailType),
  detail: z.object({
    executionArn: z.string().check(z.minLength(1), z.maxLength(2_048)),
    status: z.enum(PIPELINE_STATUS_CHANGE.unroutedStatuses),
    /** The execution's input as JSON text. */
    input: z.string().check(z.maxLength(256 * 1024)),
  }),
});

/** The fallback request of either entry: the state machine's Fallback state, or an execution's status change. */
function requestOf(event: unknown): { request: FallbackRequest; executionArn?: string } {
  if (event !== null && typeof event === "object" && (event as { source?: unknown }).source === PIPELINE_STATUS_CHANGE.source) {
    const change = parseStepInput(executionStatusChange, event, "attachment-fallback (execution status change)");
    let input: unknown;
    try {
      input = JSON.parse(change.detail.input);
    } catch {
      throw new InvalidStepInputError("invalid attachment-fallback (execution status change) input: detail.input: not JSON");
    }
    const { conversationId, triageQueueId } = parseStepInput(executionInput, input, "attachment-fallback (execution input)");
    return {
      request: { conversationId, triageQueueId, processingStatus: STATUS_OF_EXECUTION[change.detail.status], error: { Error: `Execution${change.detail.status}` } },
      executionArn: change.detail.executionArn,
    };
  }
  return { request: parseStepInput(fallbackRequest, event, "attachment-fallback") };
}

/**
 * Moves an email the pipeline could not route out of the triage queue, to a queue agents work: its text
 * intent's queue (the fallback queue without one), with `processingStatus` saying why (LOAD_FAILED,
 * CLASSIFY_FAILED, ROUTE_FAILED from the state machine's catch paths; PIPELINE_TIMED_OUT, PIPELINE_FAILED,
 * PIPELINE_ABORTED from Step Functions' status-change event of an execution that ended early). It reads
 * the conversation itself, so it needs nothing from the failed step. When the email is no longer in
 * triage (moved already, or the conversation ended) there is nothing to do. A move the intent's queue
 * refuses for good is tried once more to the fallback queue. Transient failures are thrown under the
 * names the state machine retries; an event that can never be handled throws InvalidStepInputError.
 */
export function makeHandler(deps: AttachmentFallbackDependencies) {
  function exitWith(exit: TriageExit, conversationId: string): FallbackOutcome {
    recordTriageExit(deps, "fallback", exit, conversationId);
    return { outcome: exit };
  }

  async function moveOutOfTriage(request: FallbackRequest, call: { deadline: ReturnType<typeof invocationDeadline> }): Promise<FallbackOutcome> {
    const { conversationId, triageQueueId, processingStatus } = request;
    const conversation = await deps.genesys.getEmailConversation(conversationId, call);
    const { customer, waiting, leftTriage, intentQueueName } = triageParticipants(conversation, triageQueueId);
    if (leftTriage) return exitWith("left-triage", conversationId);
    if (waiting === undefined) throw new ConversationNotRoutableError(`conversation ${conversationId} has no participant in the triage queue and no customer`);

    const decision = fallbackDecision(intentQueueName, processingStatus);
    if (customer !== undefined) {
      try {
        await deps.genesys.patchParticipantAttributes(conversationId, customer.id, { [ROUTE_ATTRIBUTES.processingStatus]: decision.processingStatus }, call);
      } catch (error) {
        // Moving the email matters more than the attribute: only a retry-worthy failure stops here.
        if (isTransientError(error) || error instanceof GenesysConversationEndedError) throw error;
        deps.logger.warn("could not write processingStatus; moving the email anyway", { conversationId, error: describeError(error) });
      }
    }

    let { queueId } = targetQueueId(decision.targetQueueName, deps.queueIds, deps.fallbackQueueId);
    try {
      await deps.genesys.replaceParticipantWithQueue(conversationId, waiting.id, queueId, call);
    } catch (error) {
      const refusedForGood = error instanceof GenesysRequestRejectedError && !(error instanceof GenesysConversationEndedError);
      if (!refusedForGood || queueId === deps.fallbackQueueId) throw error;
      deps.logger.warn("the intent's queue refused the email; moving it to the fallback queue", { conversationId, queueId, error: errorName(error) });
      queueId = deps.fallbackQueueId;
      await deps.genesys.replaceParticipantWithQueue(conversationId, waiting.id, queueId, call);
    }
    deps.logger.info("email moved out of the triage queue by the fallback", { conversationId, processingStatus, queueId, intentQueue: decision.targetQueueName !== "" });
    deps.metrics.addDimension("ProcessingStatus", processingStatus);
    deps.metrics.addMetric("EmailsRoutedByFallback", MetricUnit.Count, 1);
    return { outcome: MOVED_BY_FALLBACK, queueId, processingStatus };
  }

  return async function handler(event: unknown, context?: InvocationContext): Promise<FallbackOutcome> {
    const deadline = invocationDeadline(context, "fallback");
    const { request, executionArn } = requestOf(event);
    const { conversationId } = request;
    deps.logger.info("routing an email the pipeline could not route", {
      conversationId,
      processingStatus: request.processingStatus,
      failedWith: request.error?.Error,
      executionArn,
    });
    try {
      return await moveOutOfTriage(request, { deadline });
    } catch (error) {
      const exit = triageExitOf(error);
      if (exit !== undefined) return exitWith(exit, conversationId);
      deps.logger.error("the fallback could not move the email out of the triage queue", { conversationId, error: describeError(error) });
      throw toStepError(error);
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
