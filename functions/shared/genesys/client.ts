import * as z from "zod/mini";
import { GENESYS_REGION_DOMAINS, GenesysRegion } from "./regions";
import {
  GenesysApiError,
  GenesysAttachmentTooLargeError,
  GenesysAuthError,
  GenesysDownloadRefusedError,
  GenesysNetworkError,
  GenesysRateLimitError,
  GenesysResponseError,
} from "./errors";
import { TokenBucket } from "./rate-limiter";
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

export interface GenesysClientOptions {
  /** Genesys region: API host `https://api.<domain>`, login host `https://login.<domain>`. */
  region?: GenesysRegion;
  /** Explicit base URLs (the local fake, tests); each overrides the region's host. */
  apiBaseUrl?: string;
  loginBaseUrl?: string;
  /** Called whenever a new token is needed (e.g. read from Secrets Manager by the caller). */
  credentials: () => Promise<GenesysCredentials>;
  fetch?: typeof fetch;
  /** Retries after the first attempt for 429, 5xx and network errors (default 4: at most 5 attempts). */
  maxRetries?: number;
  /** Backoff base for 5xx and network errors: full jitter over `baseDelayMs * 2^retry` (default 250). */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay (default 20 000 ms). */
  maxBackoffMs?: number;
  /** A 429 whose Retry-After exceeds this fails at once with GenesysRateLimitError (default 60). */
  maxRetryAfterSeconds?: number;
  /** Client-side token bucket shared by all requests of this client (default 300, Genesys' per-token limit). */
  requestsPerMinute?: number;
  /** Per-attempt timeout, including reading the body (default 30 000 ms). */
  requestTimeoutMs?: number;
  /**
   * Whether a contentUri or redirect Location may be fetched at all. Default: https, or http to a
   * loopback host (127.0.0.1, localhost, ::1) for local fakes.
   */
  allowUrl?: (url: URL) => boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** Retry-After assumed when a 429 carries none (the platform SDKs' default). */
export const DEFAULT_RETRY_AFTER_SECONDS = 3;
const MAX_REDIRECTS = 5;
const MAX_ERROR_MESSAGE_CHARS = 300;

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
}

/**
 * A lean Genesys Cloud Platform API client for Lambda: client-credentials token cached in memory,
 * client-side rate limit, retries with Retry-After and jittered backoff, typed and redacted errors.
 * It never logs; callers decide what to log from the typed errors.
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
  private readonly allowUrl: (url: URL) => boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
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
    this.maxBackoffMs = nonNegative("maxBackoffMs", options.maxBackoffMs ?? 20_000);
    this.maxRetryAfterSeconds = nonNegative("maxRetryAfterSeconds", options.maxRetryAfterSeconds ?? 60);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    if (!(this.requestTimeoutMs > 0)) throw new RangeError(`requestTimeoutMs must be positive, got ${this.requestTimeoutMs}`);
    this.allowUrl = options.allowUrl ?? defaultAllowUrl;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.credentials = options.credentials;
    this.bucket = new TokenBucket(options.requestsPerMinute ?? 300, { now: this.now, sleep: this.sleep });
    this.tokens = new TokenCache(() => this.requestToken(), this.now);
  }

  /** GET /api/v2/conversations/emails/{conversationId} */
  getEmailConversation(conversationId: string): Promise<EmailConversation> {
    return this.getJson(`/api/v2/conversations/emails/${seg(conversationId)}`, emailConversationSchema);
  }

  /** GET /api/v2/conversations/emails/{conversationId}/messages: the message list's `entities`. */
  async listEmailMessages(conversationId: string): Promise<EmailMessagePreview[]> {
    const listing = await this.getJson(`/api/v2/conversations/emails/${seg(conversationId)}/messages`, emailMessageListingSchema);
    return listing.entities;
  }

  /** GET /api/v2/conversations/emails/{conversationId}/messages/{messageId} */
  getEmailMessage(conversationId: string, messageId: string): Promise<EmailMessage> {
    return this.getJson(`/api/v2/conversations/emails/${seg(conversationId)}/messages/${seg(messageId)}`, emailMessageSchema);
  }

