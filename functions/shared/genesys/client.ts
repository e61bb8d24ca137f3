import * as z from "zod/mini";
import { Deadline, deadlineIn } from "../deadline";
import { meansConversationGone } from "./conversation-gone";
import {
  GenesysApiError,
  GenesysApiErrorDetails,
  GenesysAttachmentTooLargeError,
  GenesysAuthError,
  GenesysConversationEndedError,
  GenesysDeadlineExceededError,
  GenesysDownloadRefusedError,
  GenesysError,
  GenesysNetworkError,
  GenesysRateLimitError,
  GenesysResponseError,
  GenesysRequestRejectedError,
  GenesysTimeoutError,
  GenesysValidationError,
} from "./errors";
import { TokenBucket } from "./rate-limiter";
import { GENESYS_REGION_DOMAINS, GenesysRegion } from "./regions";
import { TokenCache } from "./token";
import {
  AgentlessEmail,
  AgentlessEmailResult,
  agentlessEmailResultSchema,
  EmailConversation,
  emailConversationSchema,
  EmailMessage,
  emailMessageListingSchema,
  EmailMessagePreview,
  emailMessageSchema,
  errorBodySchema,
  GenesysCredentials,
  tokenResponseSchema,
} from "./types";

export * from "./errors";
export * from "./types";
export { TokenBucket } from "./rate-limiter";
export type { Deadline } from "../deadline";

/** Per-call options, accepted as the last parameter of every public GenesysClient method. */
export interface RequestOptions {
  /**
   * When the call must have settled: every attempt, backoff sleep, Retry-After wait, token request and
   * credentials read fits before it, or the call fails fast with a transient error. Default: now plus
   * the client's `defaultBudgetMs`.
   */
  deadline?: Deadline;
}

