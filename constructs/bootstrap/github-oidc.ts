import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL } from "./ci-names";

/**
 * GitHub Actions' OIDC identity provider in the account (one per account and URL). No thumbprint:
 * AWS trusts GitHub's certificate through its root CAs and ignores a given thumbprint
 * (aws-actions/configure-aws-credentials README; thumbprint_list is optional in the provider).
 * `existing`: the account already has it (another project made it); look it up instead.
 */
export class GithubOidcProvider extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: { readonly existing: boolean }) {
    super(scope, id);
    this.arn = props.existing
      ? new DataAwsIamOpenidConnectProvider(this, "existing", { url: GITHUB_OIDC_URL }).arn
      : new IamOpenidConnectProvider(this, "provider", { url: GITHUB_OIDC_URL, clientIdList: [GITHUB_OIDC_AUDIENCE] }).arn;
  }
}
