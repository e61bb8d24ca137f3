/**
 * The events attachment routing reacts to, defined once for the constructs (EventBridge rules, the
 * Genesys integration's topics) and the handlers that parse them. No imports: synth loads this module.
 */

/** The Genesys topic (EventBridge `detail-type`) of an interaction entering a queue. */
export const ACD_START_TOPIC = "v2.detail.events.conversation.{id}.acd.start";

/**
 * Step Functions' own event when an execution changes status (default event bus, best-effort delivery).
 * The statuses below mean the execution ended without routing its email; the fallback step then moves
 * the email out of the triage queue.
 */
export const PIPELINE_STATUS_CHANGE = {
  source: "aws.states",
  detailType: "Step Functions Execution Status Change",
  unroutedStatuses: ["FAILED", "TIMED_OUT", "ABORTED"],
} as const;
export type UnroutedExecutionStatus = (typeof PIPELINE_STATUS_CHANGE.unroutedStatuses)[number];
