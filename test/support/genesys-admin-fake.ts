/**
 * A local HTTP fake of the Genesys Cloud admin endpoints the doctor and the org set-up call, for
 * tests. One node:http server on 127.0.0.1 plays both the login host and the API host. Shapes and
 * required permissions follow the Platform API reference (platform-client-sdk-javascript 259.0.0,
 * build/docs/*Api.md and build/index.d.ts); every endpoint below is documented there:
 *
 * - login `POST /oauth/token` (client credentials, Basic auth)
 * - `GET /api/v2/tokens/me`, `GET /api/v2/organizations/me`, `GET /api/v2/authorization/divisions/home`,
 *   `GET /api/v2/authorization/permissions` (queryType=domain): no permission
 * - `GET /api/v2/oauth/clients/{id}`: oauth:client:view
 * - `GET /api/v2/authorization/roles` (name filter), `GET /api/v2/authorization/roles/{id}`: authorization:role:view
 * - `POST /api/v2/authorization/roles`: authorization:role:add; `PUT /api/v2/authorization/roles/{id}`: authorization:role:edit
 * - `POST /api/v2/authorization/subjects/{id}/bulkadd?subjectType=PC_OAUTH_CLIENT`: authorization:grant:add
 * - `GET /api/v2/routing/email/domains`: routing:email:manage
 * - `GET /api/v2/integrations/types/{id}`: integrations:integration:view
 *
 * A caller's permissions are those of the roles its OAuth client holds (or those given to a user
 * token from `issueUserToken`); a missing permission answers 403 as Genesys does. Errors use the
 * ErrorBody shape `{message, code, status}`. Requests are recorded; `failNext` queues one-off answers.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { parsePermission, policiesGrant } from "../../functions/shared/genesys/permissions";

export interface FakePolicy {
  domain: string;
  entityName: string;
  actionSet: string[];
}
export interface FakeRole {
  id: string;
  name: string;
  description?: string;
  permissionPolicies: FakePolicy[];
}
export interface FakeOAuthClient {
  id: string;
  secret: string;
  name: string;
  authorizedGrantType: string;
  roleDivisions: Array<{ roleId: string; divisionId: string }>;
}
export interface FakeEmailDomain {
  id: string;
  subDomain: boolean;
}
export interface FakeIntegrationType {
  id: string;
  name: string;
  nonInstallable?: boolean;
}

export interface AdminFakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The OAuth client or user token that made the call (undefined for the token endpoint). */
  caller?: string;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Every permission of a role, as `domain:entity:action` strings, turned into policies. */
export function policiesOf(permissions: readonly string[]): FakePolicy[] {
  const byEntity = new Map<string, FakePolicy>();
  for (const name of permissions) {
    const p = parsePermission(name);
    const key = `${p.domain}:${p.entityName}`;
    const policy = byEntity.get(key) ?? { domain: p.domain, entityName: p.entityName, actionSet: [] };
    policy.actionSet.push(p.action);
    byEntity.set(key, policy);
  }
  return [...byEntity.values()];
}

export class GenesysAdminFake {
  readonly org = { id: randomUUID(), name: "acme-sandbox" };
  readonly homeDivision = { id: randomUUID(), name: "Home" };
  readonly clients = new Map<string, FakeOAuthClient>();
  readonly roles = new Map<string, FakeRole>();
  /** The org's permission catalogue, `domain:entity:action`. */
  readonly catalogue = new Set<string>();
  readonly emailDomains: FakeEmailDomain[] = [];
  readonly integrationTypes = new Map<string, FakeIntegrationType>();
  readonly requests: AdminFakeRequest[] = [];
  private readonly tokens = new Map<string, { subject: string; userPermissions?: string[] }>();
  private readonly scripted: Array<{ match: (r: AdminFakeRequest) => boolean; answer: ScriptedAnswer }> = [];
  private server: Server | undefined;
  private baseUrl = "";

  get apiBaseUrl(): string {
    return this.baseUrl;
  }

