/**
 * A small local HTTP fake of the Genesys Cloud endpoints the Lambdas use, for tests. Nothing leaves
 * 127.0.0.1: three node:http servers on ephemeral ports play the login host, the API host and the
 * storage host behind signed download URLs.
 *
 * ```ts
 * const fake = await startGenesysFake();
 * fake.seedConversation({ id: "c-1", participants: [{ id: "p-cust", purpose: "customer" }], messages: [] });
 * const client = new GenesysClient({ apiBaseUrl: fake.apiBaseUrl, loginBaseUrl: fake.loginBaseUrl,
 *   credentials: async () => ({ clientId: fake.clientId, clientSecret: fake.clientSecret }) });
 * fake.script("/api/v2/conversations/emails/c-1", [{ status: 503 }]);   // next matching request only
 * fake.script(/\/attributes$/, [faults.rateLimited(40), faults.slow(60_000), faults.tokenExpired()]);
 * fake.endConversation("c-1");                                          // writes now answer 404
 * ...
 * await fake.close();
 * ```
 *
 * Endpoints (shapes as in the Genesys Platform API reference: ConversationsApi and the OAuth client-credentials grant):
 * - login: `POST /oauth/token` (Basic auth of the configured client, `grant_type=client_credentials`)
 * - api (Bearer token issued by this fake, else 401):
 *   - `GET /api/v2/conversations/emails/{cid}`, `.../messages`, `.../messages/{mid}`
 *   - `GET /api/v2/downloads/{attachmentId}`: 302 to the signed URL on the storage host
 *   - `PATCH /api/v2/conversations/{cid}/participants/{pid}/attributes` `{"attributes":{...}}` -> 202
 *   - `POST /api/v2/conversations/{cid}/participants/{pid}/replace/queue` `{"queueId"}` -> 202
 *   - `POST /api/v2/conversations/emails/agentless` (one recipient) -> 202 `{id, conversationId}`
 * - storage: `GET /signed/{attachmentId}?X-Amz-Signature=...`: the bytes; 400 if the request carries an
 *   Authorization header (as S3 does for presigned URLs), 403 on a bad signature.
 *
 * Errors use Genesys' ErrorBody shape `{message, code, status, contextId}`.
 *
 * Faults: `script()` queues one-off answers per route (`faults.*` builds the usual ones: 429 with
 * Retry-After, 5xx, 401 of an expired token, 404 of an ended conversation, a slow answer that is held
 * `delayMs` before it is sent, or a delay before normal handling); `expireTokens()` revokes every issued
 * token; `endConversation()` ends a conversation. Every request is recorded, including abandoned ones.
 *
 * Ended conversations: GET still returns the conversation (participants `disconnected`), while
 * attribute writes and replace/queue answer 404 `not.found`. What Genesys answers there is UNCONFIRMED;
 * this mirrors the client's assumption in functions/shared/genesys/conversation-gone.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

export const FAKE_CLIENT_ID = "fake-client-id";
export const FAKE_CLIENT_SECRET = "fake-client-secret-7f3a9c";

export interface GenesysFakeOptions {
  /** The only client id the token endpoint accepts (default FAKE_CLIENT_ID). */
  clientId?: string;
  /** Its secret (default FAKE_CLIENT_SECRET). */
  clientSecret?: string;
  /** `expires_in` of issued tokens (default 86400, Genesys' default lifetime). */
  tokenLifetimeSeconds?: number;
}

/** Which of the fake's hosts received a request. */
export type FakeHost = "login" | "api" | "storage";

export interface RecordedRequest {
  host: FakeHost;
  method: string;
  /** URL path without query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** JSON bodies parsed, form bodies as an object, other bodies as text, no body as undefined. */
  body: unknown;
}

/**
 * A one-off response queued with `script()`. An object body is sent as JSON. Without `status`, the
 * request is handled normally after `delayMs`.
 */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the answer this long (ms) before sending it; a client that gives up first just disconnects. */
  delayMs?: number;
  /** Send the body in two chunks without Content-Length (streamed bodies). */
  chunked?: boolean;
}

