import { Fn } from "cdktf";
import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { DataGenesyscloudAuthDivisionHome } from "../../.gen/providers/genesyscloud/data-genesyscloud-auth-division-home";
import { DataGenesyscloudAuthRole } from "../../.gen/providers/genesyscloud/data-genesyscloud-auth-role";
import { OauthClient } from "../../.gen/providers/genesyscloud/oauth-client";

/**
 * Lifetime of the functions' access tokens: no longer than they need. The client refreshes a token
 * 60 s before `expires_in` and no attempt lasts longer than 10 s (functions/shared/genesys/token.ts,
 * client.ts), so any lifetime from 300 s works; 15 minutes costs one token request per warm container
 * every 14 minutes and limits what a leaked token is worth to a quarter of an hour. Genesys accepts
 * 300-172800 s for client-credentials clients (help.mypurecloud.com/?p=188023, "Create an OAuth
 * client"); the provider's own default is 86400.
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;
const TOKEN_LIFETIME_RANGE = [300, 172_800] as const;

/** Days a deleted secret stays recoverable in protected environments (Secrets Manager allows 7-30). */
export const PROTECTED_SECRET_RECOVERY_DAYS = 7;

export type GenesysApiClientAccessProps =
  | {
      /** The client the stack creates, and the prefix of its secret's name. */
      readonly name: string;
      /**
       * The role the client gets: created and granted to Terraform's own OAuth client by the one-time
       * org set-up (`npm run genesys:setup -- <env>`), found here by name.
       */
      readonly roleName: string;
      /** Keep the secret recoverable after a destroy (a recovery window) instead of deleting it at once. */
      readonly protectData: boolean;
      /** Default DEFAULT_TOKEN_LIFETIME_SECONDS. */
      readonly tokenLifetimeSeconds?: number;
      readonly existingSecretArn?: undefined;
    }
  | {
      readonly name: string;
      /** Use an existing Secrets Manager secret ({"clientId","clientSecret"}) instead of creating a client. */
      readonly existingSecretArn: string;
    };

/**
 * The credentials the functions use to call Genesys: a client-credentials OAuth client holding one
 * least-privilege role in the home division, with its id and secret written to a Secrets Manager
 * secret as `{"clientId","clientSecret"}`. The secret passes through Terraform state (encrypted) and is
 * never an output; functions get the secret's ARN.
 *
 * Why the role is looked up, not created here. With a client-credentials Terraform client, provider
 * 1.84.1 cannot create a role and give it to a new OAuth client in one apply:
 * - `genesyscloud_oauth_client` create first calls `updateTerraformUserWithRole`, which gives the new
 *   roles to Terraform's own identity only when the token comes from a Genesys built-in client
 *   ("purecloud-builtin", a user token); for client credentials it only logs a warning and returns
 *   (genesyscloud/oauth_client/resource_genesyscloud_oauth_client.go L63-65 and L204-217 at v1.84.1).
 * - The schema says of `roles`: "The roles must also already be assigned to the OAuth Client used by
 *   Terraform" (…/resource_genesyscloud_oauth_client_schema.go L94), and the acceptance test uses an
 *   existing role "already assigned to the TF OAuth client" (…/resource_genesyscloud_oauth_client_test.go L35).
 * - No 1.84.1 resource grants a role to an OAuth client: `genesyscloud_user_roles` and
 *   `genesyscloud_group_roles` hard-code subject types PC_USER and PC_GROUP
 *   (genesyscloud/user_roles/resource_genesyscloud_user_roles.go L68,
 *   genesyscloud/group_roles/resource_genesyscloud_group_roles.go L70); PC_OAUTH_CLIENT appears nowhere.
 * So the org set-up creates the role and grants it to Terraform's client once per environment, and the
 * stack finds it with the `genesyscloud_auth_role` data source (…/auth_role/data_source_genesyscloud_auth_role.go).
 * Managing the role itself here would also let `cdktf destroy` delete a role Terraform's client holds.
 */
export class GenesysApiClientAccess extends Construct {
  readonly secretArn: string;
  /** Absent when an existing secret is used. */
  readonly client?: OauthClient;
  readonly role?: DataGenesyscloudAuthRole;

  constructor(scope: Construct, id: string, props: GenesysApiClientAccessProps) {
    super(scope, id);
    if (props.existingSecretArn !== undefined) {
      if (!/^arn:aws[a-z-]*:secretsmanager:/.test(props.existingSecretArn)) {
        throw new Error(`${props.name}: existingSecretArn must be a Secrets Manager secret ARN, got "${props.existingSecretArn}"`);
      }
      this.secretArn = props.existingSecretArn;
      return;
    }
    const lifetime = props.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < TOKEN_LIFETIME_RANGE[0] || lifetime > TOKEN_LIFETIME_RANGE[1]) {
      throw new Error(`${props.name}: tokenLifetimeSeconds must be an integer from ${TOKEN_LIFETIME_RANGE[0]} to ${TOKEN_LIFETIME_RANGE[1]}, got ${lifetime}`);
    }
    if (!props.roleName.trim()) throw new Error(`${props.name}: roleName must not be empty`);

    const home = new DataGenesyscloudAuthDivisionHome(this, "home-division", {});
    this.role = new DataGenesyscloudAuthRole(this, "role", { name: props.roleName });
    this.client = new OauthClient(this, "client", {
      name: props.name,
      description: `Used by genesys-cx-intelligence's AWS functions, with role ${props.roleName} (managed by CDKTF)`,
      authorizedGrantType: "CLIENT-CREDENTIALS",
      accessTokenValiditySeconds: lifetime,
      exposeClientSecret: true,
      roles: [{ roleId: this.role.id, divisionId: home.id }],
    });
    // A name prefix, so a destroy followed by a deploy never meets its own name still pending deletion
    // ("You can't create this secret because a secret with this name is already scheduled for
    // deletion"); protected environments keep the old secret recoverable, others delete it at once.
    const secret = new SecretsmanagerSecret(this, "secret", {
      namePrefix: `${props.name}-`,
      description: "Genesys Cloud OAuth client (client credentials) of genesys-cx-intelligence",
      recoveryWindowInDays: props.protectData ? PROTECTED_SECRET_RECOVERY_DAYS : 0,
    });
    new SecretsmanagerSecretVersion(this, "secret-value", {
      secretId: secret.id,
      secretString: Fn.jsonencode({ clientId: this.client.id, clientSecret: this.client.clientSecret }),
    });
    this.secretArn = secret.arn;
  }
}