export interface GenesysClientOptions {
  /** Genesys region: API host `https://api.<domain>`, login host `https://login.<domain>`. */
  region?: GenesysRegion;
  /** Explicit base URLs (the local fake, tests); each overrides the region's host. */
  apiBaseUrl?: string;
  loginBaseUrl?: string;
  /** Called whenever a new token is needed (e.g. read from Secrets Manager by the caller). */
  credentials: () => Promise<GenesysCredentials>;
  fetch?: typeof fetch;
  /** Retries after the first attempt for transient failures, within the deadline (default 4). */
  maxRetries?: number;
  /** Backoff base for 5xx, 408 and network errors: full jitter over `baseDelayMs * 2^retry` (default 250). */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay (default 5 000 ms). */
  maxBackoffMs?: number;
  /** A 429 whose Retry-After exceeds this (or the time left) fails at once with GenesysRateLimitError (default 30). */
  maxRetryAfterSeconds?: number;
  /** Client-side token bucket shared by all requests of this client (default 300, Genesys' per-token limit). */
  requestsPerMinute?: number;
  /** Per-attempt timeout, including reading the body, further shortened to the deadline (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Total time of one call when the caller gives no deadline (default 25 000 ms). */
  defaultBudgetMs?: number;
  /** An attempt is not started (nor a retry slept for) with less than this left of the deadline (default 100 ms). */
  minAttemptMs?: number;
  /** Largest JSON response body accepted (default 16 MiB); a larger one fails with GenesysResponseError. */
  maxResponseBytes?: number;
  /**
   * Whether a contentUri or redirect Location may be fetched at all. Default: https, or http to a
   * loopback host (127.0.0.1, localhost, ::1) for local fakes.
   */
  allowUrl?: (url: URL) => boolean;
  /** Clock used for backoff, Retry-After, rate limiting, token expiry and the default deadline. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** A signal that aborts after `ms`: bounds each attempt and waits on outside work (default AbortSignal.timeout). */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** Retry-After assumed when a 429 carries none (the platform SDKs' default). */
export const DEFAULT_RETRY_AFTER_SECONDS = 3;
/** Longest Genesys id accepted (ids are UUIDs, 36 characters); longer ones fail before any request. */
export const MAX_GENESYS_ID_LENGTH = 128;
const GENESYS_ID = /^[A-Za-z0-9][A-Za-z0-9._~:@+=-]*$/;
const MAX_CONTENT_URI_LENGTH = 8_192;
const MAX_REDIRECTS = 5;
const MAX_ERROR_MESSAGE_CHARS = 300;
/** Error bodies are read up to this size only: the status is what matters, the body is detail. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Errors raised before any network I/O that never go to the connection, hence safe to retry for any request. */
const CONNECT_ERROR_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

interface RequestSpec {
  method: "GET" | "POST" | "PATCH";
  url: URL;
  /** "bearer": the cached access token; a string: a complete Authorization header (token request). */
  auth: "bearer" | "none" | { authorization: string };
  contentType?: string;
  body?: string;
  /**
   * Safe to send twice. Non-idempotent requests (agentless email) are retried only when Genesys cannot
   * have acted on them: 429, 503, and connection failures before anything was sent.
   */
  idempotent: boolean;
  /** Counts against the client-side rate limit (API calls, not token requests or signed URLs). */
  rateLimited: boolean;
  /** Return 3xx responses instead of failing (attachment downloads). */
  acceptRedirect?: boolean;
  /** Errors from the token endpoint become GenesysAuthError. */
  tokenRequest?: boolean;
  /** The conversation the route belongs to: a "gone" answer becomes GenesysConversationEndedError. */
  conversationId?: string;
}

/** Reads a successful response within the attempt (same timeout); may throw to fail the call. */
type ReadResponse<T> = (response: Response) => Promise<T>;

interface Where {
  method: string;
  path: string;
  attempts: number;
}

/**
 * A lean Genesys Cloud Platform API client for Lambda: client-credentials token cached in memory and
 * fetched once under concurrency, client-side rate limit, retries of transient failures only (429 with
 * Retry-After, 5xx, 408, network errors, timeouts) within each call's deadline, typed and redacted
 * errors that say whether they are transient. It never logs; callers decide what to log from the errors.
 */
export class GenesysClient {
  private readonly apiBase: URL;
  private readonly loginBase: URL;
  /** Hosts under this domain may receive the bearer token for attachment downloads. */
  private readonly trustedDomain: string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly requestTimeoutMs: number;
  private readonly defaultBudgetMs: number;
  private readonly minAttemptMs: number;
  private readonly maxResponseBytes: number;
  private readonly allowUrl: (url: URL) => boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly timeoutSignal: (ms: number) => AbortSignal;
  private readonly bucket: TokenBucket;
  private readonly tokens: TokenCache;
  private readonly credentials: () => Promise<GenesysCredentials>;
  /** Secret values seen by this client (client secret, Basic header, tokens), scrubbed from error text. */
  private readonly secrets: string[] = [];

  constructor(options: GenesysClientOptions) {
    const domain = options.region === undefined ? undefined : GENESYS_REGION_DOMAINS[options.region];
    if (options.region !== undefined && domain === undefined) throw new Error(`Unknown Genesys region "${options.region}"`);
    const apiBaseUrl = options.apiBaseUrl ?? (domain === undefined ? undefined : `https://api.${domain}`);
    const loginBaseUrl = options.loginBaseUrl ?? (domain === undefined ? undefined : `https://login.${domain}`);
    if (apiBaseUrl === undefined || loginBaseUrl === undefined) {
      throw new Error("GenesysClient needs a region, or both apiBaseUrl and loginBaseUrl");
    }
    this.apiBase = new URL(apiBaseUrl);
    this.loginBase = new URL(loginBaseUrl);
    this.trustedDomain = options.apiBaseUrl === undefined ? domain : this.apiBase.hostname.startsWith("api.") ? this.apiBase.hostname.slice(4) : undefined;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.maxRetries = nonNegative("maxRetries", options.maxRetries ?? 4);
    this.baseDelayMs = nonNegative("baseDelayMs", options.baseDelayMs ?? 250);
    this.maxBackoffMs = nonNegative("maxBackoffMs", options.maxBackoffMs ?? 5_000);
    this.maxRetryAfterSeconds = nonNegative("maxRetryAfterSeconds", options.maxRetryAfterSeconds ?? 30);
    this.requestTimeoutMs = positive("requestTimeoutMs", options.requestTimeoutMs ?? 10_000);
    this.defaultBudgetMs = positive("defaultBudgetMs", options.defaultBudgetMs ?? 25_000);
    this.minAttemptMs = nonNegative("minAttemptMs", options.minAttemptMs ?? 100);
    this.maxResponseBytes = positive("maxResponseBytes", options.maxResponseBytes ?? 16 * 1024 * 1024);
    this.allowUrl = options.allowUrl ?? defaultAllowUrl;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.timeoutSignal = options.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms));
    this.credentials = options.credentials;
    this.bucket = new TokenBucket(options.requestsPerMinute ?? 300, { now: this.now, sleep: this.sleep });
    this.tokens = new TokenCache((deadline) => this.requestToken(deadline), this.now);
  }