/** The usual faults, as scripted responses. */
export const faults = {
  /** 429 with `Retry-After: seconds` (omitted when undefined) and Genesys' throttling ErrorBody. */
  rateLimited(retryAfterSeconds?: number, limitKey = "client.credentials.token.rate.per.minute"): ScriptedResponse {
    return {
      status: 429,
      headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
      body: { message: "Rate limit exceeded the maximum", code: "too.many.requests", status: 429, contextId: randomUUID(), limit: { key: limitKey } },
    };
  },
  /** A 5xx (default 503) with Genesys' ErrorBody. */
  serverError(status = 503): ScriptedResponse {
    return { status, body: { message: "The service is currently unavailable", code: status === 503 ? "service.unavailable" : "internal.server.error", status, contextId: randomUUID() } };
  },
  /** The 401 Genesys sends for an expired or revoked access token. */
  tokenExpired(): ScriptedResponse {
    return { status: 401, body: { message: "Invalid login credentials.", code: "bad.credentials", status: 401, contextId: randomUUID() } };
  },
  /** The 404 the fake answers for an ended or unknown conversation. */
  conversationEnded(): ScriptedResponse {
    return { status: 404, body: { message: "The requested resource was not found.", code: "not.found", status: 404, contextId: randomUUID() } };
  },
  /** Normal handling, but only after `delayMs`; with `answer`, that answer after `delayMs`. */
  slow(delayMs: number, answer?: ScriptedResponse): ScriptedResponse {
    return { ...answer, delayMs };
  },
};

/** Exact path (`"/oauth/token"`), `"METHOD /path"`, a RegExp tested on the path, or a predicate. */
export type RequestMatcher = string | RegExp | ((request: RecordedRequest) => boolean);

export interface FakeParticipant {
  id: string;
  purpose: string;
  state?: string;
  queue?: { id: string };
  /** Initial attributes; afterwards `participantAttributes` is the source of truth. */
  attributes?: Record<string, string>;
}

export interface FakeAttachment {
  attachmentId: string;
  name: string;
  contentType: string;
  bytes: Uint8Array | string;
  inlineImage?: boolean;
  /** Serve the bytes chunked, without Content-Length (to exercise streamed size limits). */
  chunked?: boolean;
}

export interface FakeEmailMessage {
  id: string;
  subject?: string;
  textBody: string;
  htmlBody?: string;
  time?: string;
  attachments?: FakeAttachment[];
}

export interface FakeEmailConversation {
  id: string;
  participants: FakeParticipant[];
  messages: FakeEmailMessage[];
}

export interface FakeTransfer {
  conversationId: string;
  participantId: string;
  queueId: string;
  body: unknown;
}

export interface FakeAgentlessEmail {
  id: string;
  conversationId: string;
  body: Record<string, unknown>;
}

export interface GenesysFake {
  readonly apiBaseUrl: string;
  readonly loginBaseUrl: string;
  /** Base URL of the storage host serving signed download URLs. */
  readonly storageBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every request to any host, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every access token issued, in order (its length is the number of token requests granted). */
  readonly tokensIssued: string[];
  /** Seeded email conversations by id (prefer `seedConversation`). */
  readonly conversations: Map<string, FakeEmailConversation>;
  /** Participant attributes by `${conversationId}/${participantId}`, updated by PATCH. */
  readonly participantAttributes: Map<string, Record<string, string>>;
  /** Bodies of accepted replace/queue calls. */
  readonly transfers: FakeTransfer[];
  /** Accepted agentless emails. */
  readonly agentlessEmails: FakeAgentlessEmail[];
  /** Adds (or replaces) a conversation and initialises its participants' attributes. */
  seedConversation(conversation: FakeEmailConversation): void;
  /** Current attributes of one participant. */
  attributesOf(conversationId: string, participantId: string): Record<string, string> | undefined;
  /** The contentUri the fake reports for an attachment. */
  contentUriOf(attachmentId: string): string;
  /** Queues one-off responses for matching requests (any host), used before normal handling, in order. */
  script(matcher: RequestMatcher, responses: ScriptedResponse[]): void;
  /** Revokes every issued token: the next API call gets 401. */
  expireTokens(): void;
  /** Ends a seeded conversation: participants become `disconnected`, writes to it answer 404. */
  endConversation(conversationId: string): void;
  /** Requests whose path (or `"METHOD /path"`, RegExp, predicate) matches. */
  requestsTo(matcher: RequestMatcher): RecordedRequest[];
  /** Calls `listener` whenever a scripted `delayMs` starts holding a request's answer (e.g. to fake its timeout). */
  onHeld(listener: (request: RecordedRequest) => void): void;
  /** Requests to the API host only. */
  apiRequests(): RecordedRequest[];
  close(): Promise<void>;
}

