import { Environment } from "../../config/environment";
import { STATE_PROJECT } from "../../config/state";

/**
 * Names and ARNs the bootstrap creates and the workflows use, derived from the environment files
 * alone so CI needs no repository variable for them.
 */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * The CI roles and the workload boundary live under their own IAM path: the deploy role may manage
 * roles named `<prefix>-<env>-*` at the root path only, so it can never touch itself.
 */
export const CI_IAM_PATH = "/ci/";

/**
 * Longest apply: a Comprehend classifier trains for up to 4 h (emailRouting.classifier.comprehend.
 * trainingTimeoutMinutes, default 240) inside one `terraform apply`, plus the rest of the stack. A
 * GitHub-hosted job stops after 6 h, so the deploy session lasts exactly that long.
 */
export const DEPLOY_SESSION_SECONDS = 6 * 60 * 60;
/** A plan refreshes and diffs; 1 h is IAM's default and leaves room for a slow refresh. */
export const PLAN_SESSION_SECONDS = 60 * 60;

/** KMS key (one per account and region) that seals the saved plan CI hands from the plan job to the apply job. */
export const PLAN_KEY_ALIAS = `alias/${STATE_PROJECT}-ci-plans`;

export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** `<prefix>-<env>`: the start of every resource name the environment's stack creates. */
export function resourcePrefix(environment: Environment): string {
  return `${environment.namePrefix}-${environment.name}`;
}

export function ciRoleName(environment: Environment, kind: "plan" | "deploy"): string {
  return `${resourcePrefix(environment)}-ci-${kind}`;
}

export function ciRoleArn(environment: Environment, kind: "plan" | "deploy"): string {
  return `arn:${partitionOf(environment.aws.region)}:iam::${environment.aws.accountId}:role${CI_IAM_PATH}${ciRoleName(environment, kind)}`;
}

export function workloadBoundaryName(environment: Environment): string {
  return `${resourcePrefix(environment)}-workload-boundary`;
}

/** The permissions boundary every role of a CI-deployed environment carries (see WorkloadBoundary). */
export function workloadBoundaryArn(environment: Environment): string {
  return `arn:${partitionOf(environment.aws.region)}:iam::${environment.aws.accountId}:policy${CI_IAM_PATH}${workloadBoundaryName(environment)}`;
}