  /** GET /api/v2/conversations/emails/{conversationId} */
  async getEmailConversation(conversationId: string, options?: RequestOptions): Promise<EmailConversation> {
    const cid = genesysId("conversationId", conversationId);
    return this.getJson(`/api/v2/conversations/emails/${cid}`, emailConversationSchema, conversationId, options);
  }

  /** GET /api/v2/conversations/emails/{conversationId}/messages: the message list's `entities`. */
  async listEmailMessages(conversationId: string, options?: RequestOptions): Promise<EmailMessagePreview[]> {
    const cid = genesysId("conversationId", conversationId);
    const listing = await this.getJson(`/api/v2/conversations/emails/${cid}/messages`, emailMessageListingSchema, conversationId, options);
    return listing.entities;
  }

  /** GET /api/v2/conversations/emails/{conversationId}/messages/{messageId} */
  async getEmailMessage(conversationId: string, messageId: string, options?: RequestOptions): Promise<EmailMessage> {
    const cid = genesysId("conversationId", conversationId);
    const mid = genesysId("messageId", messageId);
    return this.getJson(`/api/v2/conversations/emails/${cid}/messages/${mid}`, emailMessageSchema, conversationId, options);
  }

  /**
   * Downloads an attachment's bytes. GETs `contentUri` with the bearer token without following
   * redirects; a 3xx Location (a signed URL) is fetched WITHOUT the Authorization header. The bearer
   * token is only sent to the API host or hosts under the region's domain. Bodies over `maxBytes`
   * (declared or streamed) fail with GenesysAttachmentTooLargeError.
   */
  async downloadAttachment(contentUri: string, maxBytes: number, options?: RequestOptions): Promise<{ bytes: Uint8Array; contentType?: string }> {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new GenesysValidationError("maxBytes", `must be a non-negative integer, got ${maxBytes}`);
    if (typeof contentUri !== "string") throw new GenesysValidationError("contentUri", "must be a string");
    if (contentUri.length > MAX_CONTENT_URI_LENGTH) throw new GenesysValidationError("contentUri", `is ${contentUri.length} characters long, over ${MAX_CONTENT_URI_LENGTH}`);
    const deadline = this.deadlineOf(options);
    let url = this.checkedDownloadUrl(contentUri, "contentUri");
    if (!this.mayReceiveToken(url)) {
      throw new GenesysDownloadRefusedError(`contentUri host ${url.host} is not a Genesys API host; refusing to send it the access token`);
    }
    const readBytes = async (response: Response) => {
      const bytes = await readLimited(response, maxBytes, (observed, declared) => new GenesysAttachmentTooLargeError(url.pathname, maxBytes, observed, declared));
      const contentType = response.headers.get("content-type");
      return { location: null, result: contentType === null ? { bytes } : { bytes, contentType } };
    };
    const readOrRedirect = async (response: Response) => {
      if (!isRedirect(response.status)) return readBytes(response);
      await discard(response);
      return { location: response.headers.get("location"), result: undefined };
    };
    let step = await this.request({ method: "GET", url, auth: "bearer", idempotent: true, rateLimited: true, acceptRedirect: true }, deadline, readOrRedirect);
    for (let hops = 0; step.result === undefined; hops++) {
      if (step.location === null) throw new GenesysDownloadRefusedError(`Redirect from ${url.pathname} has no Location header`);
      if (hops >= MAX_REDIRECTS) throw new GenesysDownloadRefusedError(`More than ${MAX_REDIRECTS} redirects downloading ${url.pathname}`);
      url = this.checkedDownloadUrl(new URL(step.location, url).toString(), "redirect Location");
      step = await this.request({ method: "GET", url, auth: "none", idempotent: true, rateLimited: false, acceptRedirect: true }, deadline, readOrRedirect);
    }
    return step.result;
  }

