/**
 * Typed errors of the Genesys client.
 *
 * Every class sets its `name` explicitly: minified bundles rename classes, and Step Functions `Retry` /
 * `Catch` (`ErrorEquals`) and SQS batch handlers match on the name, so the names below are part of the
 * API and never change. Every error also says whether the same call may succeed later (`transient`);
 * `TRANSIENT_GENESYS_ERROR_NAMES` lists the transient names and `isTransientGenesysError` tests either.
 *
 *   GenesysError                         base class, never thrown itself
 *   ├─ GenesysApiError                   HTTP 5xx or 408 after the retries the deadline    transient
 *   │  │                                 allowed; base class of every HTTP error status
 *   │  ├─ GenesysRateLimitError          429 not waited for (Retry-After over the budget)  transient
 *   │  └─ GenesysRequestRejectedError    any other 4xx: the request itself is refused      permanent
 *   │     ├─ GenesysAuthError            credentials refused, or 401 with a fresh token    permanent
 *   │     └─ GenesysConversationEndedError  the conversation is gone or has ended          permanent
 *   ├─ GenesysNetworkError               no HTTP response (refused, reset, DNS)            transient
 *   │  └─ GenesysTimeoutError            an attempt ran out of time                        transient
 *   ├─ GenesysDeadlineExceededError      the caller's deadline left no time for the call   transient
 *   ├─ GenesysValidationError            input that can never succeed (names the field)   permanent
 *   ├─ GenesysResponseError              2xx whose body is unusable (shape, size)          permanent
 *   ├─ GenesysAttachmentTooLargeError    download over the caller's maxBytes               permanent
 *   └─ GenesysDownloadRefusedError       contentUri/redirect the client will not follow    permanent
 *
 * None of them carries a header, an access token or the client secret: messages are built from the
 * method, the URL path (never the query string, which for signed download URLs holds a signature) and
 * Genesys' own `message`/`code`, redacted of any known secret.
 */

/** Names of the transient errors, for Step Functions `Retry.ErrorEquals` and batch handlers. */
export const TRANSIENT_GENESYS_ERROR_NAMES = [
  "GenesysApiError",
  "GenesysRateLimitError",
  "GenesysNetworkError",
  "GenesysTimeoutError",
  "GenesysDeadlineExceededError",
] as const;

/** Names of the permanent errors: retrying them cannot help (dead-letter or fall back at once). */
export const PERMANENT_GENESYS_ERROR_NAMES = [
  "GenesysRequestRejectedError",
  "GenesysAuthError",
  "GenesysConversationEndedError",
  "GenesysValidationError",
  "GenesysResponseError",
  "GenesysAttachmentTooLargeError",
  "GenesysDownloadRefusedError",
] as const;

export type PermanentGenesysErrorName = (typeof PERMANENT_GENESYS_ERROR_NAMES)[number];

const TRANSIENT_NAMES: ReadonlySet<string> = new Set(TRANSIENT_GENESYS_ERROR_NAMES);

/**
 * Whether `error` is a Genesys client failure that may pass on a later attempt. Decided by `name`, so it
 * also works on an error from another bundle's copy of this module or one rebuilt from `{name}`.
 */
export function isTransientGenesysError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const name = (error as { name?: unknown }).name;
  return typeof name === "string" && TRANSIENT_NAMES.has(name);
}

export class GenesysError extends Error {
  override readonly name: string = "GenesysError";
  /** Whether the same call may succeed later (see TRANSIENT_GENESYS_ERROR_NAMES). */
  readonly transient: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface GenesysApiErrorDetails {
  status: number;
  method: string;
  /** URL path of the failed request, without query string. */
  path: string;
  /** How many HTTP attempts were made for this call, retries included. */
  attempts: number;
  /** `code` of Genesys' ErrorBody (e.g. "not.found"), or the OAuth `error` of the token endpoint. */
  code?: string;
  /** `message` of Genesys' ErrorBody, redacted and truncated. */
  genesysMessage?: string;
  /** `contextId` of Genesys' ErrorBody: quote it to Genesys support. */
  contextId?: string;
  /** `limit.key` of Genesys' ErrorBody on throttling responses. */
  limitKey?: string;
}

export class GenesysApiError extends GenesysError {
  override readonly name: string = "GenesysApiError";
  override readonly transient: boolean = true;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  readonly code?: string;
  readonly genesysMessage?: string;
  readonly contextId?: string;
  readonly limitKey?: string;

