/**
 * One-time, idempotent Genesys org set-up for one environment (docs/genesys-setup.md):
 *
 *   npm run genesys:setup -- <env> [--terraform-client-id <id>] [--dry-run]
 *
 * 1. creates the functions' role `<prefix>-<env>-functions` with exactly the permissions the enabled
 *    capabilities' API calls need (functions/shared/genesys/permissions.ts), or resets an existing
 *    role of that name to them;
 * 2. grants that role, in the home division, to Terraform's own OAuth client.
 *
 * Why: with a client-credentials Terraform client, provider 1.84.1 cannot give itself a role it
 * creates, and no 1.84.1 resource grants roles to OAuth clients (see
 * constructs/genesys/api-client-access.ts), yet it may only give the functions' new OAuth client a
 * role it already holds. So an administrator does this once; the stack then finds the role by name.
 *
 * Credentials (never from the repository): an administrator's bearer token in
 * GENESYSCLOUD_ACCESS_TOKEN, or else an OAuth client with the client-credentials grant in
 * GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET. Either needs authorization:role:view,
 * authorization:role:add, authorization:role:edit, authorization:grant:add and oauth:client:view.
 * Terraform's client id defaults to GENESYSCLOUD_OAUTHCLIENT_ID (the id the deploy uses).
 * When the API refuses, the equivalent steps in the Genesys admin UI are printed instead.
 */
import { join } from "node:path";
import { Environment } from "../../config/environment";
import { ENVIRONMENTS_DIR, loadEnvironmentFile } from "../../config/load";
import { functionsApiAccess } from "../../constructs/genesys/runtime-needs";
import { GenesysPermission, permissionName, permissionPolicies } from "../../functions/shared/genesys/permissions";
import { GenesysAdminApi, GenesysAdminApiError, GenesysAdminAuth, GenesysRole, RolePolicyInput } from "./genesys-admin-api";

/** "It can take up to five minutes for permission updates to … take effect" (help.mypurecloud.com/?p=56895, "Edit a role"). */
export const ROLE_PROPAGATION_NOTE = "Role changes can take up to five minutes to take effect in Genesys Cloud (help.mypurecloud.com, \"Edit a role\").";

export const ROLE_DESCRIPTION = "Least-privilege role of genesys-cx-intelligence's functions (kept by npm run genesys:setup; do not edit by hand)";

export interface OrgSetupOptions {
  readonly environment: Environment;
  readonly api: GenesysAdminApi;
  readonly terraformClientId: string;
  /** Print what would change, change nothing. */
  readonly dryRun?: boolean;
  readonly log: (line: string) => void;
}

export type OrgSetupOutcome =
  | { readonly kind: "nothing-to-do"; readonly reason: string }
  | { readonly kind: "done"; readonly roleId: string; readonly roleChange: "created" | "updated" | "unchanged"; readonly granted: boolean; readonly dryRun: boolean };

/** The API refused a step: the message says which, `uiSteps` how to do the same in the admin UI. */
export class OrgSetupRefusedError extends Error {
  constructor(
    message: string,
    readonly uiSteps: readonly string[],
  ) {
    super(message);
    this.name = "OrgSetupRefusedError";
  }
}

/** The same set-up, as an administrator does it in the Genesys admin UI. */
export function uiSteps(roleName: string, permissions: readonly GenesysPermission[], terraformClient: string): string[] {
  return [
    `In Genesys Cloud, Admin > People & Permissions > Roles / Permissions > Add Role: name "${roleName}", description "${ROLE_DESCRIPTION}".`,
    permissions.length > 0
      ? `On its Permission tab select exactly: ${permissions.map(permissionName).join(", ")}; Save.`
      : "Leave its Permission tab empty (the enabled capabilities call only APIs that need no permission); Save.",
    `Admin > Integrations > OAuth > ${terraformClient} > Roles tab: assign "${roleName}" (Home division); Save.`,
    ROLE_PROPAGATION_NOTE,
  ];
}