  /**
   * Downloads an attachment's bytes. GETs `contentUri` with the bearer token without following
   * redirects; a 3xx Location (a signed URL) is fetched WITHOUT the Authorization header. The bearer
   * token is only sent to the API host or hosts under the region's domain. Bodies over `maxBytes`
   * (declared or streamed) fail with GenesysAttachmentTooLargeError.
   */
  async downloadAttachment(contentUri: string, maxBytes: number): Promise<{ bytes: Uint8Array; contentType?: string }> {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    let url = this.checkedDownloadUrl(contentUri, "contentUri");
    if (!this.mayReceiveToken(url)) {
      throw new GenesysDownloadRefusedError(`contentUri host ${url.host} is not a Genesys API host; refusing to send it the access token`);
    }
    let response = await this.send({ method: "GET", url, auth: "bearer", idempotent: true, rateLimited: true, acceptRedirect: true });
    for (let hops = 0; isRedirect(response.status); hops++) {
      const location = response.headers.get("location");
      await discard(response);
      if (location === null) throw new GenesysDownloadRefusedError(`Redirect from ${url.pathname} has no Location header`);
      if (hops >= MAX_REDIRECTS) throw new GenesysDownloadRefusedError(`More than ${MAX_REDIRECTS} redirects downloading ${url.pathname}`);
      url = this.checkedDownloadUrl(new URL(location, url).toString(), "redirect Location");
      response = await this.send({ method: "GET", url, auth: "none", idempotent: true, rateLimited: false, acceptRedirect: true });
    }
    const bytes = await readLimited(response, maxBytes, url.pathname);
    const contentType = response.headers.get("content-type");
    return contentType === null ? { bytes } : { bytes, contentType };
  }

