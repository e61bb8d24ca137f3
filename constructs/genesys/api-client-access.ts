import { Fn } from "cdktf";
import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { AuthRole } from "../../.gen/providers/genesyscloud/auth-role";
import { DataGenesyscloudAuthDivisionHome } from "../../.gen/providers/genesyscloud/data-genesyscloud-auth-division-home";
import { OauthClient } from "../../.gen/providers/genesyscloud/oauth-client";
import { GENESYS_PERMISSIONS, GenesysPermissionName } from "./api-permissions";

export interface GenesysApiClientAccessProps {
  readonly name: string;
  /** Only the APIs the functions call. */
  readonly permissions: readonly GenesysPermissionName[];
  /** Use an existing Secrets Manager secret ({"clientId","clientSecret"}) instead of creating a client. */
  readonly existingSecretArn?: string;
  readonly tokenValiditySeconds?: number;
}

/**
 * The credentials the functions use to call Genesys: a client-credentials OAuth client whose role
 * holds only the given permissions (in the home division), with its id and secret written to a
 * Secrets Manager secret as `{"clientId","clientSecret"}`. The secret passes through Terraform state
 * (encrypted) and is never an output; functions get the secret's ARN.
 */
export class GenesysApiClientAccess extends Construct {
  readonly secretArn: string;

  constructor(scope: Construct, id: string, props: GenesysApiClientAccessProps) {
    super(scope, id);
    if (props.existingSecretArn) {
      if (!/^arn:aws[a-z-]*:secretsmanager:/.test(props.existingSecretArn)) {
        throw new Error(`${props.name}: existingSecretArn must be a Secrets Manager secret ARN, got "${props.existingSecretArn}"`);
      }
      this.secretArn = props.existingSecretArn;
      return;
    }
    if (props.permissions.length === 0) throw new Error(`${props.name}: name at least one permission`);
    const home = new DataGenesyscloudAuthDivisionHome(this, "home-division", {});
    const role = new AuthRole(this, "role", {
      name: props.name,
      description: "Least-privilege role of genesys-cx-intelligence's functions (managed by CDKTF)",
      permissionPolicies: [...new Set(props.permissions)].map((p) => {
        const permission = GENESYS_PERMISSIONS[p];
        return { domain: permission.domain, entityName: permission.entityName, actionSet: [...permission.actions] };
      }),
    });
    const client = new OauthClient(this, "client", {
      name: props.name,
      description: "Used by genesys-cx-intelligence's AWS functions (managed by CDKTF)",
      authorizedGrantType: "CLIENT-CREDENTIALS",
      accessTokenValiditySeconds: props.tokenValiditySeconds ?? 86_400,
      exposeClientSecret: true,
      roles: [{ roleId: role.id, divisionId: home.id }],
    });
    const secret = new SecretsmanagerSecret(this, "secret", {
      name: props.name,
      description: "Genesys Cloud OAuth client (client credentials) of genesys-cx-intelligence",
      recoveryWindowInDays: 7,
    });
    new SecretsmanagerSecretVersion(this, "secret-value", {
      secretId: secret.id,
      secretString: Fn.jsonencode({ clientId: client.id, clientSecret: client.clientSecret }),
    });
    this.secretArn = secret.arn;
  }
}