const samePolicies = (role: GenesysRole, wanted: RolePolicyInput[]): boolean => {
  const key = (policies: ReadonlyArray<{ domain?: string; entityName?: string; actionSet?: readonly string[] }>) =>
    JSON.stringify(
      policies
        .flatMap((p) => (p.actionSet ?? []).map((a) => `${p.domain}:${p.entityName}:${a}`))
        .sort(),
    );
  return key(role.permissionPolicies) === key(wanted);
};

export async function setUpGenesysOrg(options: OrgSetupOptions): Promise<OrgSetupOutcome> {
  const { environment, api, log } = options;
  const access = functionsApiAccess(environment);
  if (access.kind === "none") {
    const reason = `environment "${environment.name}" enables no capability that calls the Genesys API: no role is needed`;
    log(`nothing to set up: ${reason}`);
    return { kind: "nothing-to-do", reason };
  }
  if (access.kind === "existing-client") {
    const reason = `environment "${environment.name}" uses the existing OAuth client in genesys.apiClientSecretArn: give that client a role with ${
      access.permissions.map(permissionName).join(", ") || "no permissions"
    }`;
    log(`nothing to set up: ${reason}`);
    return { kind: "nothing-to-do", reason };
  }
  const refused = (error: unknown, step: string, terraformClient = options.terraformClientId): never => {
    if (error instanceof GenesysAdminApiError && error.path === "/oauth/token") {
      throw new Error(`${api.loginHost} refused the credentials (${error.message}): check them and genesys.region`);
    }
    if (error instanceof GenesysAdminApiError && error.refused) {
      throw new OrgSetupRefusedError(`${step} was refused (${error.message}).`, uiSteps(access.roleName, access.permissions, terraformClient));
    }
    throw error;
  };
  const wanted = permissionPolicies(access.permissions);
  const prefix = options.dryRun ? "would have " : "";

  let terraformClient;
  try {
    terraformClient = await api.oauthClient(options.terraformClientId);
  } catch (error) {
    if (error instanceof GenesysAdminApiError && error.status === 404) {
      throw new Error(
        `no OAuth client with id ${options.terraformClientId} in this org (${api.loginHost}): pass Terraform's client id with --terraform-client-id, and check genesys.region`,
      );
    }
    return refused(error, "Reading Terraform's OAuth client (oauth:client:view)");
  }
  const clientLabel = `"${terraformClient.name}" (${terraformClient.id})`;
  log(`Terraform's OAuth client: ${clientLabel}`);

  let role: GenesysRole | undefined;
  let roleChange: "created" | "updated" | "unchanged";
  try {
    role = await api.roleNamed(access.roleName);
    const body = { name: access.roleName, description: ROLE_DESCRIPTION, permissionPolicies: wanted };
    if (role === undefined) {
      roleChange = "created";
      if (!options.dryRun) role = await api.createRole(body);
    } else if (!samePolicies(role, wanted)) {
      roleChange = "updated";
      if (!options.dryRun) role = await api.updateRole(role.id, body);
    } else {
      roleChange = "unchanged";
    }
  } catch (error) {
    return refused(error, `Creating or updating role "${access.roleName}" (authorization:role:view, add, edit)`, clientLabel);
  }
  const permissionList = access.permissions.map(permissionName).join(", ") || "no permissions";
  log(
    roleChange === "unchanged"
      ? `role "${access.roleName}" already holds exactly: ${permissionList}`
      : `${prefix}${roleChange} role "${access.roleName}" with exactly: ${permissionList}`,
  );

  const division = await api.homeDivision().catch((error: unknown) => refused(error, "Reading the home division", clientLabel));
  const roleId = role?.id;
  const alreadyGranted = roleId !== undefined && terraformClient.roleDivisions.some((g) => g.roleId === roleId && g.divisionId === division.id);
  if (alreadyGranted) {
    log(`Terraform's OAuth client already holds "${access.roleName}" in the home division`);
  } else {
    if (!options.dryRun) {
      await api
        .grantRolesToClient(terraformClient.id, [{ roleId: roleId!, divisionId: division.id }])
        .catch((error: unknown) => refused(error, `Granting "${access.roleName}" to Terraform's OAuth client (authorization:grant:add)`, clientLabel));
    }
    log(`${prefix}granted "${access.roleName}" (home division "${division.name ?? division.id}") to Terraform's OAuth client ${clientLabel}`);
  }
  if (!options.dryRun && (roleChange !== "unchanged" || !alreadyGranted)) log(ROLE_PROPAGATION_NOTE);
  log(`next: npm run doctor -- ${environment.name}`);
  return { kind: "done", roleId: roleId ?? "(not created: dry run)", roleChange, granted: !alreadyGranted, dryRun: options.dryRun ?? false };
}

