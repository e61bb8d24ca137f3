import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CiSettings, planEnvironmentName } from "../config/ci";
import { Environment } from "../config/environment";
import { defaultStateBucket, isCiEnvironment, localStatePath, resolveState, STATE_PROJECT } from "../config/state";
import { TERRAFORM_VERSION } from "../config/terraform";
import { ciRoleArn, partitionOf } from "../constructs/bootstrap/ci-names";
import { CiRoles } from "../constructs/bootstrap/ci-roles";
import { GithubOidcProvider } from "../constructs/bootstrap/github-oidc";
import { PlanArtifactKey } from "../constructs/bootstrap/plan-key";
import { StateBucket } from "../constructs/bootstrap/state-bucket";

export interface BootstrapPlan {
  readonly accountId: string;
  /** Region of the IAM resources' provider and of the bucket the bootstrap's own state can move to. */
  readonly homeRegion: string;
  /** The CI environments deployed to this account, by name. */
  readonly environments: readonly Environment[];
}

export function bootstrapStackName(accountId: string): string {
  return `bootstrap-${accountId}`;
}

/** One bootstrap per AWS account that CI deploys to, derived from config/environments. */
export function bootstrapPlans(environments: readonly Environment[]): BootstrapPlan[] {
  const byAccount = new Map<string, Environment[]>();
  for (const environment of [...environments].filter(isCiEnvironment).sort((a, b) => a.name.localeCompare(b.name))) {
    byAccount.set(environment.aws.accountId, [...(byAccount.get(environment.aws.accountId) ?? []), environment]);
  }
  return [...byAccount].map(([accountId, members]) => ({
    accountId,
    homeRegion: (resolveState(members[0]!) as { region: string }).region,
    environments: members,
  }));
}

/**
 * `cdktf deploy bootstrap-<accountId>`, once per AWS account, with an administrator's credentials:
 * the state bucket of each region the account's environments keep state in, the GitHub OIDC
 * provider, a KMS key sealing saved plans, and per environment a plan role, a deploy role and the
 * permissions boundary of the environment's roles. Its own state is local
 * (`.terraform-state/bootstrap-<accountId>.tfstate`) until the account is listed in
 * config/ci.json `bootstrap.accountsWithRemoteState`; then it lives in the bucket it created.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, plan: BootstrapPlan, ci: CiSettings) {
    const name = bootstrapStackName(plan.accountId);
    super(scope, name);
    const partition = partitionOf(plan.homeRegion);
    const tags = { project: STATE_PROJECT, purpose: "ci-bootstrap" };

    const home = new AwsProvider(this, "aws", { region: plan.homeRegion, allowedAccountIds: [plan.accountId], defaultTags: [{ tags }] });
    const providers = new Map<string, AwsProvider>([[plan.homeRegion, home]]);
    const providerFor = (region: string) => {
      let provider = providers.get(region);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${region}`, { alias: region, region, allowedAccountIds: [plan.accountId], defaultTags: [{ tags }] });
        providers.set(region, provider);
      }
      return provider;
    };

    const states = plan.environments.map((environment) => ({ environment, state: resolveState(environment) as Extract<ReturnType<typeof resolveState>, { backend: "s3" }> }));
    const bootstrapKey = `${STATE_PROJECT}/${name}.tfstate`;
    const homeBucket = defaultStateBucket(plan.accountId, plan.homeRegion);
    if (ci.bootstrap.accountsWithRemoteState.includes(plan.accountId)) {
      new S3Backend(this, { bucket: homeBucket, key: bootstrapKey, region: plan.homeRegion, encrypt: true }).addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: localStatePath(name) });
    }
    this.addOverride("terraform.required_version", TERRAFORM_VERSION);

    // A bucket per region holding the default bucket of an environment, and always the home one (for this stack's own state).
    const bucketRegions = new Set([plan.homeRegion, ...states.filter((s) => s.state.bootstrapBucket).map((s) => s.state.region)]);
    for (const region of [...bucketRegions].sort()) {
      const bucket = defaultStateBucket(plan.accountId, region);
      const tenants = states
        .filter((s) => s.state.bucket === bucket)
        .map(({ environment, state }) => ({ key: state.key, roleArns: [ciRoleArn(environment, "plan"), ciRoleArn(environment, "deploy")] }));
      const created = new StateBucket(this, `state-bucket-${region}`, { bucketName: bucket, provider: providerFor(region), tenants });
      new TerraformOutput(this, `state-bucket-${region}-name`, { value: created.bucket.bucket });
    }

    const oidc = new GithubOidcProvider(this, "github-oidc", { existing: ci.bootstrap.accountsWithGithubOidcProvider.includes(plan.accountId) });
    const planKeys = new Map<string, PlanArtifactKey>();
    for (const region of [...new Set(states.map((s) => s.state.region))].sort()) {
      planKeys.set(region, new PlanArtifactKey(this, `plan-key-${region}`, { accountId: plan.accountId, partition, provider: providerFor(region) }));
    }

    for (const { environment, state } of states) {
      const roles = new CiRoles(this, `ci-${environment.name}`, {
        environment,
        state,
        github: ci.github,
        oidcProviderArn: oidc.arn,
        planKeyArn: planKeys.get(state.region)!.key.arn,
        provider: home,
      });
      new TerraformOutput(this, `${environment.name}-plan-role`, {
        value: roles.planRole.arn,
        description: `GitHub environment ${planEnvironmentName(environment.name)} assumes it`,
      });
      new TerraformOutput(this, `${environment.name}-deploy-role`, { value: roles.deployRole.arn, description: `GitHub environment ${environment.name} assumes it` });
    }
  }
}

/** Registers a bootstrap stack per AWS account that CI deploys to. */
export function addBootstrapStacks(scope: Construct, environments: readonly Environment[], ci: CiSettings): BootstrapStack[] {
  return bootstrapPlans(environments).map((plan) => new BootstrapStack(scope, plan, ci));
}
