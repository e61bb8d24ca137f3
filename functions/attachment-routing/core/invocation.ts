import { abortSignalWithin, Deadline, deadlineFromContext, DeadlineExceededError, deadlineIn, defaultMarginMs } from "../../shared/deadline";
import { isTransientError, toStepError } from "./errors";
import { AttachmentFunction, STEP_TIMEOUT_SECONDS } from "./step-timeouts";

/** The part of Lambda's context a handler needs: its remaining time. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * The time budget of one invocation: the Lambda's remaining time minus a margin. Without a Lambda
 * context (local runners, tests) the function's deployed timeout stands in for it.
 */
export function invocationDeadline(context: InvocationContext | undefined, fn: AttachmentFunction): Deadline {
  if (context !== undefined && typeof context.getRemainingTimeInMillis === "function") return deadlineFromContext(context);
  const budget = STEP_TIMEOUT_SECONDS[fn] * 1000;
  return deadlineIn(budget - defaultMarginMs(budget));
}

/** Longest one AWS call may take, whatever is left of the deadline. */
const AWS_CALL_CAP_MS = 20_000;

/** Options for an AWS SDK v3 `send`: the call is abandoned when the deadline (or the cap) is reached. */
export function awsCallOptions(deadline: Deadline | undefined, capMs: number = AWS_CALL_CAP_MS): { abortSignal: AbortSignal } {
  return { abortSignal: abortSignalWithin(deadline, capMs) };
}

/**
 * `work`'s result, or DeadlineExceededError naming `what` when the deadline comes first: for calls that
 * take no abort signal. The work itself is abandoned, not stopped.
 */
export async function settleWithin<T>(work: Promise<T>, deadline: Deadline, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`${what} did not finish within the invocation's deadline`)), deadline.remainingMs());
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RetryOptions {
  readonly deadline: Deadline;
  /** Attempts in all (default 4). */
  readonly attempts?: number;
  /** Full jitter over `baseDelayMs * 2^retry` (default 200), at most `maxDelayMs` (default 3 000). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** An attempt is not started with less than this left (default 1 000 ms). */
  readonly minAttemptMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying transient failures (isTransientError) with backoff while the deadline leaves
 * time for another attempt. The last failure is thrown as a step error (toStepError); permanent ones at once.
 */
export async function retryTransient<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 3_000;
  const minAttempt = options.minAttemptMs ?? 1_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransientError(error) || attempt >= attempts) throw toStepError(error);
      const delay = Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1)));
      if (options.deadline.remainingMs() < delay + minAttempt) throw toStepError(error);
      await sleep(delay);
    }
  }
}