  constructor(details: GenesysApiErrorDetails, summary?: string) {
    const reason = details.genesysMessage ?? details.code;
    super(
      `${summary ?? "Genesys API request failed"}: ${details.method} ${details.path} -> HTTP ${details.status}` +
        (reason === undefined ? "" : ` (${reason}${details.code !== undefined && reason !== details.code ? `, code ${details.code}` : ""})`) +
        (details.attempts > 1 ? ` after ${details.attempts} attempts` : ""),
    );
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
    if (details.code !== undefined) this.code = details.code;
    if (details.genesysMessage !== undefined) this.genesysMessage = details.genesysMessage;
    if (details.contextId !== undefined) this.contextId = details.contextId;
    if (details.limitKey !== undefined) this.limitKey = details.limitKey;
  }
}

export class GenesysRateLimitError extends GenesysApiError {
  override readonly name: string = "GenesysRateLimitError";
  /** Genesys' Retry-After: wait at least this long before calling again (e.g. an SQS visibility timeout). */
  readonly retryAfterSeconds: number;

  constructor(details: Omit<GenesysApiErrorDetails, "status">, retryAfterSeconds: number, summary: string) {
    super({ ...details, status: 429 }, `${summary} (Retry-After ${retryAfterSeconds} s)`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class GenesysRequestRejectedError extends GenesysApiError {
  override readonly name: string = "GenesysRequestRejectedError";
  override readonly transient: boolean = false;
}

export class GenesysAuthError extends GenesysRequestRejectedError {
  override readonly name: string = "GenesysAuthError";
  constructor(details: GenesysApiErrorDetails, summary = "Genesys OAuth token request failed") {
    super(details, summary);
  }
}

export class GenesysConversationEndedError extends GenesysRequestRejectedError {
  override readonly name: string = "GenesysConversationEndedError";
  readonly conversationId: string;

  constructor(details: GenesysApiErrorDetails, conversationId: string) {
    super(details, "Genesys conversation no longer exists or has ended");
    this.conversationId = conversationId;
  }
}

export class GenesysNetworkError extends GenesysError {
  override readonly name: string = "GenesysNetworkError";
  override readonly transient = true;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(details: { method: string; path: string; attempts: number }, cause: unknown, summary = "Genesys request failed without a response") {
    super(`${summary}: ${details.method} ${details.path} after ${details.attempts} attempt(s): ${describeCause(cause)}`, { cause });
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
  }
}

export class GenesysTimeoutError extends GenesysNetworkError {
  override readonly name: string = "GenesysTimeoutError";
  /** The timeout of the last attempt, in ms. */
  readonly timeoutMs: number;

  constructor(details: { method: string; path: string; attempts: number }, timeoutMs: number, cause?: unknown) {
    super(details, cause, `Genesys request timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

export class GenesysDeadlineExceededError extends GenesysError {
  override readonly name: string = "GenesysDeadlineExceededError";
  override readonly transient = true;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(details: { method: string; path: string; attempts: number }, reason: string, options?: { cause?: unknown }) {
    super(`Genesys request abandoned within its deadline: ${details.method} ${details.path} after ${details.attempts} attempt(s): ${reason}`, options);
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
  }
}

export class GenesysValidationError extends GenesysError {
  override readonly name: string = "GenesysValidationError";
  /** The argument (or field of it) that is invalid, e.g. "conversationId" or "request.toAddresses". */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`Invalid ${field}: ${problem}`);
    this.field = field;
  }
}

export class GenesysResponseError extends GenesysError {
  override readonly name: string = "GenesysResponseError";
  readonly method: string;
  readonly path: string;

  constructor(details: { method: string; path: string }, problem: string) {
    super(`Unexpected Genesys response to ${details.method} ${details.path}: ${problem}`);
    this.method = details.method;
    this.path = details.path;
  }
}

export class GenesysAttachmentTooLargeError extends GenesysError {
  override readonly name: string = "GenesysAttachmentTooLargeError";
  readonly maxBytes: number;
  /** The declared Content-Length, or the bytes received when the stream passed the limit. */
  readonly observedBytes: number;

  constructor(path: string, maxBytes: number, observedBytes: number, declared: boolean) {
    super(
      declared
        ? `Attachment ${path} declares ${observedBytes} bytes, over the limit of ${maxBytes} bytes`
        : `Attachment ${path} exceeded the limit of ${maxBytes} bytes while downloading (${observedBytes} bytes received)`,
    );
    this.maxBytes = maxBytes;
    this.observedBytes = observedBytes;
  }
}

export class GenesysDownloadRefusedError extends GenesysError {
  override readonly name: string = "GenesysDownloadRefusedError";
}

/** The cause's name and its own cause's code, e.g. "TypeError (ECONNRESET)"; duck-typed, as fetch's errors may come from another realm. */
function describeCause(cause: unknown): string {
  if (cause === undefined) return "no response";
  const name = cause !== null && typeof cause === "object" ? (cause as { name?: unknown }).name : undefined;
  if (typeof name !== "string") return "unknown error";
  const inner = (cause as { cause?: unknown }).cause;
  const code = inner !== null && typeof inner === "object" ? (inner as { code?: unknown }).code : undefined;
  return typeof code === "string" ? `${name} (${code})` : name;
}
