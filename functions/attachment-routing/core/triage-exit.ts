import type { Log, MetricSink } from "../../shared/telemetry";
import { MetricUnit } from "../../shared/telemetry";
import { CONVERSATION_ENDED_ERROR_NAME, errorName, NO_LONGER_IN_TRIAGE_ERROR_NAMES } from "./errors";

/** Why there is nothing left to route: the conversation ended, or the email already left the triage queue. */
export type TriageExit = "conversation-ended" | "left-triage";

/** The triage exit an error means, if it means one. */
export function triageExitOf(error: unknown): TriageExit | undefined {
  const name = errorName(error);
  if (!NO_LONGER_IN_TRIAGE_ERROR_NAMES.includes(name)) return undefined;
  return name === CONVERSATION_ENDED_ERROR_NAME ? "conversation-ended" : "left-triage";
}

/**
 * Counts an email that needs no routing any more (metric EmailsNoLongerInTriage, by step and reason) and
 * logs it; the execution then ends cleanly, without retries.
 */
export function recordTriageExit(telemetry: { logger: Log; metrics: MetricSink }, step: string, exit: TriageExit, conversationId: string): void {
  telemetry.logger.info("the email is no longer in the triage queue; nothing to route", { conversationId, step, reason: exit });
  telemetry.metrics.addDimension("Step", step);
  telemetry.metrics.addDimension("Reason", exit);
  telemetry.metrics.addMetric("EmailsNoLongerInTriage", MetricUnit.Count, 1);
  telemetry.metrics.publishStoredMetrics();
}
