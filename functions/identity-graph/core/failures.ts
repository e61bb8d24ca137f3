/**
 * Transient or permanent: whether an event that failed may succeed when SQS delivers it again. Only a
 * transient failure is retried (returned as a batch item failure); a permanent one goes to the
 * dead-letter queue at once with its reason. Decided by error names and the SDKs' own markers, so it
 * needs no SDK import.
 */
import { InvalidEventError } from "../../shared/genesys/event-envelope";

export type FailureClass = { readonly transient: boolean; readonly reason: string };

/** AWS and DynamoDB errors that pass (throttling, a conflicting transaction, a server fault, no answer in time). */
const TRANSIENT_NAMES = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "TransactionConflictException",
  "TransactionInProgressException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "AbortError",
]);
/** Reasons in a TransactionCanceledException that pass. */
const TRANSIENT_CANCELLATIONS = new Set(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "ConditionalCheckFailed"]);
/** Node and undici network error codes: the request got no answer. */
const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+)$/;

const describe = (error: Error) => `${error.name}: ${error.message}`;

/** How an error that failed an event should be handled, with a reason fit for a `failureReason` attribute (no identifier values). */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof InvalidEventError) return { transient: false, reason: error.message };
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const marked = cause as Error & { transient?: unknown; $retryable?: unknown; $fault?: unknown; code?: unknown; CancellationReasons?: Array<{ Code?: string }> };
    if (typeof marked.transient === "boolean") return { transient: marked.transient, reason: describe(marked) };
    if (TRANSIENT_NAMES.has(marked.name) || marked.$retryable || marked.$fault === "server") return { transient: true, reason: describe(marked) };
    if (marked.name === "TransactionCanceledException") {
      const codes = (marked.CancellationReasons ?? []).map((r) => r.Code ?? "None").filter((c) => c !== "None");
      return { transient: codes.length > 0 && codes.every((c) => TRANSIENT_CANCELLATIONS.has(c)), reason: `${describe(marked)}` };
    }
    if (marked.$fault === "client") return { transient: false, reason: describe(marked) };
    if (typeof marked.code === "string" && NETWORK_CODES.test(marked.code)) return { transient: true, reason: describe(marked) };
  }
  // Anything else is a defect this event triggers every time: retrying it cannot help.
  return { transient: false, reason: error instanceof Error ? `unexpected ${describe(error)}` : `unexpected failure: ${String(error)}` };
}
