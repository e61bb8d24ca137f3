import {
  abortSignalWithin,
  assertTimeLeft,
  deadlineAt,
  deadlineFromContext,
  deadlineIn,
  DeadlineExceededError,
  defaultMarginMs,
  earliestDeadline,
  timeoutWithin,
} from "../../../functions/shared/deadline";

function manualClock(time = 1_000_000) {
  const clock = { time, now: () => clock.time };
  return clock;
}

describe("Deadline", () => {
  it("counts down on its clock and never goes negative", () => {
    // Prepare
    const clock = manualClock();
    const deadline = deadlineIn(5_000, clock);

    // Act
    const atStart = deadline.remainingMs();
    clock.time += 3_000;
    const later = deadline.remainingMs();
    clock.time += 10_000;
    const past = deadline.remainingMs();

    // Assess
    expect(deadline.at).toBe(1_005_000);
    expect([atStart, later, past]).toEqual([5_000, 2_000, 0]);
  });

  it.each([
    [30_000, 2_000],
    [900_000, 2_000],
    [5_000, 1_000],
    [3_000, 600],
    [100, 20],
    [0, 0],
  ])("keeps a default margin for %i ms left: %i ms", (remaining, margin) => {
    expect(defaultMarginMs(remaining)).toBe(margin);
  });

  it("takes the Lambda's remaining time minus the margin", () => {
    // Prepare
    const clock = manualClock();
    const context = { getRemainingTimeInMillis: () => 30_000 };

    // Act
    const byDefault = deadlineFromContext(context, undefined, clock);
    const explicit = deadlineFromContext(context, 5_000, clock);

    // Assess
    expect(byDefault.remainingMs()).toBe(28_000);
    expect(explicit.remainingMs()).toBe(25_000);
  });

  it("has no time left when the margin exceeds the remaining time", () => {
    const deadline = deadlineFromContext({ getRemainingTimeInMillis: () => 500 }, 1_000, manualClock());
    expect(deadline.remainingMs()).toBe(0);
  });

  it("rejects nonsense with a clear error", () => {
    expect(() => deadlineIn(Number.NaN)).toThrow("a time budget must be a finite number of milliseconds, got NaN");
    expect(() => deadlineAt(Number.POSITIVE_INFINITY)).toThrow("a deadline must be a finite instant, got Infinity");
    expect(() => deadlineFromContext({ getRemainingTimeInMillis: () => 1_000 }, -1)).toThrow("marginMs must be a non-negative number, got -1");
  });

  it("picks the earliest deadline and bounds a timeout by it", () => {
    // Prepare
    const clock = manualClock();
    const soon = deadlineIn(1_000, clock);
    const later = deadlineIn(9_000, clock);

    // Act
    const earliest = earliestDeadline(later, undefined, soon);

    // Assess
    expect(earliest).toBe(soon);
    expect(earliestDeadline()).toBeUndefined();
    expect(timeoutWithin(soon, 5_000)).toBe(1_000);
    expect(timeoutWithin(later, 5_000)).toBe(5_000);
    expect(timeoutWithin(undefined, 5_000)).toBe(5_000);
    expect(timeoutWithin(undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it("derives an AbortSignal that fires when the budget is spent", async () => {
    // Prepare
    const spent = deadlineIn(0);

    // Act
    const signal = abortSignalWithin(spent, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess
    expect(signal.aborted).toBe(true);
    expect(abortSignalWithin(undefined).aborted).toBe(false);
  });

  it("assertTimeLeft throws a retriable DeadlineExceededError naming the work", () => {
    // Prepare
    const deadline = deadlineIn(50, manualClock());

    // Act
    const error = (() => {
      try {
        assertTimeLeft(deadline, "the DynamoDB commit", 200);
        return undefined;
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ name: "DeadlineExceededError", transient: true, message: "no time left for the DynamoDB commit: 50 ms remaining, 200 ms needed" });
    expect(() => assertTimeLeft(undefined, "anything", 1e9)).not.toThrow();
  });
});
