import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { PLAN_KEY_ALIAS } from "./ci-names";

/**
 * Seals the saved plan CI hands from its plan job to its apply job. A saved plan holds state
 * values, secrets included, in clear text, and a workflow artifact can be downloaded by anyone who
 * can read the repository (everyone, for a public one). The plan job asks this key for a data key
 * with the environment's name as encryption context and encrypts the plan with it; only that
 * environment's deploy role may decrypt the data key (scripts/ci/seal-plan.sh, open-plan.sh).
 */
export class PlanArtifactKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: { readonly accountId: string; readonly partition: string; readonly provider?: TerraformProvider }) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: "Seals terraform plans between CI jobs (genesys-cx-intelligence)",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // The default key policy: the account's IAM policies decide who may use the key.
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountIamPoliciesDecide",
            Effect: "Allow",
            Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      }),
    });
    new KmsAlias(this, "alias", { provider: props.provider, name: PLAN_KEY_ALIAS, targetKeyId: this.key.keyId });
  }
}