export interface SetupArguments {
  readonly environmentName: string;
  readonly terraformClientId: string;
  readonly dryRun: boolean;
  readonly auth: GenesysAdminAuth;
}

/** Reads the command line and the credential variables; throws a usage message on anything missing. */
export function parseSetupArguments(argv: readonly string[], env: NodeJS.ProcessEnv): SetupArguments {
  const usage = "usage: npm run genesys:setup -- <env> [--terraform-client-id <id>] [--dry-run]";
  let environmentName: string | undefined;
  let terraformClientId = env.GENESYSCLOUD_OAUTHCLIENT_ID;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--terraform-client-id") {
      terraformClientId = argv[++i];
      if (!terraformClientId) throw new Error(`--terraform-client-id needs a value\n${usage}`);
    } else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}\n${usage}`);
    else if (environmentName === undefined) environmentName = arg;
    else throw new Error(`unexpected argument ${arg}\n${usage}`);
  }
  if (!environmentName) throw new Error(usage);
  if (!terraformClientId) throw new Error(`Terraform's OAuth client id is unknown: pass --terraform-client-id or set GENESYSCLOUD_OAUTHCLIENT_ID\n${usage}`);
  let auth: GenesysAdminAuth;
  if (env.GENESYSCLOUD_ACCESS_TOKEN) auth = { kind: "access-token", token: env.GENESYSCLOUD_ACCESS_TOKEN };
  else if (env.GENESYSCLOUD_OAUTHCLIENT_ID && env.GENESYSCLOUD_OAUTHCLIENT_SECRET) {
    auth = { kind: "client-credentials", clientId: env.GENESYSCLOUD_OAUTHCLIENT_ID, clientSecret: env.GENESYSCLOUD_OAUTHCLIENT_SECRET };
  } else {
    throw new Error("no Genesys credentials: set GENESYSCLOUD_ACCESS_TOKEN (an administrator's token), or GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET");
  }
  return { environmentName, terraformClientId, dryRun, auth };
}

/** One environment from config/environments/<name>.json, validated as every other entry validates it. */
export function loadEnvironment(name: string, dir: string = ENVIRONMENTS_DIR): Environment {
  return loadEnvironmentFile(join(dir, `${name}.json`));
}

async function main(): Promise<number> {
  let args: SetupArguments;
  let environment: Environment;
  try {
    args = parseSetupArguments(process.argv.slice(2), process.env);
    environment = loadEnvironment(args.environmentName);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const api = new GenesysAdminApi({ auth: args.auth, region: environment.genesys.region });
  try {
    await setUpGenesysOrg({ environment, api, terraformClientId: args.terraformClientId, dryRun: args.dryRun, log: (line) => console.log(line) });
    return 0;
  } catch (error) {
    if (error instanceof OrgSetupRefusedError) {
      console.error(`${error.message}\nDo the same in the Genesys admin UI:\n${error.uiSteps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}`);
    } else {
      console.error(`genesys:setup failed: ${(error as Error).message}`);
    }
    return 1;
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
