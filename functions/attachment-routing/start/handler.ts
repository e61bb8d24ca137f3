import { createHash } from "node:crypto";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import * as z from "zod/mini";
import "../../shared/zod-messages";
import { InvalidEventError, parseEnvelope } from "../../shared/genesys/event-envelope";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { ExecutionInput, executionInput, MAX_ID_CHARS } from "../core/contracts";
import { DeadLetters } from "../core/dead-letters";
import { errorName } from "../core/errors";
import { ACD_START_TOPIC } from "../core/events";
import { awsCallOptions, InvocationContext, invocationDeadline } from "../core/invocation";

const acdStartBody = z.looseObject({
  conversationId: z.string().check(z.minLength(1), z.maxLength(MAX_ID_CHARS)),
  queueId: z.string().check(z.minLength(1), z.maxLength(MAX_ID_CHARS)),
  mediaType: z.optional(z.string().check(z.maxLength(64))),
});

export interface AttachmentStartDependencies {
  readonly sfn: Pick<SFNClient, "send">;
  readonly stateMachineArn: string;
  /** Only emails entering this queue start a pipeline. */
  readonly triageQueueId: string;
  /** Where an event that can never start a pipeline goes, with the reason. */
  readonly deadLetters: DeadLetters;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/** What became of one triage arrival. */
export type TriageArrivalOutcome = "started" | "duplicate" | "ignored" | "dead-lettered";

const VALID_EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The execution name for a conversation: the id itself when it is a valid name (Genesys ids are
 * UUIDs), else its valid characters cut short plus a hash of the whole id, so distinct ids never share
 * a name. One name per conversation is what makes starting idempotent.
 */
export function executionName(conversationId: string): string {
  if (VALID_EXECUTION_NAME.test(conversationId)) return conversationId;
  const hash = createHash("sha256").update(conversationId, "utf8").digest("hex").slice(0, 16);
  return `${conversationId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 63)}-${hash}`;
}

/**
 * EventBridge target (asynchronous invocation) for Genesys acd.start events: an email entering the
 * triage queue starts one Step Functions execution, named after the conversation. A repeated event for
 * the same conversation (at-least-once delivery) meets ExecutionAlreadyExists and is counted as a
 * duplicate; other queues and media are ignored. An event that is not a Genesys acd.start event is
 * dead-lettered at once with the reason. Any other failure (throttling, the state machine unreachable)
 * throws: Lambda retries the event twice, then keeps it in the same on-failure queue, so no arrival is
 * dropped. StartExecution runs within the invocation's deadline.
 */
export function makeHandler(deps: AttachmentStartDependencies) {
  function count(outcome: TriageArrivalOutcome): void {
    deps.metrics.addDimension("Outcome", outcome);
    deps.metrics.addMetric("TriageArrivals", MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
  }

  return async function handler(event: unknown, context?: InvocationContext): Promise<{ outcome: TriageArrivalOutcome; executionName?: string }> {
    const deadline = invocationDeadline(context, "start");
    let input: ExecutionInput;
    let eventId: string;
    try {
      const envelope = parseEnvelope(event);
      eventId = envelope.id;
      if (envelope["detail-type"] !== ACD_START_TOPIC) {
        deps.logger.warn("not an acd.start event; ignored", { eventId, detailType: envelope["detail-type"] });
        count("ignored");
        return { outcome: "ignored" };
      }
      const body = acdStartBody.safeParse(envelope.detail.eventBody);
      if (!body.success) {
        throw new InvalidEventError(`not an acd.start event body: ${body.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
      }
      const { conversationId, queueId, mediaType } = body.data;
      if (queueId !== deps.triageQueueId || (mediaType !== undefined && mediaType.toUpperCase() !== "EMAIL")) {
        deps.logger.info("not an email entering the triage queue; ignored", { eventId, conversationId, queueId, mediaType });
        count("ignored");
        return { outcome: "ignored" };
      }
      input = executionInput.parse({ conversationId, triageQueueId: deps.triageQueueId });
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      deps.logger.error("not a Genesys acd.start event; dead-lettered", { error: error.message });
      await deps.deadLetters.send({ entryPoint: "attachment-routing/start", error, event }, { deadline });
      count("dead-lettered");
      return { outcome: "dead-lettered" };
    }

    const name = executionName(input.conversationId);
    const facts = { eventId, conversationId: input.conversationId };
    try {
      const started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name, input: JSON.stringify(input) }), awsCallOptions(deadline));
      deps.logger.info("attachment pipeline started", { ...facts, executionArn: started.executionArn });
      count("started");
      return { outcome: "started", executionName: name };
    } catch (error) {
      if (errorName(error) !== "ExecutionAlreadyExists") {
        deps.logger.error("the attachment pipeline could not be started; Lambda retries the event, then keeps it in the on-failure queue", { ...facts, error: errorName(error) });
        throw error;
      }
      deps.logger.info("attachment pipeline already started for this conversation; duplicate event ignored", { ...facts, executionName: name });
      count("duplicate");
      return { outcome: "duplicate", executionName: name };
    }
  };
}
