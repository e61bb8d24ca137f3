/**
 * Preflight checks of one environment before a deploy (`npm run doctor -- <env>`): offline checks
 * always, read-only live checks against Genesys and AWS when credentials are present. Each check
 * gives one line: ok, fail (with the fix) or skip (with what it needs).
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { emailDomainOf, Environment } from "../../../config/environment";
import { functionsApiAccess } from "../../../constructs/genesys/runtime-needs";
import { GENESYS_REGION_DOMAINS } from "../../../functions/shared/genesys/regions";
import { GENESYS_API_OPERATIONS, parsePermission, permissionName, policiesAllow, policiesGrant } from "../../../functions/shared/genesys/permissions";
import { checkStackAgainstSchema } from "../check-genesys-schema";
import { GenesysAdminApi, GenesysAdminApiError, GenesysOAuthClient, GenesysRole } from "../genesys-admin-api";
import { namesOverLimits } from "./name-limits";
import { genesysTypesOf, terraformPermissionsFor } from "./terraform-client-rights";
import { TERRAFORM_INSTALL_URL, TERRAFORM_VERSION } from "../../../config/terraform";

export type CheckStatus = "ok" | "fail" | "skip";

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about a failure. */
  readonly fix?: string;
}

export interface SynthesizedStack {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, unknown>;
}

/** One file of config/environments/: validated, or the validation error. */
export type EnvironmentEntry = { readonly name: string; readonly environment: Environment } | { readonly name: string; readonly error: string };

export interface DoctorDependencies {
  /** Every environment definition (to count the email domains of environments that share an org). */
  readonly environments: readonly EnvironmentEntry[];
  readonly synthesize: (environment: Environment) => SynthesizedStack;
  readonly terraformVersion: () => Promise<string | undefined>;
  /** A Genesys client authenticated as Terraform's OAuth client; undefined without credentials. */
  readonly genesys?: (environment: Environment) => GenesysAdminApi;
  readonly sts: (environment: Environment) => STSClient;
}

export const CHECK_NAMES = [
  "configuration",
  "synthesis",
  "terraform",
  "lambda data action region",
  "email domains per org",
  "names",
  "genesys provider schema",
  "genesys credentials",
  "genesys org",
  "terraform client rights",
  "functions' role",
  "permission catalogue",
  "email domain count",
  "integration types",
  "aws account",
] as const;
type CheckName = (typeof CHECK_NAMES)[number];

const GENESYS_CREDENTIALS_NEEDED = "needs GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (Terraform's OAuth client)";
const SETUP = (env: string) => `run \`npm run genesys:setup -- ${env}\` as a Genesys administrator (docs/genesys-setup.md), then wait up to 5 minutes`;

const ok = (name: CheckName, detail: string): CheckResult => ({ name, status: "ok", detail });
const fail = (name: CheckName, detail: string, fix: string): CheckResult => ({ name, status: "fail", detail, fix });
const skip = (name: CheckName, detail: string): CheckResult => ({ name, status: "skip", detail });
const list = (items: readonly string[]) => (items.length ? items.join(", ") : "none");

/** A failed live call as a check result: a refused permission names it, anything else says what failed. */
function callFailed(name: CheckName, error: unknown, fixForRefusal: string): CheckResult {
  if (error instanceof GenesysAdminApiError) {
    if (error.refused) return fail(name, `Genesys refused ${error.method} ${error.path} (HTTP ${error.status}${error.genesysMessage ? `: ${error.genesysMessage}` : ""})`, fixForRefusal);
    return fail(name, error.message, "retry; if it persists, check Genesys Cloud status and genesys.region");
  }
  return fail(name, (error as Error).message, "retry; if it persists, report it with this output");
}

