/**
 * The Genesys permissions Terraform's OAuth client needs for each `genesyscloud_*` resource and data
 * source the project uses, as the provider documents them: the "Permissions and Scopes" section of
 * docs/resources/<type>.md and docs/data-sources/<type>.md in MyPureCloud/terraform-provider-genesyscloud
 * at v1.84.1 (permissions only; the OAuth scopes listed there matter only to code/implicit grants).
 * Data sources are keyed `data.<type>`.
 *
 * Besides these, Terraform's client must hold the functions' role itself (the provider may only give
 * a new OAuth client roles its own client holds): `npm run genesys:setup` grants it.
 */
export const TERRAFORM_PERMISSIONS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  genesyscloud_flow: [
    "architect:dependencyTracking:view",
    "architect:flow:delete",
    "architect:flow:search",
    "architect:flow:unlock",
    "architect:flow:view",
    "architect:flowLogLevel:add",
    "architect:flowLogLevel:delete",
    "architect:flowLogLevel:edit",
    "architect:flowLogLevel:view",
    "architect:job:create",
    "architect:job:view",
    "architect:jobExport:create",
    "architect:jobExport:view",
  ],
  genesyscloud_integration: ["integrations:integration:add", "integrations:integration:delete", "integrations:integration:edit", "integrations:integration:view"],
  genesyscloud_integration_action: [
    "bridge:actions:view",
    "integrations:action:add",
    "integrations:action:delete",
    "integrations:action:edit",
    "integrations:action:view",
    "integrations:actionFunction:edit",
    "integrations:actionFunction:view",
    "integrations:integration:view",
  ],
  genesyscloud_integration_credential: ["integrations:integration:add", "integrations:integration:delete", "integrations:integration:edit", "integrations:integration:view"],
  genesyscloud_routing_email_domain: ["routing:email:manage", "routing:email:view"],
  genesyscloud_routing_email_route: ["routing:email:manage", "routing:email:view"],
  genesyscloud_routing_queue: [
    "routing:queue:add",
    "routing:queue:delete",
    "routing:queue:edit",
    "routing:queue:readonly",
    "routing:queue:view",
    "routing:queueMember:manage",
  ],
  genesyscloud_oauth_client: [
    "authorization:grant:add",
    "authorization:grant:view",
    "integrations:integration:add",
    "integrations:integration:delete",
    "integrations:integration:edit",
    "integrations:integration:view",
    "oauth:client:add",
    "oauth:client:delete",
    "oauth:client:edit",
    "oauth:client:view",
  ],
  "data.genesyscloud_organizations_me": [],
  "data.genesyscloud_auth_division_home": [],
  "data.genesyscloud_auth_role": ["authorization:role:view"],
  "data.genesyscloud_routing_email_domain": ["routing:email:manage", "routing:email:view"],
};

/** Type keys (`type` and `data.type`) of every genesyscloud block in a synthesized stack. */
export function genesysTypesOf(stack: { resource?: Record<string, unknown>; data?: Record<string, unknown> }): string[] {
  return [
    ...Object.keys(stack.resource ?? {}).filter((t) => t.startsWith("genesyscloud_")),
    ...Object.keys(stack.data ?? {})
      .filter((t) => t.startsWith("genesyscloud_"))
      .map((t) => `data.${t}`),
  ].sort();
}

/** The permissions Terraform's client needs for these types; throws on a type the table does not know. */
export function terraformPermissionsFor(types: readonly string[]): string[] {
  const unknown = types.filter((t) => TERRAFORM_PERMISSIONS_BY_TYPE[t] === undefined);
  if (unknown.length) throw new Error(`no documented Terraform permissions for ${unknown.join(", ")}: add them to scripts/checks/doctor/terraform-client-rights.ts`);
  return [...new Set(types.flatMap((t) => TERRAFORM_PERMISSIONS_BY_TYPE[t]!))].sort();
}