  /** PATCH /api/v2/conversations/{conversationId}/participants/{participantId}/attributes with {"attributes": {...}}. */
  async patchParticipantAttributes(conversationId: string, participantId: string, attributes: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value !== "string") throw new TypeError(`Participant attribute "${key}" must be a string`);
    }
    const path = `/api/v2/conversations/${seg(conversationId)}/participants/${seg(participantId)}/attributes`;
    await discard(await this.sendJson("PATCH", path, { attributes }, true));
  }

  /** POST /api/v2/conversations/{conversationId}/participants/{participantId}/replace/queue with {"queueId"}: blind transfer to a queue. */
  async replaceParticipantWithQueue(conversationId: string, participantId: string, queueId: string): Promise<void> {
    const path = `/api/v2/conversations/${seg(conversationId)}/participants/${seg(participantId)}/replace/queue`;
    await discard(await this.sendJson("POST", path, { queueId }, true));
  }

  /**
   * POST /api/v2/conversations/emails/agentless. Not idempotent: retried only when Genesys cannot have
   * acted on it (429, 503, connection refused), so a flaky gateway never sends the email twice.
   */
  async sendAgentlessEmail(request: AgentlessEmail): Promise<AgentlessEmailResult> {
    if (request.toAddresses.length !== 1) {
      throw new RangeError(`Agentless email takes exactly one recipient, got ${request.toAddresses.length}`);
    }
    const path = "/api/v2/conversations/emails/agentless";
    const response = await this.sendJson("POST", path, request, false);
    const { id, conversationId } = await this.parseJson(response, { method: "POST", path }, agentlessEmailResultSchema);
    return conversationId === undefined ? { id } : { id, conversationId };
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private async getJson<T>(path: string, schema: z.ZodMiniType<T>): Promise<T> {
    const response = await this.send({ method: "GET", url: this.apiUrl(path), auth: "bearer", idempotent: true, rateLimited: true });
    return this.parseJson(response, { method: "GET", path }, schema);
  }

  private sendJson(method: "POST" | "PATCH", path: string, body: unknown, idempotent: boolean): Promise<Response> {
    return this.send({
      method,
      url: this.apiUrl(path),
      auth: "bearer",
      contentType: "application/json",
      body: JSON.stringify(body),
      idempotent,
      rateLimited: true,
    });
  }

  private async parseJson<T>(response: Response, where: { method: string; path: string }, schema: z.ZodMiniType<T>): Promise<T> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new GenesysNetworkError({ ...where, attempts: 1 }, error);
    }
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

  private async requestToken(): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const { clientId, clientSecret } = await this.credentials();
    const basic = Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64");
    this.remember(clientSecret, basic);
    const url = joinUrl(this.loginBase, "/oauth/token");
    const response = await this.send({
      method: "POST",
      url,
      auth: { authorization: `Basic ${basic}` },
      contentType: "application/x-www-form-urlencoded",
      body: "grant_type=client_credentials",
      idempotent: true,
      rateLimited: false,
      tokenRequest: true,
    });
    const token = await this.parseJson(response, { method: "POST", path: url.pathname }, tokenResponseSchema);
    this.remember(token.access_token);
    return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
  }

  /**
   * One request with retries: 401 with a bearer token drops the token and retries once with a new one;
   * 429 waits Retry-After (failing fast above maxRetryAfterSeconds); 5xx and network errors back off
   * with full jitter; other statuses fail at once. Returns 2xx responses (and 3xx when accepted).
   */
  private async send(spec: RequestSpec): Promise<Response> {
    const path = spec.url.pathname;
    let retries = 0;
    let attempts = 0;
    let refreshedToken = false;
    for (;;) {
      if (spec.rateLimited) await this.bucket.take();
      const headers: Record<string, string> = { accept: "application/json" };
      if (spec.contentType !== undefined) headers["content-type"] = spec.contentType;
      let token: string | undefined;
      if (spec.auth === "bearer") {
        token = await this.tokens.get();
        headers.authorization = `Bearer ${token}`;
      } else if (spec.auth !== "none") {
        headers.authorization = spec.auth.authorization;
      }

      attempts++;
      let response: Response;
      try {
        response = await this.fetchFn(spec.url, {
          method: spec.method,
          headers,
          body: spec.body,
          redirect: "manual",
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
      } catch (error) {
        if ((spec.idempotent || isConnectFailure(error)) && retries < this.maxRetries) {
          await this.sleep(this.backoffMs(retries++));
          continue;
        }
        throw new GenesysNetworkError({ method: spec.method, path, attempts }, error);
      }

      const { status } = response;
      if ((status >= 200 && status < 300) || (spec.acceptRedirect === true && isRedirect(status))) return response;

      if (status === 401 && token !== undefined && !refreshedToken) {
        await discard(response);
        this.tokens.invalidate(token);
        refreshedToken = true;
        continue;
      }
      if (status === 429) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.now()) ?? DEFAULT_RETRY_AFTER_SECONDS;
        if (retryAfter > this.maxRetryAfterSeconds || retries >= this.maxRetries) {
          const details = await this.errorDetails(response, spec, attempts);
          const summary = retryAfter > this.maxRetryAfterSeconds ? `Genesys rate limit wait over ${this.maxRetryAfterSeconds} s` : "Genesys rate limit persisted";
          throw new GenesysRateLimitError(details, retryAfter, summary);
        }
        await discard(response);
        retries++;
        await this.sleep(retryAfter * 1000);
        continue;
      }
      if (status >= 500 && (spec.idempotent || status === 503) && retries < this.maxRetries) {
        await discard(response);
        await this.sleep(this.backoffMs(retries++));
        continue;
      }
      const details = await this.errorDetails(response, spec, attempts);
      throw spec.tokenRequest === true ? new GenesysAuthError(details) : new GenesysApiError(details);
    }
  }

  private backoffMs(retry: number): number {
    return Math.floor(this.random() * Math.min(this.maxBackoffMs, this.baseDelayMs * 2 ** retry));
  }

  private async errorDetails(response: Response, spec: RequestSpec, attempts: number) {
    let text = "";
    try {
      text = await response.text();
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
      ...(body.contextId === undefined ? {} : { contextId: body.contextId }),
      ...(body.limit?.key === undefined ? {} : { limitKey: body.limit.key }),
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

function seg(id: string): string {
  if (id.length === 0) throw new RangeError("Genesys ids must not be empty");
  return encodeURIComponent(id);
}

function joinUrl(base: URL, path: string): URL {
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${path}`);
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function isConnectFailure(error: unknown): boolean {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const code = cause !== null && typeof cause === "object" && "code" in cause ? (cause as { code: unknown }).code : undefined;
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

async function readLimited(response: Response, maxBytes: number, path: string): Promise<Uint8Array> {
  const declared = response.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await discard(response);
    throw new GenesysAttachmentTooLargeError(path, maxBytes, Number(declared), true);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new GenesysNetworkError({ method: "GET", path, attempts: 1 }, error);
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new GenesysAttachmentTooLargeError(path, maxBytes, total, false);
    }
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
