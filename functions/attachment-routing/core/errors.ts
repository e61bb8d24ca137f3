import * as z from "zod/mini";
import { DeadlineExceededError } from "../../shared/deadline";
import { PermanentGenesysErrorName, TRANSIENT_GENESYS_ERROR_NAMES } from "../../shared/genesys/errors";

/**
 * Errors of the step Lambdas as Step Functions sees them, and which of them are worth a retry. Lambda
 * reports `error.name` as the error type the state machine's Retry and Catch match, so every error that
 * is retried carries a stable, explicit name, listed in TRANSIENT_STEP_ERROR_NAMES; every other error is
 * caught at once and routes the email to the fallback. No SDK imports: the state machine definition is
 * built from these names at synth.
 */

/** A step's input does not match its contract: never retried, the email goes to the fallback at once. */
export class InvalidStepInputError extends Error {
  override readonly name = "InvalidStepInputError";
}

/** The conversation has no participant to move (no customer, nothing in the triage queue): never retried. */
export class ConversationNotRoutableError extends Error {
  override readonly name = "ConversationNotRoutableError";
}

/** An AWS call failed in a way the same call may not (throttling, 5xx, a network fault, its time ran out). */
export class TransientAwsError extends Error {
  // Explicit: minified bundles rename classes, and the state machine's Retry matches this name.
  override readonly name = "TransientAwsError";
  readonly transient = true;
}

/** Step Functions' names for faults of the Lambda service itself (lambda:invoke), retried everywhere. */
export const LAMBDA_SERVICE_ERROR_NAMES = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"] as const;

/** The email is no longer in the triage queue (someone moved it, or it was routed before): nothing is left to route. */
export class EmailLeftTriageError extends Error {
  override readonly name = "EmailLeftTriageError";
}

/** The Genesys client's error for a conversation that no longer exists or has ended: nothing is left to route. */
export const CONVERSATION_ENDED_ERROR_NAME: PermanentGenesysErrorName = "GenesysConversationEndedError";

/** Errors after which the execution ends cleanly: the email is not (or no longer) waiting in triage. */
export const NO_LONGER_IN_TRIAGE_ERROR_NAMES: readonly string[] = [CONVERSATION_ENDED_ERROR_NAME, new EmailLeftTriageError("").name];

/** The name of shared/deadline's DeadlineExceededError, read from the class itself. */
const DEADLINE_EXCEEDED_ERROR_NAME = new DeadlineExceededError("").name;

/** Every error name a step may throw that another attempt can cure: the state machine retries these only. */
export const TRANSIENT_STEP_ERROR_NAMES: readonly string[] = [
  ...LAMBDA_SERVICE_ERROR_NAMES,
  ...TRANSIENT_GENESYS_ERROR_NAMES,
  DEADLINE_EXCEEDED_ERROR_NAME,
  new TransientAwsError("").name,
];

const MAX_REPORTED_ISSUES = 10;

/** Parses a step input with its contract, or throws InvalidStepInputError naming the bad fields (never a value). */
export function parseStepInput<T extends z.core.$ZodType>(schema: T, input: unknown, step: string): z.output<T> {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const problems = issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `${i.path.join(".") || "(input)"}: ${i.code}`);
    if (issues.length > MAX_REPORTED_ISSUES) problems.push(`and ${issues.length - MAX_REPORTED_ISSUES} more`);
    throw new InvalidStepInputError(`invalid ${step} input: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** The error's name, for logs and decisions (never its message alone, which may carry details). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** `name: message` of an error for a log line; callers only pass errors whose messages hold no content. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** AWS error names meaning "slow down" (the SDK's own throttling list, plus Textract's job limit). */
const AWS_THROTTLING_NAMES: ReadonlySet<string> = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "SlowDown",
  "TransactionInProgressException",
  "LimitExceededException",
]);
/** AWS error names of faults on the service's side or on the way there. */
const AWS_TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  "AbortError",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "InternalFailure",
  "InternalServerError",
  "InternalServerException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

interface ErrorFacts {
  name?: unknown;
  code?: unknown;
  transient?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Whether an error from an AWS SDK call (or from the network under it) may pass on another attempt. */
export function isTransientAwsError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const facts = error as ErrorFacts;
  const name = typeof facts.name === "string" ? facts.name : "";
  if (AWS_THROTTLING_NAMES.has(name) || AWS_TRANSIENT_NAMES.has(name)) return true;
  if (facts.$retryable !== undefined && facts.$retryable !== null && facts.$retryable !== false) return true;
  if (facts.$fault === "server") return true;
  const status = facts.$metadata?.httpStatusCode;
  if (typeof status === "number" && (status >= 500 || status === 429)) return true;
  return typeof facts.code === "string" && NETWORK_ERROR_CODES.has(facts.code);
}

/** Whether a retry may cure `error`: a transient Genesys or deadline error, or a transient AWS error. */
export function isTransientError(error: unknown): boolean {
  if (error !== null && typeof error === "object" && (error as ErrorFacts).transient === true) return true;
  return isTransientAwsError(error);
}

/**
 * The error a step throws to Step Functions: transient AWS errors under the one name the state machine
 * retries (TransientAwsError, naming the original), everything else as it is.
 */
export function toStepError(error: unknown): unknown {
  if (error !== null && typeof error === "object" && (error as ErrorFacts).transient === true) return error;
  if (isTransientAwsError(error)) return new TransientAwsError(describeError(error), { cause: error });
  return error;
}
