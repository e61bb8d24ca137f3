import { createHash } from "node:crypto";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import * as z from "zod";
import { ExecutionInput, executionInput } from "../core/contracts";
import { errorName } from "../core/errors";
import { InvalidEventError, parseEnvelope } from "../../shared/genesys/event-envelope";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";

/** The Genesys topic (EventBridge `detail-type`) of an interaction entering a queue. */
export const ACD_START_TOPIC = "v2.detail.events.conversation.{id}.acd.start";

const acdStartBody = z.looseObject({
  conversationId: z.string().min(1),
  queueId: z.string().min(1),
  mediaType: z.string().optional(),
});

export interface AttachmentStartDependencies {
  readonly sfn: Pick<SFNClient, "send">;
  readonly stateMachineArn: string;
  /** Only emails entering this queue start a pipeline. */
  readonly triageQueueId: string;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

export type StartOutcome = "started" | "duplicate" | "ignored";

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
 * EventBridge target for Genesys acd.start events: an email entering the triage queue starts one
 * Step Functions execution, named after the conversation. A repeated event for the same conversation
 * (at-least-once delivery) meets ExecutionAlreadyExists and is logged as a duplicate; other queues and
 * media are ignored. An envelope that is not a Genesys event throws, so EventBridge retries and then
 * dead-letters it.
 */
export function makeHandler(deps: AttachmentStartDependencies) {
  function count(outcome: StartOutcome): void {
    deps.metrics.addDimension("Outcome", outcome);
    deps.metrics.addMetric("TriageArrivals", MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
  }

  return async function handler(event: unknown): Promise<{ outcome: StartOutcome; executionName?: string }> {
    const envelope = parseEnvelope(event);
    const eventId = envelope.id;
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

    const input: ExecutionInput = executionInput.parse({ conversationId, triageQueueId: deps.triageQueueId });
    const name = executionName(conversationId);
    try {
      const started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name, input: JSON.stringify(input) }));
      deps.logger.info("attachment pipeline started", { eventId, conversationId, executionArn: started.executionArn });
      count("started");
      return { outcome: "started", executionName: name };
    } catch (error) {
      if (errorName(error) !== "ExecutionAlreadyExists") throw error;
      deps.logger.info("attachment pipeline already started for this conversation; duplicate event ignored", { eventId, conversationId, executionName: name });
      count("duplicate");
      return { outcome: "duplicate", executionName: name };
    }
  };
}