export async function runDoctor(environmentName: string, deps: DoctorDependencies): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const skipRest = (reason: string) => {
    for (const name of CHECK_NAMES) if (!results.some((r) => r.name === name)) results.push(skip(name, reason));
    return results;
  };

  // ---- configuration and synthesis ----
  const entry = deps.environments.find((e) => e.name === environmentName);
  if (!entry) {
    results.push(fail("configuration", `no config/environments/${environmentName}.json`, `create it (copy dev.json); environments: ${list(deps.environments.map((e) => e.name))}`));
    return skipRest("needs a valid configuration");
  }
  if ("error" in entry) {
    results.push(fail("configuration", entry.error, "correct the fields named above"));
    return skipRest("needs a valid configuration");
  }
  const environment = entry.environment;
  results.push(ok("configuration", `config/environments/${environmentName}.json is valid`));
  let stack: SynthesizedStack;
  try {
    stack = deps.synthesize(environment);
    const count = Object.values(stack.resource ?? {}).reduce((n, blocks) => n + Object.keys(blocks).length, 0);
    results.push(ok("synthesis", `the stack synthesizes (${count} resources)`));
  } catch (error) {
    results.push(fail("synthesis", (error as Error).message, "correct the setting named above"));
    return skipRest("needs a stack that synthesizes");
  }

  // ---- offline ----
  results.push(await terraformCheck(deps));
  results.push(lambdaRegionCheck(environment));
  results.push(emailDomainsPerOrgCheck(environment, deps.environments));
  results.push(namesCheck(stack));
  const schemaProblems = checkStackAgainstSchema(stack);
  results.push(
    schemaProblems.length === 0
      ? ok("genesys provider schema", "every genesyscloud block conforms to the vendored provider 1.84.1 schema")
      : fail("genesys provider schema", schemaProblems.slice(0, 5).join("; "), "correct the constructs that write these blocks"),
  );

  // ---- live: Genesys ----
  results.push(...(await genesysChecks(environment, stack, deps)));

  // ---- live: AWS ----
  results.push(await awsAccountCheck(environment, deps));
  return results;
}

async function terraformCheck(deps: DoctorDependencies): Promise<CheckResult> {
  const install = `install terraform ${TERRAFORM_VERSION} (${TERRAFORM_INSTALL_URL}) and put it on PATH`;
  const version = await deps.terraformVersion();
  if (version === undefined) return fail("terraform", "no terraform on PATH (cdktf diff/deploy/destroy run it)", install);
  if (version !== TERRAFORM_VERSION) {
    return fail("terraform", `terraform ${version} is installed; this project plans and applies with ${TERRAFORM_VERSION} (config/terraform.ts), the version the stacks require`, install);
  }
  return ok("terraform", `terraform ${version}, the pinned version`);
}

/**
 * A Lambda data action's function "must exist in the same AWS region as your Genesys Cloud
 * organization" (help.mypurecloud.com/articles/create-iam-resources-to-invoke-an-aws-lambda-function/,
 * read in its Spanish edition at es-help.mypurecloud.com). genesys.region names the org's AWS region.
 */
function lambdaRegionCheck(environment: Environment): CheckResult {
  const email = environment.emailRouting;
  if (!email.enabled || email.frontDoor !== "lambda") {
    return ok("lambda data action region", `not used (${email.enabled ? `front door ${email.frontDoor}` : "email routing off"}): any AWS region works`);
  }
  if (environment.aws.region !== environment.genesys.region) {
    return fail(
      "lambda data action region",
      `the classifier would run in ${environment.aws.region}, the Genesys org is in ${environment.genesys.region}; Genesys invokes Lambda data actions only in the org's region`,
      `set aws.region to ${environment.genesys.region}, or emailRouting.frontDoor to "api-gateway"`,
    );
  }
  return ok("lambda data action region", `the classifier runs in ${environment.aws.region}, the Genesys org's region, as Lambda data actions require`);
}

/**
 * An org may have `genesys.emailDomainLimit` email domains (2 by default, Genesys subdomains and custom
 * domains together) and the system creates one of them (help.mypurecloud.com/articles/use-organizations-email-domain-name,
 * .../email-rate-limits). Environments naming the same genesys.orgId share those.
 */