  /** PATCH /api/v2/conversations/{conversationId}/participants/{participantId}/attributes with {"attributes": {...}}. */
  async patchParticipantAttributes(conversationId: string, participantId: string, attributes: Record<string, string>, options?: RequestOptions): Promise<void> {
    const cid = genesysId("conversationId", conversationId);
    const pid = genesysId("participantId", participantId);
    if (attributes === null || typeof attributes !== "object" || Array.isArray(attributes)) throw new GenesysValidationError("attributes", "must be an object of strings");
    for (const [key, value] of Object.entries(attributes)) {
      if (key.length === 0) throw new GenesysValidationError("attributes", "a key is empty");
      if (typeof value !== "string") throw new GenesysValidationError(`attributes.${key.slice(0, 64)}`, "must be a string");
    }
    const path = `/api/v2/conversations/${cid}/participants/${pid}/attributes`;
    await this.sendJson("PATCH", path, { attributes }, { idempotent: true, conversationId }, options);
  }

  /** POST /api/v2/conversations/{conversationId}/participants/{participantId}/replace/queue with {"queueId"}: blind transfer to a queue. */
  async replaceParticipantWithQueue(conversationId: string, participantId: string, queueId: string, options?: RequestOptions): Promise<void> {
    const cid = genesysId("conversationId", conversationId);
    const pid = genesysId("participantId", participantId);
    genesysId("queueId", queueId);
    const path = `/api/v2/conversations/${cid}/participants/${pid}/replace/queue`;
    await this.sendJson("POST", path, { queueId }, { idempotent: true, conversationId }, options);
  }