  get loginBaseUrl(): string {
    return this.baseUrl;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { message: `fake error: ${(error as Error).message}`, status: 500 }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())) ?? resolve());
  }

  addRole(name: string, permissions: readonly string[], id: string = randomUUID()): FakeRole {
    const role = { id, name, permissionPolicies: policiesOf(permissions) };
    this.roles.set(id, role);
    return role;
  }

  /** A client-credentials OAuth client holding the given roles in the home division. */
  addClient(name: string, roles: readonly FakeRole[] = []): FakeOAuthClient {
    const client = {
      id: randomUUID(),
      secret: randomBytes(16).toString("hex"),
      name,
      authorizedGrantType: "CLIENT-CREDENTIALS",
      roleDivisions: roles.map((r) => ({ roleId: r.id, divisionId: this.homeDivision.id })),
    };
    this.clients.set(client.id, client);
    return client;
  }

  /** A bearer token of a user with these permissions (e.g. an administrator's). */
  issueUserToken(permissions: readonly string[]): string {
    const token = randomBytes(24).toString("hex");
    this.tokens.set(token, { subject: "user:admin", userPermissions: [...permissions] });
    return token;
  }

  /** The next request matching `method path` (path without query) gets this answer instead. */
  failNext(methodAndPath: string, answer: ScriptedAnswer): void {
    const [method, path] = methodAndPath.split(" ");
    this.scripted.push({ match: (r) => r.method === method && r.path === path, answer });
  }

  /** The calls that changed something (POST/PUT to the API). */
  writes(): AdminFakeRequest[] {
    return this.requests.filter((r) => r.method !== "GET" && r.path !== "/oauth/token");
  }

  // ---- request handling -------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const raw = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const body = raw === "" ? undefined : contentType.includes("json") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    const request: AdminFakeRequest = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    if (request.path === "/oauth/token") {
      this.requests.push(request);
      return this.issueToken(req, request, res);
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const session = bearer === undefined ? undefined : this.tokens.get(bearer);
    request.caller = session?.subject;
    this.requests.push(request);
    const scripted = this.scripted.findIndex((s) => s.match(request));
    if (scripted >= 0) {
      const { answer } = this.scripted.splice(scripted, 1)[0]!;
      return send(res, answer.status, answer.body, answer.headers);
    }
    if (!session) return send(res, 401, { message: "Invalid login credentials.", code: "authentication.required", status: 401 });
    const can = (permission: string) => this.permits(session, permission);
    const deny = (permission: string) => send(res, 403, { message: `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`, code: "missing.permissions", status: 403 });
    const notFound = (what: string) => send(res, 404, { message: `${what} not found`, code: "not.found", status: 404 });
    const { method, path, query } = request;
    let m: RegExpExecArray | null;

    if (method === "GET" && path === "/api/v2/tokens/me") {
      const client = this.clients.get(session.subject);
      return send(res, 200, {
        organization: this.org,
        homeOrganization: this.org,
        OAuthClient: client
          ? { id: client.id, name: client.name, authorizedGrantType: client.authorizedGrantType, organization: { id: this.org.id } }
          : { id: "developer-tools", name: "Developer Tools", authorizedGrantType: "TOKEN", organization: { id: "purecloud-builtin" } },
      });
    }
    if (method === "GET" && path === "/api/v2/organizations/me") return send(res, 200, { ...this.org, domain: "acme", version: 3, state: "active" });
    if (method === "GET" && path === "/api/v2/authorization/divisions/home") return send(res, 200, { ...this.homeDivision, homeDivision: true, description: "" });
    if (method === "GET" && path === "/api/v2/authorization/permissions") {
      const domains = query.queryType === "domain" && query.query ? query.query.split(",") : [...new Set([...this.catalogue].map((p) => p.split(":")[0]!))];
      const collections = domains
        .map((domain) => {
          const permissionMap: Record<string, Array<{ domain: string; entityType: string; action: string; label: string }>> = {};
          for (const name of [...this.catalogue].filter((p) => p.startsWith(`${domain}:`))) {
            const p = parsePermission(name);
            (permissionMap[p.entityName] ??= []).push({ domain: p.domain, entityType: p.entityName, action: p.action, label: p.action });
          }
          return { id: domain, name: domain, domain, permissionMap };
        })
        .filter((c) => Object.keys(c.permissionMap).length > 0);
      return send(res, 200, page(collections, query));
    }
    if (method === "GET" && (m = /^\/api\/v2\/oauth\/clients\/([^/]+)$/.exec(path))) {
      if (!can("oauth:client:view")) return deny("oauth:client:view");
      const client = this.clients.get(decodeURIComponent(m[1]!));
      if (!client) return notFound("OAuth client");
      const { secret: _secret, ...visible } = client;
      return send(res, 200, { ...visible, state: "active", accessTokenValiditySeconds: 86400 });
    }
    if (method === "GET" && path === "/api/v2/authorization/roles") {
      if (!can("authorization:role:view")) return deny("authorization:role:view");
      const filter = (query.name ?? "").toLowerCase();
      return send(res, 200, page([...this.roles.values()].filter((r) => r.name.toLowerCase().includes(filter)), query));
    }
    if (method === "GET" && (m = /^\/api\/v2\/authorization\/roles\/([^/]+)$/.exec(path))) {
      if (!can("authorization:role:view")) return deny("authorization:role:view");
      const role = this.roles.get(decodeURIComponent(m[1]!));
      return role ? send(res, 200, role) : notFound("Role");
    }
    if (method === "POST" && path === "/api/v2/authorization/roles") {
      if (!can("authorization:role:add")) return deny("authorization:role:add");
      const input = body as Partial<FakeRole>;
      if (!input?.name) return send(res, 400, { message: "name is required", code: "bad.request", status: 400 });
      if ([...this.roles.values()].some((r) => r.name === input.name)) return send(res, 409, { message: `A role named ${input.name} already exists`, code: "conflict", status: 409 });
      const role = { id: randomUUID(), name: input.name, description: input.description, permissionPolicies: input.permissionPolicies ?? [] };
      this.roles.set(role.id, role);
      return send(res, 200, role);
    }
    if (method === "PUT" && (m = /^\/api\/v2\/authorization\/roles\/([^/]+)$/.exec(path))) {
      if (!can("authorization:role:edit")) return deny("authorization:role:edit");
      const role = this.roles.get(decodeURIComponent(m[1]!));
      if (!role) return notFound("Role");
      const input = body as Partial<FakeRole>;
      if (!input?.name) return send(res, 400, { message: "name is required", code: "bad.request", status: 400 });
      Object.assign(role, { name: input.name, description: input.description, permissionPolicies: input.permissionPolicies ?? [] });
      return send(res, 200, role);
    }
    if (method === "POST" && (m = /^\/api\/v2\/authorization\/subjects\/([^/]+)\/bulkadd$/.exec(path))) {
      if (!can("authorization:grant:add")) return deny("authorization:grant:add");
      if (query.subjectType !== "PC_OAUTH_CLIENT") return send(res, 400, { message: "this fake grants to OAuth clients only", code: "bad.request", status: 400 });
      const client = this.clients.get(decodeURIComponent(m[1]!));
      if (!client) return notFound("Subject");
      const grants = (body as { grants?: Array<{ roleId: string; divisionId: string }> })?.grants ?? [];
      for (const grant of grants) {
        if (!this.roles.has(grant.roleId)) return send(res, 400, { message: `role ${grant.roleId} does not exist`, code: "bad.request", status: 400 });
        if (!client.roleDivisions.some((g) => g.roleId === grant.roleId && g.divisionId === grant.divisionId)) client.roleDivisions.push({ ...grant });
      }
      return send(res, 204, undefined);
    }
    if (method === "GET" && path === "/api/v2/routing/email/domains") {
      if (!can("routing:email:manage")) return deny("routing:email:manage");
      return send(res, 200, page(this.emailDomains.map((d) => ({ id: d.id, name: d.id, subDomain: d.subDomain, mxRecordStatus: "VALID" })), query));
    }
    if (method === "GET" && (m = /^\/api\/v2\/integrations\/types\/([^/]+)$/.exec(path))) {
      if (!can("integrations:integration:view")) return deny("integrations:integration:view");
      const type = this.integrationTypes.get(decodeURIComponent(m[1]!));
      return type ? send(res, 200, { ...type, provider: "genesys", category: "integration" }) : notFound("Integration type");
    }
    return send(res, 404, { message: `no such endpoint in the fake: ${method} ${path}`, code: "not.found", status: 404 });
  }

  private issueToken(req: IncomingMessage, request: AdminFakeRequest, res: ServerResponse): void {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [id, secret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    const client = id === undefined ? undefined : this.clients.get(id);
    if ((request.body as Record<string, string> | undefined)?.grant_type !== "client_credentials") {
      return send(res, 400, { error: "unsupported_grant_type", description: "grant_type must be client_credentials" });
    }
    if (!client || client.secret !== secret) return send(res, 401, { error: "invalid_client", description: "client not found or bad secret" });
    const token = randomBytes(24).toString("hex");
    this.tokens.set(token, { subject: client.id });
    send(res, 200, { access_token: token, token_type: "bearer", expires_in: 86400 });
  }

  private permits(session: { subject: string; userPermissions?: string[] }, permission: string): boolean {
    const wanted = parsePermission(permission);
    if (session.userPermissions) return policiesGrant(policiesOf(session.userPermissions), wanted);
    const client = this.clients.get(session.subject);
    const policies = (client?.roleDivisions ?? []).flatMap((g) => this.roles.get(g.roleId)?.permissionPolicies ?? []);
    return policiesGrant(policies, wanted);
  }
}

export function startGenesysAdminFake(): Promise<GenesysAdminFake> {
  return new GenesysAdminFake().start();
}

function page<T>(items: T[], query: Record<string, string>) {
  const pageSize = Math.max(1, Number(query.pageSize ?? 25));
  const pageNumber = Math.max(1, Number(query.pageNumber ?? 1));
  return {
    entities: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageSize,
    pageNumber,
    total: items.length,
    pageCount: Math.max(1, Math.ceil(items.length / pageSize)),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { "content-type": "application/json" } : {}), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
