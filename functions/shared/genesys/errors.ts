/**
 * Typed errors of the Genesys client. None of them carries a header, an access token or the client
 * secret: messages are built from the method, the URL path (never the query string, which for signed
 * download URLs holds a signature) and Genesys' own `message`/`code`, redacted of any known secret.
 */

/** Base class: `instanceof GenesysError` catches everything this client throws on purpose. */
export class GenesysError extends Error {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysError";
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

/** Genesys answered with an HTTP error status (after any retries). */
export class GenesysApiError extends GenesysError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysApiError";
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

/**
 * HTTP 429 that the client would not (or no longer) wait for: its Retry-After exceeded
 * `maxRetryAfterSeconds` (e.g. a daily quota), or the retries ran out.
 */
export class GenesysRateLimitError extends GenesysApiError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysRateLimitError";
  readonly retryAfterSeconds: number;

  constructor(details: Omit<GenesysApiErrorDetails, "status">, retryAfterSeconds: number, summary: string) {
    super({ ...details, status: 429 }, `${summary} (Retry-After ${retryAfterSeconds} s)`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The token endpoint refused the client credentials (or failed after retries). */
export class GenesysAuthError extends GenesysApiError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysAuthError";
  constructor(details: GenesysApiErrorDetails) {
    super(details, "Genesys OAuth token request failed");
  }
}

/** No HTTP response: connection refused, DNS failure, reset, timeout (after any retries). */
export class GenesysNetworkError extends GenesysError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysNetworkError";
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(details: { method: string; path: string; attempts: number }, cause: unknown) {
    super(`Genesys request failed without a response: ${details.method} ${details.path} after ${details.attempts} attempt(s): ${describeCause(cause)}`, {
      cause,
    });
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
  }
}

/** A 2xx response whose body is not the shape this client depends on. */
export class GenesysResponseError extends GenesysError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysResponseError";
  readonly method: string;
  readonly path: string;

  constructor(details: { method: string; path: string }, problem: string) {
    super(`Unexpected Genesys response to ${details.method} ${details.path}: ${problem}`);
    this.method = details.method;
    this.path = details.path;
  }
}

/** An attachment larger than the caller's `maxBytes`; the download was abandoned. */
export class GenesysAttachmentTooLargeError extends GenesysError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
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

/** A contentUri or redirect Location the client refuses to follow (scheme, host, missing Location, too many hops). */
export class GenesysDownloadRefusedError extends GenesysError {
  // Explicit: minified bundles rename classes, and Step Functions retries match this name.
  override readonly name: string = "GenesysDownloadRefusedError";
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return "unknown error";
  const inner = (cause as { cause?: unknown }).cause;
  const code = inner !== null && typeof inner === "object" && "code" in inner ? String((inner as { code: unknown }).code) : undefined;
  return code === undefined ? cause.name : `${cause.name} (${code})`;
}
