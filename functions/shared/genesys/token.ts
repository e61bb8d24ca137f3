import { Deadline } from "../deadline";

/**
 * In-memory cache of one client-credentials access token. A token is reused until `refreshMarginMs`
 * (60 s, or half the lifetime for very short-lived tokens) before `expires_in` runs out; concurrent
 * callers that find no valid token share one in-flight token request (single flight), which runs
 * within the deadline of the caller that started it.
 */
export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

const REFRESH_MARGIN_MS = 60_000;
/** Longest lifetime Genesys grants a non-SCIM OAuth client (48 h); a larger `expires_in` is not trusted. */
const MAX_LIFETIME_MS = 172_800_000;

export class TokenCache {
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly requestToken: (deadline: Deadline) => Promise<IssuedToken>,
    private readonly now: () => number,
  ) {}

  /** Whether a token request is in flight. */
  get refreshing(): boolean {
    return this.inFlight !== undefined;
  }

  /** The cached token while it is valid, without waiting. */
  peek(): string | undefined {
    return this.cached !== undefined && this.now() < this.cached.refreshAt ? this.cached.token : undefined;
  }

  /** A valid access token, from the cache or from one (shared) token request. */
  get(deadline: Deadline): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.inFlight ??= this.refresh(deadline).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Drops `token` (e.g. after a 401) unless a newer token has replaced it already. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async refresh(deadline: Deadline): Promise<string> {
    const requestedAt = this.now();
    const issued = await this.requestToken(deadline);
    const lifetimeMs = Math.min(issued.expiresInSeconds * 1000, MAX_LIFETIME_MS);
    this.cached = { token: issued.accessToken, refreshAt: requestedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return issued.accessToken;
  }
}
