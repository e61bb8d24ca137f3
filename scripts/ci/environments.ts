/**
 * Prints, as GitHub step outputs (`key=value` lines for $GITHUB_OUTPUT), the environments CI works
 * on, read from config/environments/ at run time so a new `staging.json` needs no workflow edit:
 *   matrix             {"include":[{environment, planEnvironment, region, planRole, deployRole}, ...]}
 *   count              how many
 *   terraform-version  the pinned terraform (config/terraform.ts)
 * CI environments are those keeping state in S3; a local-state sandbox is never planned by CI.
 *
 * Usage: environments.ts [--deploy-on-merge] [--only <name> [--confirm <typed name>]]
 */
import { planEnvironmentName } from "../../config/ci";
import { Environment } from "../../config/environment";
import { loadEnvironments } from "../../config/load";
import { isCiEnvironment, resolveState } from "../../config/state";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { ciRoleArn } from "../../constructs/bootstrap/ci-names";

export interface CiEnvironment {
  readonly environment: string;
  /** GitHub environment of the plan jobs (plan role, plan secrets). */
  readonly planEnvironment: string;
  /** Region of the state bucket and of the plan-sealing key. */
  readonly region: string;
  readonly planRole: string;
  readonly deployRole: string;
}

export interface Selection {
  readonly deployOnMerge?: boolean;
  readonly only?: string;
  /** For destroy: the name typed by the person who started it. */
  readonly confirm?: string;
}

export class SelectionError extends Error {}

export function ciEnvironments(environments: readonly Environment[], selection: Selection = {}): CiEnvironment[] {
  for (const environment of environments) {
    if (environment.name.endsWith("-plan")) {
      throw new SelectionError(`environment "${environment.name}": a name ending in -plan would clash with the GitHub environment of another one's plans; rename the file`);
    }
  }
  let chosen = environments.filter(isCiEnvironment);
  if (selection.only !== undefined) {
    const environment = environments.find((e) => e.name === selection.only);
    if (!environment) {
      throw new SelectionError(`no environment "${selection.only}" in config/environments/ (there are: ${environments.map((e) => e.name).join(", ")})`);
    }
    if (!isCiEnvironment(environment)) {
      throw new SelectionError(`environment "${environment.name}" keeps local state (a personal sandbox): CI deploys only environments whose state.backend is "s3"`);
    }
    if (selection.confirm !== undefined && selection.confirm !== environment.name) {
      throw new SelectionError(`to destroy "${environment.name}", type its name exactly in "confirm" (got "${selection.confirm}")`);
    }
    chosen = [environment];
  }
  if (selection.deployOnMerge) chosen = chosen.filter((e) => e.ci.deployOnMerge);
  return chosen.map((environment) => ({
    environment: environment.name,
    planEnvironment: planEnvironmentName(environment.name),
    region: (resolveState(environment) as { region: string }).region,
    planRole: ciRoleArn(environment, "plan"),
    deployRole: ciRoleArn(environment, "deploy"),
  }));
}

export function githubOutputs(environments: readonly CiEnvironment[]): string {
  return [`matrix=${JSON.stringify({ include: environments })}`, `count=${environments.length}`, `terraform-version=${TERRAFORM_VERSION}`].join("\n") + "\n";
}

export function parseArguments(argv: readonly string[]): Selection {
  const selection: { deployOnMerge?: boolean; only?: string; confirm?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--deploy-on-merge") selection.deployOnMerge = true;
    else if (arg === "--only" || arg === "--confirm") {
      const value = argv[++i];
      if (value === undefined) throw new SelectionError(`${arg} needs a value`);
      selection[arg === "--only" ? "only" : "confirm"] = value;
    } else throw new SelectionError(`unknown argument ${arg}`);
  }
  if (selection.confirm !== undefined && selection.only === undefined) throw new SelectionError("--confirm needs --only");
  return selection;
}

if (require.main === module) {
  try {
    process.stdout.write(githubOutputs(ciEnvironments(loadEnvironments(), parseArguments(process.argv.slice(2)))));
  } catch (error) {
    console.error(`::error::${(error as Error).message.replace(/\n/g, "%0A")}`);
    process.exit(1);
  }
}