  /**
   * POST /api/v2/conversations/emails/agentless. Not idempotent: retried only when Genesys cannot have
   * acted on it (429, 503, 401, connection refused), so a flaky gateway never sends the email twice.
   * A timeout, reset or other 5xx is still reported as transient, but the email may have gone out: a
   * caller that retries the whole step should record that it sent the email before doing so.
   */
  async sendAgentlessEmail(request: AgentlessEmail, options?: RequestOptions): Promise<AgentlessEmailResult> {
    if (request === null || typeof request !== "object") throw new GenesysValidationError("request", "must be an object");
    if (!Array.isArray(request.toAddresses) || request.toAddresses.length !== 1) {
      throw new GenesysValidationError("request.toAddresses", `agentless email takes exactly one recipient, got ${Array.isArray(request.toAddresses) ? request.toAddresses.length : "none"}`);
    }
    if (request.conversationId !== undefined) genesysId("request.conversationId", request.conversationId);
    const path = "/api/v2/conversations/emails/agentless";
    const { id, conversationId } = await this.sendJson("POST", path, request, { idempotent: false, schema: agentlessEmailResultSchema }, options);
    return conversationId === undefined ? { id } : { id, conversationId };
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private deadlineOf(options: RequestOptions | undefined): Deadline {
    return options?.deadline ?? deadlineIn(this.defaultBudgetMs, { now: this.now });
  }

  private getJson<T>(path: string, schema: z.ZodMiniType<T>, conversationId: string, options: RequestOptions | undefined): Promise<T> {
    const url = this.apiUrl(path);
    const spec: RequestSpec = { method: "GET", url, auth: "bearer", idempotent: true, rateLimited: true, conversationId };
    return this.request(spec, this.deadlineOf(options), (response) => this.parseJson(response, { method: "GET", path: url.pathname }, schema));
  }

  private sendJson(method: "POST" | "PATCH", path: string, body: unknown, how: { idempotent: boolean; conversationId?: string }, options?: RequestOptions): Promise<void>;
  private sendJson<T>(method: "POST" | "PATCH", path: string, body: unknown, how: { idempotent: boolean; conversationId?: string; schema: z.ZodMiniType<T> }, options?: RequestOptions): Promise<T>;
  private sendJson<T>(
    method: "POST" | "PATCH",
    path: string,
    body: unknown,
    how: { idempotent: boolean; conversationId?: string; schema?: z.ZodMiniType<T> },
    options?: RequestOptions,
  ): Promise<T | void> {
    const url = this.apiUrl(path);
    const spec: RequestSpec = {
      method,
      url,
      auth: "bearer",
      contentType: "application/json",
      body: JSON.stringify(body),
      idempotent: how.idempotent,
      rateLimited: true,
      ...(how.conversationId === undefined ? {} : { conversationId: how.conversationId }),
    };
    const schema = how.schema;
    const read: ReadResponse<T | void> = schema === undefined ? discard : (response) => this.parseJson(response, { method, path: url.pathname }, schema);
    return this.request(spec, this.deadlineOf(options), read);
  }

  private async parseJson<T>(response: Response, where: { method: string; path: string }, schema: z.ZodMiniType<T>): Promise<T> {
    const text = new TextDecoder().decode(
      await readLimited(response, this.maxResponseBytes, (observed, declared) => {
        return new GenesysResponseError(where, `body ${declared ? "declares" : "exceeded"} ${observed} bytes, over the limit of ${this.maxResponseBytes} bytes`);
      }),
    );
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new GenesysResponseError(where, "body is not JSON");
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 5).map(describeIssue);
      throw new GenesysResponseError(where, problems.join("; "));
    }
    return parsed.data;
  }

  private async requestToken(deadline: Deadline): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const url = joinUrl(this.loginBase, "/oauth/token");
    const where = { method: "POST", path: url.pathname, attempts: 0 };
    const { clientId, clientSecret } = await this.withinDeadline(this.credentials(), deadline, where, "reading the Genesys client credentials");
    const basic = Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64");
    this.remember(clientSecret, basic);
    const spec: RequestSpec = {
      method: "POST",
      url,
      auth: { authorization: `Basic ${basic}` },
      contentType: "application/x-www-form-urlencoded",
      body: "grant_type=client_credentials",
      idempotent: true,
      rateLimited: false,
      tokenRequest: true,
    };
    const token = await this.request(spec, deadline, (response) => this.parseJson(response, { method: "POST", path: url.pathname }, tokenResponseSchema));
    this.remember(token.access_token);
    return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
  }

  /**
   * One call with retries, all within `deadline`. Each attempt gets min(requestTimeoutMs, time left) and
   * reads its response inside that time. 401 with a bearer token drops the token and retries once with a
   * new one; 429 waits Retry-After, unless it exceeds maxRetryAfterSeconds or the time left; 5xx, 408,
   * network errors and timeouts back off with full jitter while the time left allows another attempt;
   * every other status fails at once.
   */
  private async request<T>(spec: RequestSpec, deadline: Deadline, read: ReadResponse<T>): Promise<T> {
    const where: Where = { method: spec.method, path: spec.url.pathname, attempts: 0 };
    let retries = 0;
    let refreshedToken = false;
    for (;;) {
      if (spec.rateLimited) {
        const waitMs = this.bucket.reserve(deadline.remainingMs() - this.minAttemptMs);
        if (waitMs === undefined) throw new GenesysDeadlineExceededError({ ...where }, `the client-side rate limit has no free request within the ${deadline.remainingMs()} ms left`);
        if (waitMs > 0) await this.sleep(waitMs);
      }
      const headers: Record<string, string> = { accept: "application/json" };
      if (spec.contentType !== undefined) headers["content-type"] = spec.contentType;
      let token: string | undefined;
      if (spec.auth === "bearer") {
        token = this.tokens.peek() ?? (await this.freshToken(deadline, where));
        headers.authorization = `Bearer ${token}`;
      } else if (spec.auth !== "none") {
        headers.authorization = spec.auth.authorization;
      }

      const remaining = deadline.remainingMs();
      if (remaining < this.minAttemptMs) throw new GenesysDeadlineExceededError({ ...where }, `${remaining} ms left, an attempt needs at least ${this.minAttemptMs} ms`);
      const timeoutMs = Math.min(this.requestTimeoutMs, remaining);
      const signal = this.timeoutSignal(timeoutMs);
      where.attempts++;
      let response: Response;
      try {
        response = await this.fetchFn(spec.url, { method: spec.method, headers, body: spec.body, redirect: "manual", signal });
      } catch (error) {
        const failure = signal.aborted ? new GenesysTimeoutError({ ...where }, timeoutMs, error) : new GenesysNetworkError({ ...where }, error);
        if ((spec.idempotent || (!signal.aborted && isConnectFailure(error))) && (await this.backedOff(retries++, deadline))) continue;
        throw failure;
      }

      const { status } = response;
      if ((status >= 200 && status < 300) || (spec.acceptRedirect === true && isRedirect(status))) {
        try {
          return await read(response);
        } catch (error) {
          if (error instanceof GenesysError) throw error;
          // The body broke off or timed out after the status line.
          const failure = signal.aborted ? new GenesysTimeoutError({ ...where }, timeoutMs, error) : new GenesysNetworkError({ ...where }, error);
          if (spec.idempotent && (await this.backedOff(retries++, deadline))) continue;
          throw failure;
        }
      }

      if (status === 401 && token !== undefined && !refreshedToken) {
        await discard(response);
        this.tokens.invalidate(token);
        refreshedToken = true;
        continue;
      }
      if (status === 429) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.now()) ?? DEFAULT_RETRY_AFTER_SECONDS;
        const waitMs = retryAfter * 1000;
        const left = deadline.remainingMs();
        let refusal: string | undefined;
        if (retryAfter > this.maxRetryAfterSeconds) refusal = `Genesys rate limit wait over ${this.maxRetryAfterSeconds} s`;
        else if (retries >= this.maxRetries) refusal = "Genesys rate limit persisted";
        else if (waitMs + this.minAttemptMs > left) refusal = `Genesys rate limit wait longer than the ${left} ms left of the deadline`;
        if (refusal !== undefined) throw new GenesysRateLimitError(await this.errorDetails(response, spec, where.attempts), retryAfter, refusal);
        await discard(response);
        retries++;
        await this.sleep(waitMs);
        continue;
      }
      if (isTransientStatus(status) && (spec.idempotent || status === 503)) {
        const delayMs = this.nextBackoff(retries, deadline);
        if (delayMs !== undefined) {
          await discard(response);
          retries++;
          await this.sleep(delayMs);
          continue;
        }
      }
      throw this.errorFor(spec, await this.errorDetails(response, spec, where.attempts));
    }
  }

  /** The typed error for a final answer that is not a success: only 408 and 5xx stay transient (429 is handled before). */
  private errorFor(spec: RequestSpec, details: GenesysApiErrorDetails): GenesysApiError {
    const { status } = details;
    if (isTransientStatus(status)) return new GenesysApiError(details);
    if (spec.tokenRequest === true) return new GenesysAuthError(details);
    if (status === 401 && spec.auth === "bearer") return new GenesysAuthError(details, "Genesys refused a freshly issued access token");
    if (spec.conversationId !== undefined && meansConversationGone(details)) return new GenesysConversationEndedError(details, spec.conversationId);
    return new GenesysRequestRejectedError(details);
  }

  /** Sleeps the next backoff and returns true when retries and the deadline allow another attempt; else false at once. */
  private async backedOff(retry: number, deadline: Deadline): Promise<boolean> {
    const delayMs = this.nextBackoff(retry, deadline);
    if (delayMs === undefined) return false;
    await this.sleep(delayMs);
    return true;
  }

  /** The full-jitter delay before retry number `retry`, or undefined when no retry is left or the deadline has no room for it. */
  private nextBackoff(retry: number, deadline: Deadline): number | undefined {
    if (retry >= this.maxRetries) return undefined;
    const delayMs = Math.floor(this.random() * Math.min(this.maxBackoffMs, this.baseDelayMs * 2 ** retry));
    return delayMs + this.minAttemptMs <= deadline.remainingMs() ? delayMs : undefined;
  }

  /**
   * A new token. The caller that starts the token request bounds it by its own deadline; callers that
   * join a request already in flight (started under another deadline) stop waiting at theirs.
   */
  private freshToken(deadline: Deadline, where: Where): Promise<string> {
    const joining = this.tokens.refreshing;
    const token = this.tokens.get(deadline);
    return joining ? this.withinDeadline(token, deadline, where, "waiting for an access token") : token;
  }

  /** `work`, or GenesysDeadlineExceededError when the deadline passes first (the work itself is not cancelled). */
  private async withinDeadline<T>(work: Promise<T>, deadline: Deadline, where: Where, what: string): Promise<T> {
    const remaining = deadline.remainingMs();
    const signal = this.timeoutSignal(remaining);
    let onAbort: (() => void) | undefined;
    const expired = new Promise<never>((_, reject) => {
      onAbort = () => reject(new GenesysDeadlineExceededError({ ...where }, `${what} took longer than the ${remaining} ms left`));
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    expired.catch(() => undefined);
    try {
      return await Promise.race([work, expired]);
    } finally {
      if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
    }
  }

  private async errorDetails(response: Response, spec: RequestSpec, attempts: number): Promise<GenesysApiErrorDetails> {
    let text = "";
    try {
      text = new TextDecoder().decode(await readLimited(response, MAX_ERROR_BODY_BYTES, () => new Error("error body too large"), true));
    } catch {
      // The body is optional detail; the status is what matters.
    }
    let body: z.infer<typeof errorBodySchema> = {};
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) body = parsed.data;
    } catch {
      // Not JSON (e.g. a gateway's HTML page): report the status only.
    }
    const message = body.message ?? body.error_description ?? body.description;
    const code = body.code ?? body.error;
    return {
      status: response.status,
      method: spec.method,
      path: spec.url.pathname,
      attempts,
      ...(code === undefined ? {} : { code: this.redact(code) }),
      ...(message === undefined ? {} : { genesysMessage: this.redact(message) }),
      ...(body.contextId === undefined ? {} : { contextId: this.redact(body.contextId) }),
      ...(body.limit?.key === undefined ? {} : { limitKey: this.redact(body.limit.key) }),
    };
  }

  private remember(...values: string[]): void {
    for (const value of values) {
      if (value.length >= 4 && !this.secrets.includes(value)) this.secrets.push(value);
    }
    if (this.secrets.length > 16) this.secrets.splice(0, this.secrets.length - 16);
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join("[redacted]");
    return out.length > MAX_ERROR_MESSAGE_CHARS ? `${out.slice(0, MAX_ERROR_MESSAGE_CHARS)}...` : out;
  }

  private apiUrl(path: string): URL {
    return joinUrl(this.apiBase, path);
  }

  private checkedDownloadUrl(raw: string, what: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new GenesysDownloadRefusedError(`${what} is not an absolute URL`);
    }
    if (!this.allowUrl(url)) throw new GenesysDownloadRefusedError(`${what} ${url.protocol}//${url.host}${url.pathname} is not allowed (https only)`);
    return url;
  }

  private mayReceiveToken(url: URL): boolean {
    if (url.origin === this.apiBase.origin) return true;
    const domain = this.trustedDomain;
    return url.protocol === "https:" && domain !== undefined && url.hostname.endsWith(`.${domain}`);
  }
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function defaultAllowUrl(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** A Genesys id as a URL path segment, or GenesysValidationError naming `field` for one that cannot exist. */
function genesysId(field: string, id: unknown): string {
  if (typeof id !== "string") throw new GenesysValidationError(field, `must be a string, got ${id === null ? "null" : typeof id}`);
  if (id.length === 0) throw new GenesysValidationError(field, "is empty");
  if (id.length > MAX_GENESYS_ID_LENGTH) throw new GenesysValidationError(field, `is ${id.length} characters long; Genesys ids have at most ${MAX_GENESYS_ID_LENGTH}`);
  if (!GENESYS_ID.test(id)) throw new GenesysValidationError(field, "has characters a Genesys id cannot have (letters, digits and . _ ~ : @ + = - only)");
  return encodeURIComponent(id);
}

function joinUrl(base: URL, path: string): URL {
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${path}`);
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Statuses that may pass on a later attempt besides 429: the server failed or timed out. */
function isTransientStatus(status: number): boolean {
  return status === 408 || (status >= 500 && status < 600);
}

/** fetch's "fetch failed" with a cause whose code says nothing was sent. Duck-typed: fetch's errors may come from another realm. */
function isConnectFailure(error: unknown): boolean {
  const cause = error !== null && typeof error === "object" ? (error as { cause?: unknown }).cause : undefined;
  const code = cause !== null && typeof cause === "object" ? (cause as { code?: unknown }).code : undefined;
  return typeof code === "string" && CONNECT_ERROR_CODES.has(code);
}

/** An issue without the locale-dependent message: path, code and expected type (never the value). */
function describeIssue(issue: z.core.$ZodIssue): string {
  const expected = "expected" in issue && typeof issue.expected === "string" ? ` (expected ${issue.expected})` : "";
  return `${issue.path.map(String).join(".") || "(root)"}: ${issue.code}${expected}`;
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unparseable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  if (!/ GMT$/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to release.
  }
}

/**
 * The body's bytes, at most `maxBytes`: a larger declared Content-Length or stream fails with
 * `tooLarge(observedBytes, declared)`, or, with `truncate`, returns the first `maxBytes`.
 */
async function readLimited(response: Response, maxBytes: number, tooLarge: (observedBytes: number, declared: boolean) => Error, truncate = false): Promise<Uint8Array> {
  const declared = response.headers.get("content-length");
  if (!truncate && declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await discard(response);
    throw tooLarge(Number(declared), true);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      if (!truncate) throw tooLarge(total + value.byteLength, false);
      chunks.push(value.subarray(0, maxBytes - total));
      total = maxBytes;
      break;
    }
    total += value.byteLength;
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
