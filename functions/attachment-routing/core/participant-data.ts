/**
 * Participant data (participant attributes) the attachment pipeline shares with the inbound email flow,
 * defined once. No imports: the flow's construct passes these into flows/inbound-email.yaml's
 * placeholders, and the step Lambdas read and write them.
 */

/** Written by the inbound flow on the customer participant: the text intent's queue name, or FALLBACK_INTENT. */
export const INTENT_ATTRIBUTE = "intent";
/** The value of INTENT_ATTRIBUTE when the text classifier named no topic queue: the fallback queue. */
export const FALLBACK_INTENT = "fallback";

/** Written by the route and fallback steps on the customer participant, read by agents and reporting. */
export const ROUTE_ATTRIBUTES = {
  documentType: "documentType",
  documentConfidence: "documentConfidence",
  processingStatus: "processingStatus",
  /** Written only when there is something to say: see routingDecision's `processingReason`. */
  processingReason: "processingReason",
} as const;

/** Longest queue name the intent may hold; longer values are treated as no intent. */
const MAX_INTENT_CHARS = 120;

/**
 * The queue name the flow's intent names: "" for the fallback queue (FALLBACK_INTENT, unset, blank, or a
 * value longer than any queue name).
 */
export function intentQueueNameOf(attributes: Readonly<Record<string, string>> | undefined): string {
  const intent = (attributes?.[INTENT_ATTRIBUTE] ?? "").trim();
  if (intent.length > MAX_INTENT_CHARS || intent.toLowerCase() === FALLBACK_INTENT) return "";
  return intent;
}
