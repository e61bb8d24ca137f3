import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { policyDocument } from "./iam";

export interface GenesysInvokeRoleProps {
  readonly roleName: string;
  /** Genesys Cloud's AWS account (documented default 765628985471). */
  readonly genesysAwsAccountId: string;
  /** The Genesys org id: the role's external id, so no other org can use it. */
  readonly genesysOrgId: string;
  readonly functionArns: readonly string[];
}

/** The cross-account role a Genesys Lambda data-action integration assumes to invoke given functions, and nothing else. */
export class GenesysInvokeRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: GenesysInvokeRoleProps) {
    super(scope, id);
    if (props.functionArns.length === 0) throw new Error(`${props.roleName}: functionArns must name at least one function`);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: "Assumed by Genesys Cloud to run Lambda data actions",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${props.genesysAwsAccountId}:root` },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": props.genesysOrgId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "policy", {
      role: this.role.name,
      name: "invoke-data-action-functions",
      policy: policyDocument([{ sid: "InvokeDataActionFunctions", actions: ["lambda:InvokeFunction"], resources: [...props.functionArns] }]),
    });
  }
}