function emailDomainsPerOrgCheck(environment: Environment, entries: readonly EnvironmentEntry[]): CheckResult {
  const name = "email domains per org";
  if (!environment.emailRouting.enabled) return ok(name, "creates no email domain (email routing is off)");
  const own = emailDomainOf(environment.emailRouting);
  if (own.kind === "existing") return ok(name, `reuses ${own.name}; creates no domain`);
  const orgId = environment.genesys.orgId;
  const sharing = entries
    .flatMap((e) => ("environment" in e ? [e.environment] : []))
    .filter((e) => e.name === environment.name || (orgId !== undefined && e.genesys.orgId === orgId))
    .filter((e) => e.emailRouting.enabled && emailDomainOf(e.emailRouting).kind === "subdomain");
  const labels = sharing.map((e) => ({ env: e.name, label: (emailDomainOf(e.emailRouting) as { label: string }).label }));
  const clash = labels.filter((l) => l.label === own.label && l.env !== environment.name);
  if (clash.length) {
    return fail(name, `${[environment.name, ...clash.map((c) => c.env)].join(" and ")} all create subdomain "${own.label}" in org ${orgId}`, "give each environment its own emailDomainLabel, or let all but one reuse it with existingEmailDomain");
  }
  const limit = environment.genesys.emailDomainLimit;
  const scope = orgId === undefined ? `this environment (set genesys.orgId to count the others in the same org)` : `${sharing.length} environment(s) in org ${orgId} (${list(sharing.map((e) => e.name))})`;
  if (sharing.length > limit) {
    return fail(name, `${scope} create ${sharing.length} subdomains; the org may have ${limit} email domains`, "set emailRouting.existingEmailDomain (and drop emailDomainLabel) in all but one of them to reuse a domain");
  }
  const defaultNote = sharing.length === limit ? "uses every slot: only possible if the org's default domain was deleted" : "the org's default domain takes one more";
  return ok(name, `${scope}: ${sharing.length} subdomain(s) of ${limit} email domains (${defaultNote}; the live check counts the real ones)`);
}

function namesCheck(stack: SynthesizedStack): CheckResult {
  const { problems, checked } = namesOverLimits(stack);
  if (problems.length) {
    return fail(
      "names",
      problems.map((p) => `${p.address} "${p.value}" is ${p.length} characters, over ${p.limit.max} (${p.limit.source})`).join("; "),
      "shorten namePrefix, the environment name or the setting that makes this name",
    );
  }
  return ok("names", `${checked} AWS and Genesys names within their limits`);
}

