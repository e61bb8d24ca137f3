/**
 * A small client for the read-mostly Genesys Platform API calls of the doctor and the org set-up:
 * admin endpoints the Lambdas never call. Every operation here is documented in the Platform API
 * reference (platform-client-sdk-javascript 259.0.0 `build/docs/<Api>.md`, cited per method with the
 * permission it needs). Tokens and secrets never appear in errors or output.
 */
import { z } from "zod";
import { GENESYS_REGION_DOMAINS, GenesysRegion } from "../../functions/shared/genesys/regions";

export type GenesysAdminAuth =
  /** An OAuth client with the client-credentials grant (e.g. Terraform's). */
  | { readonly kind: "client-credentials"; readonly clientId: string; readonly clientSecret: string }
  /** A bearer token obtained elsewhere (e.g. an administrator's user token). */
  | { readonly kind: "access-token"; readonly token: string };

export interface GenesysAdminApiOptions {
  readonly auth: GenesysAdminAuth;
  /** API host `https://api.<domain>` and login host `https://login.<domain>` of the org's region. */
  readonly region?: GenesysRegion;
  /** Explicit hosts (the local fake in tests); each overrides the region's. */
  readonly apiBaseUrl?: string;
  readonly loginBaseUrl?: string;
  /** Per request, including the body (default 15 s). */
  readonly timeoutMs?: number;
  /** Attempts for 429 (all methods) and 5xx (GET only); default 3. */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A refused or failed call, with the HTTP status and Genesys' own message (never a token). */
export class GenesysAdminApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly genesysMessage: string | undefined,
  ) {
    super(`${method} ${path}: HTTP ${status}${genesysMessage ? `: ${genesysMessage}` : ""}`);
    this.name = "GenesysAdminApiError";
  }

  /** The caller lacks a permission (403) or the token was refused (401). */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

const MAX_RETRY_AFTER_SECONDS = 10;
const MAX_MESSAGE_CHARS = 300;

/** Genesys' ErrorBody {message}; the login host answers OAuth-style {error, description|error_description}. */
const errorBody = z
  .object({ message: z.string().optional(), error: z.string().optional(), description: z.string().optional(), error_description: z.string().optional() })
  .transform((b) => b.message ?? b.description ?? b.error_description ?? b.error);
const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
const pageOf = <T extends z.ZodType>(entity: T) =>
  z.object({ entities: z.array(entity).default([]), total: z.number().optional(), pageCount: z.number().optional() });

export const permissionPolicySchema = z.object({
  domain: z.string().optional(),
  entityName: z.string().optional(),
  actionSet: z.array(z.string()).optional(),
});
export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  permissionPolicies: z.array(permissionPolicySchema).default([]),
});
export type GenesysRole = z.infer<typeof roleSchema>;
const roleDivisionSchema = z.object({ roleId: z.string(), divisionId: z.string() });
export const oauthClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  authorizedGrantType: z.string().optional(),
  roleDivisions: z.array(roleDivisionSchema).default([]),
});
export type GenesysOAuthClient = z.infer<typeof oauthClientSchema>;
const tokenInfoSchema = z.object({
  organization: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  OAuthClient: z.object({ id: z.string(), name: z.string().optional() }).optional(),
});
const organizationSchema = z.object({ id: z.string(), name: z.string().optional() });
const divisionSchema = z.object({ id: z.string(), name: z.string().optional() });
const permissionCollectionSchema = z.object({
  domain: z.string().optional(),
  permissionMap: z.record(z.string(), z.array(z.object({ domain: z.string().optional(), entityType: z.string().optional(), action: z.string() }))).default({}),
});
const emailDomainSchema = z.object({ id: z.string(), name: z.string().optional(), subDomain: z.boolean().optional() });
export type GenesysEmailDomain = z.infer<typeof emailDomainSchema>;
const integrationTypeSchema = z.object({ id: z.string(), name: z.string().optional(), nonInstallable: z.boolean().optional() });

export interface RolePolicyInput {
  domain: string;
  entityName: string;
  actionSet: string[];
}

export class GenesysAdminApi {
  private readonly apiBase: string;
  private readonly loginBase: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private token: Promise<string> | undefined;

