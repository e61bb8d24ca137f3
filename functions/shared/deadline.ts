/**
 * An invocation's time budget. A Lambda handler makes one `Deadline` from its context and passes it to
 * every outbound call (Genesys, AWS SDK), so that no call, retry or backoff sleep outlives the
 * invocation: whatever is left when the budget runs out fails fast with a retriable error instead of
 * being killed by the Lambda timeout half-way.
 *
 * ```ts
 * const deadline = deadlineFromContext(context);                   // remaining time minus a margin
 * await genesys.patchParticipantAttributes(cid, pid, attrs, { deadline });
 * await s3.send(command, { abortSignal: abortSignalWithin(deadline, 5_000) });
 * ```
 *
 * Pure: no SDK imports, the clock is injectable for tests.
 */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Deadline {
  /** The instant (epoch ms, on the deadline's clock) by which the work must have finished. */
  readonly at: number;
  /** Milliseconds left until `at` on the deadline's clock, never negative. */
  remainingMs(): number;
}

/** Upper bound of the default margin kept back from a Lambda's remaining time. */
export const DEFAULT_MARGIN_MAX_MS = 2_000;
/** Share of a short budget kept back by default (a 3 s budget keeps 600 ms). */
export const DEFAULT_MARGIN_FRACTION = 0.2;

/**
 * The margin `deadlineFromContext` keeps back for cleanup and for returning the response (batch item
 * failures, a dead-letter send, telemetry flush): 20 % of the remaining time, at most 2 s.
 */
export function defaultMarginMs(remainingMs: number): number {
  return Math.min(DEFAULT_MARGIN_MAX_MS, Math.max(0, Math.floor(remainingMs * DEFAULT_MARGIN_FRACTION)));
}

/** A deadline at the instant `at` (epoch ms on `clock`). */
export function deadlineAt(at: number, clock: Clock = systemClock): Deadline {
  if (!Number.isFinite(at)) throw new RangeError(`a deadline must be a finite instant, got ${at}`);
  return {
    at,
    remainingMs: () => Math.max(0, at - clock.now()),
  };
}

/** A deadline `ms` milliseconds from now. */
export function deadlineIn(ms: number, clock: Clock = systemClock): Deadline {
  if (!Number.isFinite(ms)) throw new RangeError(`a time budget must be a finite number of milliseconds, got ${ms}`);
  return deadlineAt(clock.now() + Math.max(0, ms), clock);
}

/**
 * The Lambda invocation's deadline: its remaining time minus `marginMs` (default `defaultMarginMs`,
 * 20 % of the remaining time, at most 2 s).
 */
export function deadlineFromContext(context: { getRemainingTimeInMillis(): number }, marginMs?: number, clock: Clock = systemClock): Deadline {
  const remaining = context.getRemainingTimeInMillis();
  if (!Number.isFinite(remaining)) throw new RangeError(`getRemainingTimeInMillis() returned ${remaining}`);
  const margin = marginMs ?? defaultMarginMs(remaining);
  if (!Number.isFinite(margin) || margin < 0) throw new RangeError(`marginMs must be a non-negative number, got ${margin}`);
  return deadlineIn(remaining - margin, clock);
}

/** The earlier of the given deadlines (undefined ones are ignored); undefined when none is given. */
export function earliestDeadline(...deadlines: (Deadline | undefined)[]): Deadline | undefined {
  let earliest: Deadline | undefined;
  for (const deadline of deadlines) {
    if (deadline !== undefined && (earliest === undefined || deadline.at < earliest.at)) earliest = deadline;
  }
  return earliest;
}

/** Milliseconds one operation may take: `capMs`, shortened to what is left of `deadline` (if any). */
export function timeoutWithin(deadline: Deadline | undefined, capMs: number = Number.POSITIVE_INFINITY): number {
  const remaining = deadline === undefined ? Number.POSITIVE_INFINITY : deadline.remainingMs();
  return Math.max(0, Math.min(capMs, remaining));
}

/**
 * An AbortSignal that fires after `timeoutWithin(deadline, capMs)` real milliseconds, for APIs that take
 * one (AWS SDK v3 `send(command, { abortSignal })`, fetch). Without a deadline and a cap it never fires.
 */
export function abortSignalWithin(deadline: Deadline | undefined, capMs?: number): AbortSignal {
  const ms = timeoutWithin(deadline, capMs);
  return Number.isFinite(ms) ? AbortSignal.timeout(ms) : new AbortController().signal;
}

/** Raised when work is not started (or abandoned) because its deadline leaves no time for it. Retriable. */
export class DeadlineExceededError extends Error {
  // Explicit: minified bundles rename classes, and retry policies match this name.
  override readonly name: string = "DeadlineExceededError";
  readonly transient = true;
}

/** Throws DeadlineExceededError naming `what` when less than `neededMs` is left of `deadline`. */
export function assertTimeLeft(deadline: Deadline | undefined, what: string, neededMs = 1): void {
  if (deadline === undefined) return;
  const remaining = deadline.remainingMs();
  if (remaining < neededMs) throw new DeadlineExceededError(`no time left for ${what}: ${remaining} ms remaining, ${neededMs} ms needed`);
}
