import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { InvalidEventError } from "../../shared/genesys/event-envelope";
import { Resolution } from "../core/resolve";
import { WriteBackState } from "../core/store";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";

export interface IdentityResolverDependencies {
  readonly resolve: (event: unknown) => Promise<Resolution>;
  /** Writes attributes onto the live conversation's customer participant (Genesys). */
  readonly writeBack: (conversationId: string, state: WriteBackState) => Promise<void>;
  /** Remembers what was written so the same attributes are not written again. */
  readonly saveWriteBack: (conversationId: string, state: WriteBackState) => Promise<void>;
  /** Sends an event that can never succeed to the dead-letter queue with its reason. */
  readonly deadLetter: (record: SQSRecord, reason: string) => Promise<void>;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/**
 * SQS batch handler: each record is one Genesys EventBridge event. An invalid event goes to the
 * dead-letter queue at once with its reason; a failure that may pass (throttling, a Genesys 5xx)
 * fails only its record, which SQS redelivers and, after maxReceiveCount, dead-letters.
 */
export function makeHandler(deps: IdentityResolverDependencies) {
  const processor = new BatchProcessor(EventType.SQS);

  async function handleRecord(record: SQSRecord): Promise<void> {
    let resolution: Resolution;
    try {
      resolution = await deps.resolve(JSON.parse(record.body));
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof InvalidEventError) {
        const reason = error instanceof SyntaxError ? "message body is not JSON" : error.message;
        deps.logger.warn("invalid identity event sent to the dead-letter queue", { messageId: record.messageId, reason });
        await deps.deadLetter(record, reason);
        deps.metrics.addMetric("IdentityEventsInvalid", MetricUnit.Count, 1);
        return;
      }
      throw error;
    }
    const { eventId, conversationId, action, tier, profileId, roundTrips, dropped } = resolution;
    deps.logger.info("identity event resolved", {
      eventId,
      conversationId,
      action,
      tier,
      profileId,
      roundTrips,
      dropped: dropped.map((d) => `${d.type}: ${d.reason}`),
    });
    deps.metrics.addMetric(`IdentityEvents${action[0]!.toUpperCase()}${action.slice(1)}`, MetricUnit.Count, 1);
    if (resolution.writeBack && conversationId) {
      await deps.writeBack(conversationId, resolution.writeBack);
      await deps.saveWriteBack(conversationId, resolution.writeBack);
      deps.metrics.addMetric("IdentityWriteBacks", MetricUnit.Count, 1);
    }
  }

  return async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    try {
      return await processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