  constructor(private readonly options: GenesysAdminApiOptions) {
    const domain = options.region === undefined ? undefined : GENESYS_REGION_DOMAINS[options.region];
    const api = options.apiBaseUrl ?? (domain && `https://api.${domain}`);
    const login = options.loginBaseUrl ?? (domain && `https://login.${domain}`);
    if (!api || !login) throw new Error("GenesysAdminApi needs a region, or both apiBaseUrl and loginBaseUrl");
    this.apiBase = api.replace(/\/+$/, "");
    this.loginBase = login.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The login host, for messages. */
  get loginHost(): string {
    return new URL(this.loginBase).host;
  }

  // ---- operations ------------------------------------------------------------------------------

  /** GET /api/v2/tokens/me (TokensApi.md: Requires NO permissions). */
  tokenInfo() {
    return this.get("/api/v2/tokens/me", {}, tokenInfoSchema);
  }

  /** GET /api/v2/organizations/me (OrganizationApi.md: Requires NO permissions). */
  organization() {
    return this.get("/api/v2/organizations/me", {}, organizationSchema);
  }

  /** GET /api/v2/oauth/clients/{clientId} (OAuthApi.md: ANY oauth:client:view). */
  oauthClient(clientId: string) {
    return this.get(`/api/v2/oauth/clients/${encodeURIComponent(clientId)}`, {}, oauthClientSchema);
  }

  /** GET /api/v2/authorization/roles/{roleId}?userCount=false (AuthorizationApi.md: ANY authorization:role:view). */
  role(roleId: string) {
    return this.get(`/api/v2/authorization/roles/${encodeURIComponent(roleId)}`, { userCount: "false" }, roleSchema);
  }

  /**
   * The role with exactly this name, if any: GET /api/v2/authorization/roles?name=…&userCount=false,
   * every page (AuthorizationApi.md: ANY authorization:role:view). The `name` filter may match more
   * than the exact name, so the result is filtered here.
   */
  async roleNamed(name: string): Promise<GenesysRole | undefined> {
    const roles = await this.allPages("/api/v2/authorization/roles", { name, userCount: "false" }, roleSchema);
    return roles.find((r) => r.name === name);
  }

  /** POST /api/v2/authorization/roles (AuthorizationApi.md: ANY authorization:role:add). */
  createRole(role: { name: string; description: string; permissionPolicies: RolePolicyInput[] }) {
    return this.send("POST", "/api/v2/authorization/roles", {}, role, roleSchema);
  }

  /** PUT /api/v2/authorization/roles/{roleId} (AuthorizationApi.md: ANY authorization:role:edit). */
  updateRole(roleId: string, role: { name: string; description: string; permissionPolicies: RolePolicyInput[] }) {
    return this.send("PUT", `/api/v2/authorization/roles/${encodeURIComponent(roleId)}`, {}, role, roleSchema);
  }

  /** GET /api/v2/authorization/divisions/home (AuthorizationApi.md: Requires NO permissions). */
  homeDivision() {
    return this.get("/api/v2/authorization/divisions/home", {}, divisionSchema);
  }

  /**
   * POST /api/v2/authorization/subjects/{subjectId}/bulkadd?subjectType=PC_OAUTH_CLIENT with
   * RoleDivisionGrants {grants:[{roleId, divisionId}]} (AuthorizationApi.md: ALL authorization:grant:add;
   * subjectType is one of PC_GROUP, PC_USER, PC_OAUTH_CLIENT). No response body.
   */
  async grantRolesToClient(clientId: string, grants: Array<{ roleId: string; divisionId: string }>): Promise<void> {
    await this.send("POST", `/api/v2/authorization/subjects/${encodeURIComponent(clientId)}/bulkadd`, { subjectType: "PC_OAUTH_CLIENT" }, { grants }, undefined);
  }

  /**
   * Every permission of the given domains in the org's catalogue, as `domain:entity:action`:
   * GET /api/v2/authorization/permissions?queryType=domain&query=<d>, every page
   * (AuthorizationApi.md: Requires NO permissions). Matching is exact and case-sensitive, as the
   * provider's auth_role validation does.
   */
  async permissionCatalogue(domains: readonly string[]): Promise<Set<string>> {
    const names = new Set<string>();
    for (const domain of [...new Set(domains)].sort()) {
      const collections = await this.allPages("/api/v2/authorization/permissions", { queryType: "domain", query: domain }, permissionCollectionSchema);
      for (const collection of collections) {
        for (const [entity, permissions] of Object.entries(collection.permissionMap)) {
          for (const p of permissions) names.add(`${p.domain ?? collection.domain ?? domain}:${p.entityType ?? entity}:${p.action}`);
        }
      }
    }
    return names;
  }

  /** GET /api/v2/routing/email/domains, every page (RoutingApi.md: ALL routing:email:manage). */
  emailDomains(): Promise<GenesysEmailDomain[]> {
    return this.allPages("/api/v2/routing/email/domains", { excludeStatus: "true" }, emailDomainSchema);
  }

  /** GET /api/v2/integrations/types/{typeId} (IntegrationsApi.md: ANY integrations:integration:view). */
  integrationType(typeId: string) {
    return this.get(`/api/v2/integrations/types/${encodeURIComponent(typeId)}`, {}, integrationTypeSchema);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private async allPages<T extends z.ZodType>(path: string, query: Record<string, string>, entity: T): Promise<Array<z.infer<T>>> {
    const all: Array<z.infer<T>> = [];
    for (let page = 1; ; page++) {
      const listing = await this.get(path, { ...query, pageSize: "100", pageNumber: String(page) }, pageOf(entity));
      all.push(...(listing.entities as Array<z.infer<T>>));
      const pageCount = listing.pageCount ?? 1;
      if (page >= pageCount || listing.entities.length === 0 || page >= 100) return all;
    }
  }

  private get<T extends z.ZodType>(path: string, query: Record<string, string>, schema: T): Promise<z.infer<T>> {
    return this.send("GET", path, query, undefined, schema) as Promise<z.infer<T>>;
  }

  private async send<T extends z.ZodType>(
    method: "GET" | "POST" | "PUT",
    path: string,
    query: Record<string, string>,
    body: unknown,
    schema: T | undefined,
  ): Promise<z.infer<T>> {
    const url = `${this.apiBase}${path}${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ""}`;
    const response = await this.request(method, path, url, async () => ({
      authorization: `Bearer ${await this.accessToken()}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    }), body === undefined ? undefined : JSON.stringify(body));
    const text = await response.text();
    if (schema === undefined) return undefined as z.infer<T>;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new GenesysAdminApiError(method, path, response.status, "the response is not JSON");
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new GenesysAdminApiError(method, path, response.status, `unexpected response: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    return parsed.data;
  }

  private accessToken(): Promise<string> {
    const auth = this.options.auth;
    if (auth.kind === "access-token") return Promise.resolve(auth.token);
    this.token ??= (async () => {
      const path = "/oauth/token";
      const response = await this.request(
        "POST",
        path,
        `${this.loginBase}${path}`,
        async () => ({
          authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        }),
        "grant_type=client_credentials",
      );
      const parsed = tokenResponse.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new GenesysAdminApiError("POST", path, response.status, "the token response has no access_token");
      return parsed.data.access_token;
    })();
    this.token.catch(() => (this.token = undefined));
    return this.token;
  }

  /** One request with retries; any non-2xx after them becomes a GenesysAdminApiError. */
  private async request(method: string, path: string, url: string, headers: () => Promise<Record<string, string>>, body: string | undefined): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { method, headers: await headers(), body, signal: AbortSignal.timeout(this.timeoutMs), redirect: "error" });
      } catch (error) {
        if (error instanceof GenesysAdminApiError) throw error;
        if (method === "GET" && attempt < this.maxAttempts) continue;
        throw new GenesysAdminApiError(method, path, 0, `no response from ${new URL(url).host}: ${(error as Error).message}`);
      }
      if (response.ok) return response;
      const retryable = response.status === 429 || (method === "GET" && response.status >= 500);
      if (retryable && attempt < this.maxAttempts) {
        const retryAfter = Number(response.headers.get("retry-after"));
        await response.body?.cancel();
        if (Number.isFinite(retryAfter) && retryAfter > MAX_RETRY_AFTER_SECONDS) {
          throw new GenesysAdminApiError(method, path, response.status, `rate limited for ${retryAfter} s; try again later`);
        }
        await this.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 500 * attempt);
        continue;
      }
      const text = await response.text().catch(() => "");
      let message: string | undefined;
      try {
        message = errorBody.parse(JSON.parse(text));
      } catch {
        message = text.trim() || undefined;
      }
      throw new GenesysAdminApiError(method, path, response.status, message?.slice(0, MAX_MESSAGE_CHARS));
    }
  }
}
