/**
 * In-memory cache of one client-credentials access token. A token is reused until `refreshMarginMs`
 * (60 s, or half the lifetime for very short-lived tokens) before `expires_in` runs out; concurrent
 * callers that find no valid token share one in-flight token request.
 */
export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

const REFRESH_MARGIN_MS = 60_000;

export class TokenCache {
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly requestToken: () => Promise<IssuedToken>,
    private readonly now: () => number,
  ) {}

  /** A valid access token, from the cache or from one (shared) token request. */
  get(): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Drops `token` (e.g. after a 401) unless a newer token has replaced it already. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async refresh(): Promise<string> {
    const requestedAt = this.now();
    const issued = await this.requestToken();
    const lifetimeMs = issued.expiresInSeconds * 1000;
    this.cached = { token: issued.accessToken, refreshAt: requestedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return issued.accessToken;
  }
}
