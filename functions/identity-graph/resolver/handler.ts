import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { assertTimeLeft, Deadline, deadlineFromContext } from "../../shared/deadline";
import { classifyFailure } from "../core/failures";
import { Resolution } from "../core/resolve";
import { WriteBackState } from "../core/store";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";

export interface CallWithin {
  readonly deadline: Deadline;
}

export interface IdentityResolverDependencies {
  readonly resolve: (event: unknown, options: CallWithin) => Promise<Resolution>;
  /** Writes attributes onto the live conversation's customer participant (Genesys). */
  readonly writeBack: (conversationId: string, state: WriteBackState, options: CallWithin) => Promise<void>;
  /** Remembers what was written, so the same attributes are not written again (once per batch). */
  readonly saveWriteBacks: (entries: ReadonlyArray<{ conversationId: string; state: WriteBackState }>, options: CallWithin) => Promise<void>;
  /** Sends an event that can never succeed to the dead-letter queue with its reason. */
  readonly deadLetter: (record: SQSRecord, reason: string, options: CallWithin) => Promise<void>;
  readonly logger: Log;
  readonly metrics: MetricSink;
  /** The batch's deadline (default: the invocation's remaining time less deadline.ts's margin). */
  readonly deadlineOf?: (context: Context) => Deadline;
}

/** Time a record needs at least to be started; with less left it is returned to SQS untouched. */
const MIN_RECORD_MS = 250;

const conversationOf = (body: unknown): string | undefined => {
  const id = (body as { detail?: { eventBody?: { conversationId?: unknown } } } | null)?.detail?.eventBody?.conversationId;
  return typeof id === "string" ? id : undefined;
};

const sameWriteBack = (a: WriteBackState | undefined, b: WriteBackState) =>
  a?.participantId === b.participantId && Object.keys(b.attributes).every((k) => a.attributes[k] === b.attributes[k]);

/**
 * SQS batch handler: each record is one Genesys EventBridge event. Records are resolved concurrently, the
 * events of one conversation one after another in batch order (a record after a failed one of its
 * conversation fails too, so their order survives redelivery). Everything runs within the invocation's
 * deadline; a record that does not fit is returned to SQS. Only transient failures (throttling, a
 * conflict, a Genesys 5xx or 429, no time left) are returned as batch item failures; an event that can
 * never succeed (invalid, oversize ids, a Genesys 4xx such as an ended conversation) goes to the
 * dead-letter queue at once with a `failureReason`.
 */
export function makeHandler(deps: IdentityResolverDependencies) {
  return async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const deadline = (deps.deadlineOf ?? deadlineFromContext)(context);
    const failures: string[] = [];
    const written = new Map<string, WriteBackState>();
    const tails = new Map<string, Promise<boolean>>();

    async function handleRecord(record: SQSRecord, body: unknown): Promise<boolean> {
      const fail = (reason: string) => {
        deps.logger.warn("identity event failed, returned to the queue", { messageId: record.messageId, reason });
        deps.metrics.addMetric("IdentityEventsRetried", MetricUnit.Count, 1);
        failures.push(record.messageId);
        return false;
      };
      const deadLetter = async (reason: string) => {
        try {
          await deps.deadLetter(record, reason, { deadline });
        } catch (error) {
          return fail(`could not dead-letter (${classifyFailure(error).reason}) an event that failed: ${reason}`);
        }
        deps.logger.warn("identity event sent to the dead-letter queue", { messageId: record.messageId, reason });
        deps.metrics.addMetric("IdentityEventsDeadLettered", MetricUnit.Count, 1);
        return true;
      };
      if (body === undefined) return deadLetter("message body is not JSON");
      try {
        assertTimeLeft(deadline, "an identity event", MIN_RECORD_MS);
        const resolution = await deps.resolve(body, { deadline });
        const { eventId, conversationId, action, tier, profileId, roundTrips, dropped } = resolution;
        deps.logger.info("identity event resolved", {
          messageId: record.messageId,
          eventId,
          conversationId,
          action,
          tier,
          profileId,
          roundTrips,
          dropped: dropped.map((d) => `${d.type}: ${d.reason}`),
        });
        deps.metrics.addMetric(`IdentityEvents${action[0]!.toUpperCase()}${action.slice(1)}`, MetricUnit.Count, 1);
        if (resolution.writeBack && conversationId && !sameWriteBack(written.get(conversationId), resolution.writeBack)) {
          await deps.writeBack(conversationId, resolution.writeBack, { deadline });
          written.set(conversationId, resolution.writeBack);
          deps.metrics.addMetric("IdentityWriteBacks", MetricUnit.Count, 1);
        }
        return true;
      } catch (error) {
        const failure = classifyFailure(error);
        return failure.transient ? fail(failure.reason) : deadLetter(failure.reason);
      }
    }

    try {
      await Promise.all(
        event.Records.map((record) => {
          let body: unknown;
          try {
            body = JSON.parse(record.body);
          } catch {
            body = undefined;
          }
          const lane = conversationOf(body) ?? `message:${record.messageId}`;
          const previous = tails.get(lane) ?? Promise.resolve(true);
          const mine = previous.then((previousDone) => {
            if (previousDone) return handleRecord(record, body);
            failures.push(record.messageId);
            deps.metrics.addMetric("IdentityEventsRetried", MetricUnit.Count, 1);
            return false;
          });
          tails.set(lane, mine);
          return mine;
        }),
      );
      if (written.size > 0) {
        try {
          await deps.saveWriteBacks([...written].map(([conversationId, state]) => ({ conversationId, state })), { deadline });
        } catch (error) {
          // The attributes are on the conversations; without the record a later event writes them once more.
          deps.logger.warn("write-back state not saved", { reason: classifyFailure(error).reason });
        }
      }
      const order = new Map(event.Records.map((r, i) => [r.messageId, i]));
      return { batchItemFailures: failures.sort((a, b) => order.get(a)! - order.get(b)!).map((itemIdentifier) => ({ itemIdentifier })) };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