async function genesysChecks(environment: Environment, stack: SynthesizedStack, deps: DoctorDependencies): Promise<CheckResult[]> {
  const liveNames: CheckName[] = ["genesys credentials", "genesys org", "terraform client rights", "functions' role", "permission catalogue", "email domain count", "integration types"];
  if (!deps.genesys) return liveNames.map((n) => skip(n, GENESYS_CREDENTIALS_NEEDED));
  const api = deps.genesys(environment);
  const results: CheckResult[] = [];
  const host = `login.${GENESYS_REGION_DOMAINS[environment.genesys.region]}`;

  // Credentials: a token, and who it belongs to.
  let clientId: string;
  try {
    const info = await api.tokenInfo();
    if (!info.OAuthClient?.id) throw new Error("the token names no OAuth client");
    clientId = info.OAuthClient.id;
    results.push(ok("genesys credentials", `a client-credentials token from ${host} for OAuth client "${info.OAuthClient.name ?? clientId}"`));
  } catch (error) {
    const refused = error instanceof GenesysAdminApiError && (error.status === 400 || error.refused) && error.path === "/oauth/token";
    results.push(
      refused
        ? fail("genesys credentials", `${host} refused GENESYSCLOUD_OAUTHCLIENT_ID/SECRET (${(error as Error).message})`, `use Terraform's client-credentials OAuth client of the org in genesys.region (${environment.genesys.region})`)
        : callFailed("genesys credentials", error, "use Terraform's client-credentials OAuth client"),
    );
    return [...results, ...liveNames.slice(1).map((n) => skip(n, "needs working Genesys credentials"))];
  }

  // Org.
  try {
    const org = await api.organization();
    const expected = environment.genesys.orgId;
    if (expected !== undefined && org.id !== expected) {
      results.push(fail("genesys org", `the credentials belong to org "${org.name ?? ""}" (${org.id}); genesys.orgId is ${expected}`, "use Terraform's OAuth client of the configured org, or correct genesys.orgId"));
    } else {
      results.push(ok("genesys org", `org "${org.name ?? ""}" (${org.id})${expected === undefined ? "; set genesys.orgId to pin it" : ", as configured"}`));
    }
  } catch (error) {
    results.push(callFailed("genesys org", error, "GET /api/v2/organizations/me needs no permission: check the credentials"));
  }

  // Terraform's client and its roles.
  const rightsFix = "give Terraform's OAuth client oauth:client:view and authorization:role:view (it needs both to deploy)";
  let terraformClient: GenesysOAuthClient | undefined;
  let heldRoles: GenesysRole[] = [];
  try {
    terraformClient = await api.oauthClient(clientId);
    heldRoles = await Promise.all([...new Set(terraformClient.roleDivisions.map((g) => g.roleId))].map((id) => api.role(id)));
    const needed = terraformPermissionsFor(genesysTypesOf(stack));
    const policies = heldRoles.flatMap((r) => r.permissionPolicies);
    const missing = needed.filter((p) => !policiesGrant(policies, parsePermission(p)));
    results.push(
      missing.length
        ? fail(
            "terraform client rights",
            `Terraform's OAuth client "${terraformClient.name}" lacks ${missing.length} permission(s) the stack's resources need: ${missing.join(", ")}`,
            "add them to a role of Terraform's OAuth client (Admin > Roles / Permissions; then Admin > Integrations > OAuth > the client > Roles); see docs/genesys-setup.md",
          )
        : ok("terraform client rights", `Terraform's OAuth client "${terraformClient.name}" holds the ${needed.length} permissions the stack's ${genesysTypesOf(stack).length} genesyscloud types need (roles: ${list(heldRoles.map((r) => r.name))})`),
    );
  } catch (error) {
    results.push(callFailed("terraform client rights", error, rightsFix));
  }

  // The functions' role.
  const access = functionsApiAccess(environment);
  if (access.kind === "none") results.push(ok("functions' role", "not needed: no enabled capability calls the Genesys API"));
  else if (access.kind === "existing-client") {
    results.push(ok("functions' role", `not managed here: the functions use the OAuth client in genesys.apiClientSecretArn (it needs: ${list(access.permissions.map(permissionName))})`));
  } else {
    try {
      const role = await api.roleNamed(access.roleName);
      if (!role) {
        results.push(fail("functions' role", `no role "${access.roleName}" in the org (the stack looks it up by name)`, SETUP(environment.name)));
      } else {
        const lacking = access.operations.filter((op) => !policiesAllow(role.permissionPolicies, op)).map((op) => {
          const p = (GENESYS_API_OPERATIONS[op] as { permission?: Parameters<typeof permissionName>[0] }).permission;
          return p ? permissionName(p) : op;
        });
        const granted = terraformClient?.roleDivisions.some((g) => g.roleId === role.id) ?? false;
        const wanted = new Set(access.permissions.map(permissionName));
        const extra = role.permissionPolicies.flatMap((p) => (p.actionSet ?? []).map((a) => `${p.domain}:${p.entityName}:${a}`)).filter((p) => !wanted.has(p));
        if (lacking.length) results.push(fail("functions' role", `role "${access.roleName}" lacks ${lacking.join(", ")}`, SETUP(environment.name)));
        else if (!terraformClient) {
          results.push(fail("functions' role", `role "${access.roleName}" holds what the functions need, but whether Terraform's OAuth client holds it is unknown (reading the client failed)`, rightsFix));
        } else if (!granted) {
          results.push(fail("functions' role", `Terraform's OAuth client "${terraformClient.name}" does not hold role "${access.roleName}", so it may not give it to the functions' client`, SETUP(environment.name)));
        } else {
          results.push(
            ok(
              "functions' role",
              `role "${access.roleName}" holds ${list([...wanted])}; Terraform's OAuth client holds it${extra.length ? `; it also holds ${extra.join(", ")}, more than the functions need (genesys:setup resets it)` : ""}`,
            ),
          );
        }
      }
    } catch (error) {
      results.push(callFailed("functions' role", error, rightsFix));
    }
  }

  // The permissions the stack asks for exist in this org. Provider 1.84.1 only logs an unknown
  // permission (auth_role validatePermissionPolicy), so nothing else would catch it.
  if (access.kind !== "managed-client" || access.permissions.length === 0) {
    results.push(ok("permission catalogue", "the stack asks for no Genesys permission"));
  } else {
    try {
      const catalogue = await api.permissionCatalogue(access.permissions.map((p) => p.domain));
      const absent = access.permissions.map(permissionName).filter((p) => !catalogue.has(p));
      results.push(
        absent.length
          ? fail("permission catalogue", `not in this org's permission catalogue: ${absent.join(", ")}`, "the org lacks the product that provides them: ask your Genesys administrator or Genesys Customer Care")
          : ok("permission catalogue", `${list(access.permissions.map(permissionName))} exist in this org`),
      );
    } catch (error) {
      results.push(callFailed("permission catalogue", error, "GET /api/v2/authorization/permissions needs no permission: check the credentials"));
    }
  }

  results.push(await emailDomainCountCheck(environment, api));
  results.push(await integrationTypesCheck(stack, api));
  return results;
}

