/**
 * A token bucket shared by every request of one client: it holds at most `requestsPerMinute` tokens and
 * refills at `requestsPerMinute` per minute. Each request takes one token; when none is left the caller
 * reserves the next one (the balance goes negative) and sleeps until it is due, so concurrent callers
 * are spaced out in arrival order. Genesys' default limit is 300 requests per minute per client-credentials
 * token; a burst can still draw a 429, which the client then honours through Retry-After.
 */
export class TokenBucket {
  private readonly capacity: number;
  private readonly tokensPerMs: number;
  private tokens: number;
  private last: number;

  constructor(
    requestsPerMinute: number,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  ) {
    if (!Number.isFinite(requestsPerMinute) || requestsPerMinute <= 0) {
      throw new RangeError(`requestsPerMinute must be a positive number, got ${requestsPerMinute}`);
    }
    this.capacity = requestsPerMinute;
    this.tokensPerMs = requestsPerMinute / 60_000;
    this.tokens = requestsPerMinute;
    this.last = clock.now();
  }

  /** Resolves when the caller may send one request. */
  async take(): Promise<void> {
    const waitMs = this.reserve(Number.POSITIVE_INFINITY);
    if (waitMs !== undefined && waitMs > 0) await this.clock.sleep(waitMs);
  }

  /**
   * Reserves one token if it is due within `maxWaitMs` and returns how long to wait for it (0: now);
   * returns undefined, reserving nothing, when the wait would be longer.
   */
  reserve(maxWaitMs: number): number | undefined {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.last) * this.tokensPerMs);
    this.last = now;
    const waitMs = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.tokensPerMs);
    if (waitMs > maxWaitMs) return undefined;
    this.tokens -= 1;
    return waitMs;
  }
}