type Reply = ScriptedResponse & { status: number; chunks?: Buffer[] };

export async function startGenesysFake(options: GenesysFakeOptions = {}): Promise<GenesysFake> {
  const clientId = options.clientId ?? FAKE_CLIENT_ID;
  const clientSecret = options.clientSecret ?? FAKE_CLIENT_SECRET;
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400;
  const signature = randomBytes(16).toString("hex");

  const requests: RecordedRequest[] = [];
  const tokensIssued: string[] = [];
  const validTokens = new Set<string>();
  const conversations = new Map<string, FakeEmailConversation>();
  const participantAttributes = new Map<string, Record<string, string>>();
  const transfers: FakeTransfer[] = [];
  const agentlessEmails: FakeAgentlessEmail[] = [];
  const scripts: { matcher: RequestMatcher; responses: ScriptedResponse[] }[] = [];
  const ended = new Set<string>();
  const pendingDelays = new Set<() => void>();
  const heldListeners: ((request: RecordedRequest) => void)[] = [];

  const servers = await Promise.all([listen("login"), listen("api"), listen("storage")]);
  const [loginBaseUrl, apiBaseUrl, storageBaseUrl] = servers.map((s) => s.baseUrl) as [string, string, string];

  const key = (conversationId: string, participantId: string) => `${conversationId}/${participantId}`;
  const contentUriOf = (attachmentId: string) => `${apiBaseUrl}/api/v2/downloads/${encodeURIComponent(attachmentId)}`;

  function listen(host: FakeHost): Promise<{ server: Server; baseUrl: string }> {
    const server = createServer((req, res) => {
      void handle(host, req, res).catch((error: unknown) => send(res, { status: 500, body: { message: String(error), code: "fake.error", status: 500 } }));
    });
    return new Promise((resolve) => {
      server.listen(0, "127.0.0.1", () => resolve({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
    });
  }

  async function handle(host: FakeHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const request: RecordedRequest = {
      host,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
    };
    // Recorded on arrival, so a request the client abandons while its body is read still counts.
    requests.push(request);
    request.body = parseBody(req.headers["content-type"], await readBody(req));
    const scripted = scripts.find((s) => s.responses.length > 0 && matches(s.matcher, request))?.responses.shift();
    if (scripted?.delayMs !== undefined && scripted.delayMs > 0) {
      const hold = held(scripted.delayMs, res);
      for (const listener of heldListeners) listener(request);
      if (!(await hold)) return;
    }
    const reply: Reply = scripted?.status !== undefined ? { ...scripted, status: scripted.status } : route(request);
    send(res, reply);
  }

  /** Waits `ms`; false (and nothing to send) when the client disconnected or the fake closed first. */
  function held(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (sent: boolean) => {
        clearTimeout(timer);
        res.off("close", onClose);
        pendingDelays.delete(onClose);
        resolve(sent);
      };
      const onClose = () => finish(false);
      const timer = setTimeout(() => finish(!res.destroyed), ms);
      res.on("close", onClose);
      pendingDelays.add(onClose);
    });
  }

  function route(request: RecordedRequest): Reply {
    if (request.host === "login") return token(request);
    if (request.host === "storage") return signedDownload(request);
    const auth = request.headers.authorization;
    if (auth === undefined || !auth.startsWith("Bearer ") || !validTokens.has(auth.slice(7))) {
      return error(401, "bad.credentials", "Invalid login credentials.");
    }
    const { method, path } = request;
    let m: RegExpExecArray | null;
    if (method === "GET" && (m = /^\/api\/v2\/conversations\/emails\/([^/]+)$/.exec(path))) {
      const conversation = conversations.get(decode(m[1]));
      if (conversation === undefined) return notFound();
      const isEnded = ended.has(conversation.id);
      return ok(200, {
        id: conversation.id,
        participants: conversation.participants.map((p) => ({
          ...p,
          ...(isEnded ? { state: "disconnected" } : {}),
          attributes: participantAttributes.get(key(conversation.id, p.id)) ?? {},
        })),
      });
    }
    if (method === "GET" && (m = /^\/api\/v2\/conversations\/emails\/([^/]+)\/messages$/.exec(path))) {
      const conversation = conversations.get(decode(m[1]));
      if (conversation === undefined) return notFound();
      return ok(200, {
        entities: conversation.messages.map(({ textBody, htmlBody: _html, ...rest }) => ({
          ...rest,
          textBodyPreview: textBody.slice(0, 100),
          attachments: rest.attachments?.map(describeAttachment),
        })),
      });
    }
    if (method === "GET" && (m = /^\/api\/v2\/conversations\/emails\/([^/]+)\/messages\/([^/]+)$/.exec(path))) {
      const message = conversations.get(decode(m[1]))?.messages.find((msg) => msg.id === decode(m?.[2]));
      if (message === undefined) return notFound();
      return ok(200, { ...message, attachments: message.attachments?.map(describeAttachment) });
    }
    if (method === "GET" && (m = /^\/api\/v2\/downloads\/([^/]+)$/.exec(path))) {
      const attachmentId = decode(m[1]);
      if (findAttachment(attachmentId) === undefined) return notFound();
      return { status: 302, headers: { location: `${storageBaseUrl}/signed/${encodeURIComponent(attachmentId)}?X-Amz-Signature=${signature}` } };
    }
    if (method === "PATCH" && (m = /^\/api\/v2\/conversations\/([^/]+)\/participants\/([^/]+)\/attributes$/.exec(path))) {
      const [conversationId, participantId] = [decode(m[1]), decode(m[2])];
      if (!hasParticipant(conversationId, participantId)) return notFound();
      const attributes = (request.body as { attributes?: unknown } | undefined)?.attributes;
      if (!isStringRecord(attributes)) return error(400, "bad.request", "attributes must be a map of string to string");
      participantAttributes.set(key(conversationId, participantId), { ...participantAttributes.get(key(conversationId, participantId)), ...attributes });
      return { status: 202 };
    }
    if (method === "POST" && (m = /^\/api\/v2\/conversations\/([^/]+)\/participants\/([^/]+)\/replace\/queue$/.exec(path))) {
      const [conversationId, participantId] = [decode(m[1]), decode(m[2])];
      if (!hasParticipant(conversationId, participantId)) return notFound();
      const queueId = (request.body as { queueId?: unknown } | undefined)?.queueId;
      if (typeof queueId !== "string" || queueId === "") return error(400, "bad.request", "queueId is required");
      transfers.push({ conversationId, participantId, queueId, body: request.body });
      return { status: 202 };
    }
    if (method === "POST" && path === "/api/v2/conversations/emails/agentless") {
      const body = request.body as Record<string, unknown> | undefined;
      const problem = agentlessProblem(body);
      if (problem !== undefined || body === undefined) return error(400, "bad.request", problem ?? "body required");
      const conversationId = typeof body.conversationId === "string" ? body.conversationId : randomUUID();
      const email = { id: randomUUID(), conversationId, body };
      agentlessEmails.push(email);
      return ok(202, { id: email.id, conversationId, selfUri: `/api/v2/conversations/emails/${conversationId}` });
    }
    return notFound();
  }

  function token(request: RecordedRequest): Reply {
    if (request.method !== "POST" || request.path !== "/oauth/token") return notFound();
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
    if (request.headers.authorization !== expected) return { status: 401, body: { error: "invalid_client", description: "client not found or bad secret" } };
    if ((request.body as { grant_type?: unknown } | undefined)?.grant_type !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type" } };
    }
    const accessToken = `fake-token-${tokensIssued.length + 1}-${randomBytes(12).toString("hex")}`;
    tokensIssued.push(accessToken);
    validTokens.add(accessToken);
    return ok(200, { access_token: accessToken, token_type: "bearer", expires_in: tokenLifetimeSeconds });
  }

  function signedDownload(request: RecordedRequest): Reply {
    const m = /^\/signed\/([^/]+)$/.exec(request.path);
    if (request.method !== "GET" || m === null) return notFound();
    if (request.headers.authorization !== undefined) {
      return { status: 400, headers: { "content-type": "text/plain" }, body: "InvalidArgument: Only one auth mechanism allowed" };
    }
    if (request.query["X-Amz-Signature"] !== signature) return { status: 403, headers: { "content-type": "text/plain" }, body: "SignatureDoesNotMatch" };
    const attachment = findAttachment(decode(m[1]));
    if (attachment === undefined) return notFound();
    const bytes = Buffer.from(attachment.bytes);
    if (attachment.chunked === true) {
      const chunks = [bytes.subarray(0, Math.ceil(bytes.length / 2)), bytes.subarray(Math.ceil(bytes.length / 2))];
      return { status: 200, headers: { "content-type": attachment.contentType }, chunks };
    }
    return { status: 200, headers: { "content-type": attachment.contentType }, body: bytes };
  }

  function describeAttachment(a: FakeAttachment) {
    return {
      attachmentId: a.attachmentId,
      name: a.name,
      contentType: a.contentType,
      contentLength: Buffer.from(a.bytes).length,
      contentUri: contentUriOf(a.attachmentId),
      inlineImage: a.inlineImage ?? false,
    };
  }

  function findAttachment(attachmentId: string): FakeAttachment | undefined {
    for (const conversation of conversations.values()) {
      for (const message of conversation.messages) {
        const found = message.attachments?.find((a) => a.attachmentId === attachmentId);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** A participant of a conversation that has not ended (writes are refused otherwise). */
  function hasParticipant(conversationId: string, participantId: string): boolean {
    if (ended.has(conversationId)) return false;
    return conversations.get(conversationId)?.participants.some((p) => p.id === participantId) ?? false;
  }

  return {
    apiBaseUrl,
    loginBaseUrl,
    storageBaseUrl,
    clientId,
    clientSecret,
    requests,
    tokensIssued,
    conversations,
    participantAttributes,
    transfers,
    agentlessEmails,
    seedConversation(conversation) {
      conversations.set(conversation.id, conversation);
      for (const p of conversation.participants) participantAttributes.set(key(conversation.id, p.id), { ...p.attributes });
    },
    attributesOf: (conversationId, participantId) => participantAttributes.get(key(conversationId, participantId)),
    contentUriOf,
    script(matcher, responses) {
      scripts.push({ matcher, responses: [...responses] });
    },
    expireTokens() {
      validTokens.clear();
    },
    endConversation(conversationId) {
      if (!conversations.has(conversationId)) throw new Error(`endConversation: no conversation ${conversationId} was seeded`);
      ended.add(conversationId);
    },
    requestsTo: (matcher) => requests.filter((r) => matches(matcher, r)),
    onHeld(listener) {
      heldListeners.push(listener);
    },
    apiRequests: () => requests.filter((r) => r.host === "api"),
    async close() {
      for (const release of [...pendingDelays]) release();
      await Promise.all(
        servers.map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function matches(matcher: RequestMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === "function") return matcher(request);
  if (matcher instanceof RegExp) return matcher.test(request.path);
  const withMethod = /^([A-Z]+) (\/.*)$/.exec(matcher);
  return withMethod === null ? request.path === matcher : request.method === withMethod[1] && request.path === withMethod[2];
}

function agentlessProblem(body: Record<string, unknown> | undefined): string | undefined {
  if (body === undefined || typeof body !== "object") return "body required";
  if (!["Outbound", "Inbound", "Integration"].includes(body.senderType as string)) return "senderType must be Outbound, Inbound or Integration";
  if (typeof (body.fromAddress as { email?: unknown } | undefined)?.email !== "string") return "fromAddress.email is required";
  if (!Array.isArray(body.toAddresses) || body.toAddresses.length !== 1) return "toAddresses must hold exactly one address";
  if (typeof body.subject !== "string") return "subject is required";
  return undefined;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

function decode(segment: string | undefined): string {
  return decodeURIComponent(segment ?? "");
}

function ok(status: number, body: unknown): Reply {
  return { status, body };
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: { message, code, status, contextId: randomUUID() } };
}

function notFound(): Reply {
  return error(404, "not.found", "The requested resource was not found.");
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  if (contentType?.includes("json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  return text;
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.chunked === true && reply.chunks === undefined && reply.body !== undefined) {
    const bytes = Buffer.from(typeof reply.body === "string" || reply.body instanceof Uint8Array ? reply.body : JSON.stringify(reply.body));
    if (!(typeof reply.body === "string" || reply.body instanceof Uint8Array)) headers["content-type"] ??= "application/json";
    reply = { ...reply, chunks: [bytes.subarray(0, Math.ceil(bytes.length / 2)), bytes.subarray(Math.ceil(bytes.length / 2))] };
  }
  if (reply.chunks !== undefined) {
    res.writeHead(reply.status, headers);
    for (const chunk of reply.chunks) res.write(chunk);
    res.end();
    return;
  }
  let payload: Buffer | undefined;
  if (reply.body instanceof Uint8Array) payload = Buffer.from(reply.body);
  else if (typeof reply.body === "string") payload = Buffer.from(reply.body);
  else if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body));
    headers["content-type"] ??= "application/json";
  }
  if (payload !== undefined) headers["content-length"] ??= String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(payload);
}