async function emailDomainCountCheck(environment: Environment, api: GenesysAdminApi): Promise<CheckResult> {
  const name = "email domain count";
  if (!environment.emailRouting.enabled) return ok(name, "email routing is off");
  const choice = emailDomainOf(environment.emailRouting);
  let domains;
  try {
    domains = await api.emailDomains();
  } catch (error) {
    return callFailed(name, error, "give Terraform's OAuth client routing:email:manage (it needs it to deploy)");
  }
  const ids = domains.map((d) => d.id.toLowerCase());
  const limit = environment.genesys.emailDomainLimit;
  if (choice.kind === "existing") {
    return ids.includes(choice.name)
      ? ok(name, `reuses ${choice.name}, which exists (${domains.length} of ${limit} domains in use)`)
      : fail(name, `no email domain ${choice.name} in the org (domains: ${list(ids)})`, "set emailRouting.existingEmailDomain to one of them, or create the domain first");
  }
  const mine = domains.find((d) => d.subDomain !== false && d.id.toLowerCase().startsWith(`${choice.label}.`));
  if (mine) return ok(name, `${mine.id} exists already (this environment's, if it is deployed); ${domains.length} of ${limit} domains in use`);
  if (domains.length + 1 > limit) {
    return fail(
      name,
      `the org has ${domains.length} of ${limit} email domains (${list(ids)}); creating "${choice.label}" would exceed the limit`,
      "reuse one: set emailRouting.existingEmailDomain to it and drop emailDomainLabel; or delete an unused domain",
    );
  }
  return ok(name, `${domains.length} of ${limit} email domains in use; this environment adds "${choice.label}"`);
}

async function integrationTypesCheck(stack: SynthesizedStack, api: GenesysAdminApi): Promise<CheckResult> {
  const name = "integration types";
  const types = [...new Set(Object.values(stack.resource?.genesyscloud_integration ?? {}).map((i) => String(i.integration_type)))].sort();
  if (types.length === 0) return ok(name, "the stack installs no integration");
  const unavailable: string[] = [];
  try {
    for (const type of types) {
      try {
        const found = await api.integrationType(type);
        if (found.nonInstallable) unavailable.push(`${type} (not installable)`);
      } catch (error) {
        if (error instanceof GenesysAdminApiError && error.status === 404) unavailable.push(`${type} (not available)`);
        else throw error;
      }
    }
  } catch (error) {
    return callFailed(name, error, "give Terraform's OAuth client integrations:integration:view (it needs it to deploy)");
  }
  return unavailable.length
    ? fail(name, `this org cannot install ${unavailable.join(", ")}`, "enable the integration for the org (Admin > Integrations; for Amazon EventBridge and AWS Lambda data actions, the org's product or AppFoundry listing) or switch the capability off")
    : ok(name, `${types.join(", ")} available`);
}

async function awsAccountCheck(environment: Environment, deps: DoctorDependencies): Promise<CheckResult> {
  const name = "aws account";
  try {
    const identity = await deps.sts(environment).send(new GetCallerIdentityCommand({}));
    if (identity.Account !== environment.aws.accountId) {
      return fail(name, `the AWS credentials are for account ${identity.Account} (${identity.Arn ?? "unknown principal"}); aws.accountId is ${environment.aws.accountId}`, `use a profile or role of account ${environment.aws.accountId}`);
    }
    return ok(name, `credentials for account ${identity.Account} (${identity.Arn ?? "unknown principal"}), as configured`);
  } catch (error) {
    const e = error as Error;
    if (e.name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message)) return skip(name, "needs AWS credentials (the default chain: AWS_PROFILE, environment, SSO or a role)");
    return fail(name, `STS GetCallerIdentity failed: ${e.message}`, "check the AWS credentials and network");
  }
}

/** One line per check. */
export function formatResults(results: readonly CheckResult[]): string {
  const lines = results.map((r) => `${r.status.padEnd(4)}  ${r.name}: ${r.detail}${r.fix ? ` -- fix: ${r.fix}` : ""}`);
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  lines.push(`${count("ok")} ok, ${count("fail")} failed, ${count("skip")} skipped`);
  return lines.join("\n");
}

export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}
