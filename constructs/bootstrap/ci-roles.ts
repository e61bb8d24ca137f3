import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { CiSettings, githubEnvironmentSubject, planEnvironmentName } from "../../config/ci";
import { Environment } from "../../config/environment";
import { ResolvedState } from "../../config/state";
import { PolicyStatement, policyDocument } from "../aws/iam";
import {
  CI_IAM_PATH,
  ciRoleName,
  DEPLOY_SESSION_SECONDS,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  partitionOf,
  PLAN_SESSION_SECONDS,
  workloadBoundaryName,
} from "./ci-names";
import { deployStatements, planStatements, workloadBoundaryStatements } from "./permissions";

export interface CiRolesProps {
  readonly environment: Environment;
  readonly state: Extract<ResolvedState, { backend: "s3" }>;
  readonly github: CiSettings["github"];
  readonly oidcProviderArn: string;
  /** ARN of the KMS key sealing saved plans in the state's region. */
  readonly planKeyArn: string;
  readonly provider?: TerraformProvider;
}

/** Trust for jobs of one GitHub environment of the repository, and nothing else. */
export function githubTrustPolicy(oidcProviderArn: string, subject: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subject } },
      },
    ],
  });
}

/**
 * The two CI roles of one environment, both assumed through GitHub OIDC:
 * - `<prefix>-<env>-ci-plan`, for jobs of the GitHub environment `<env>-plan` (pull request plans and
 *   the plan of a deploy): ReadOnlyAccess, the environment's own secrets (a refresh reads secret
 *   versions), the state object, and exactly what the S3 lock file needs.
 * - `<prefix>-<env>-ci-deploy`, for jobs of the GitHub environment `<env>` (apply, after its
 *   approval rules): the same reads, writes limited to what the stack manages (permissions.ts), the
 *   state object and its lock file, and the key that opens the sealed plan.
 * And the permissions boundary every role of the environment's stack carries.
 */
export class CiRoles extends Construct {
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    const { environment, state, provider } = props;
    const partition = partitionOf(environment.aws.region);
    const bucketArn = `arn:${partition}:s3:::${state.bucket}`;
    const stateObject = `${bucketArn}/${state.key}`;
    const lockObject = `${bucketArn}/${state.key}.tflock`;
    const encryptionContext = { StringEquals: { "kms:EncryptionContext:environment": environment.name } };
    const stateKms: PolicyStatement[] = state.kmsKeyId
      ? [{ sid: "StateEncryptionKey", actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], resources: [state.kmsKeyId] }]
      : [];
    const readOnly = `arn:${partition}:iam::aws:policy/ReadOnlyAccess`;

    this.boundary = new IamPolicy(this, "workload-boundary", {
      provider,
      name: workloadBoundaryName(environment),
      path: CI_IAM_PATH,
      description: `Most that any role of the ${environment.name} environment may do`,
      policy: policyDocument(workloadBoundaryStatements(environment)),
    });

    this.planRole = new IamRole(this, "plan-role", {
      provider,
      name: ciRoleName(environment, "plan"),
      path: CI_IAM_PATH,
      description: `terraform plan of ${environment.name} from GitHub Actions (environment ${planEnvironmentName(environment.name)})`,
      maxSessionDuration: PLAN_SESSION_SECONDS,
      assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, githubEnvironmentSubject(props.github, planEnvironmentName(environment.name))),
    });
    new IamRolePolicyAttachment(this, "plan-read-only", { provider, role: this.planRole.name, policyArn: readOnly });
    new IamRolePolicy(this, "plan-policy", {
      provider,
      role: this.planRole.name,
      name: "plan",
      policy: policyDocument([
        ...planStatements(environment),
        { sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [bucketArn] },
        { sid: "ReadState", actions: ["s3:GetObject"], resources: [stateObject, lockObject] },
        // terraform plan takes the state lock: it writes and then deletes `<key>.tflock` (S3 backend docs).
        { sid: "StateLock", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [lockObject] },
        ...stateKms,
        { sid: "SealPlan", actions: ["kms:GenerateDataKey"], resources: [props.planKeyArn], conditions: encryptionContext },
      ]),
    });

    this.deployRole = new IamRole(this, "deploy-role", {
      provider,
      name: ciRoleName(environment, "deploy"),
      path: CI_IAM_PATH,
      description: `terraform apply of ${environment.name} from GitHub Actions (environment ${environment.name})`,
      maxSessionDuration: DEPLOY_SESSION_SECONDS,
      assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, githubEnvironmentSubject(props.github, environment.name)),
    });
    new IamRolePolicyAttachment(this, "deploy-read-only", { provider, role: this.deployRole.name, policyArn: readOnly });
    new IamRolePolicy(this, "deploy-policy", {
      provider,
      role: this.deployRole.name,
      name: "deploy",
      policy: policyDocument([
        ...planStatements(environment),
        ...deployStatements(environment),
        { sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [bucketArn] },
        { sid: "ReadWriteState", actions: ["s3:GetObject", "s3:PutObject"], resources: [stateObject] },
        { sid: "StateLock", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [lockObject] },
        ...stateKms,
        { sid: "OpenPlan", actions: ["kms:Decrypt"], resources: [props.planKeyArn], conditions: encryptionContext },
      ]),
    });
  }
}
