import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENTS_DIR, loadEnvironments } from "../../config/load";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { ciEnvironments, githubOutputs, parseArguments, SelectionError } from "../../scripts/ci/environments";
import { rawEnvironment } from "../support/synth";
import { ROOT } from "./support";

const DEV = {
  environment: "dev",
  planEnvironment: "dev-plan",
  region: "us-east-1",
  planRole: "arn:aws:iam::111111111111:role/ci/gcx-dev-ci-plan",
  deployRole: "arn:aws:iam::111111111111:role/ci/gcx-dev-ci-deploy",
};
const PROD = {
  environment: "prod",
  planEnvironment: "prod-plan",
  region: "us-east-1",
  planRole: "arn:aws:iam::222222222222:role/ci/gcx-prod-ci-plan",
  deployRole: "arn:aws:iam::222222222222:role/ci/gcx-prod-ci-deploy",
};

/** A copy of config/environments with extra files. */
function environmentsWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "environments-"));
  for (const name of ["dev", "prod"]) copyFileSync(join(ENVIRONMENTS_DIR, `${name}.json`), join(dir, `${name}.json`));
  for (const [name, raw] of Object.entries(files)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(raw));
  return dir;
}

describe("the environments CI works on (scripts/ci/environments.ts)", () => {
  it("lists every environment with state in S3, with its GitHub environments, region and roles", () => {
    expect(ciEnvironments(loadEnvironments())).toEqual([DEV, PROD]);
    expect(ciEnvironments(loadEnvironments(), { deployOnMerge: true })).toEqual([DEV]);
  });

  it("picks up a new environment file with no workflow edit, and leaves a local-state sandbox out", () => {
    const staging = { ...rawEnvironment("prod"), aws: { region: "eu-west-1", accountId: "333333333333" }, genesys: { region: "eu-west-1" }, ci: { deployOnMerge: true } };
    const sandbox = { ...rawEnvironment("dev"), state: { backend: "local" }, ci: { deployOnMerge: false } };
    const environments = loadEnvironments(environmentsWith({ staging, sandbox }));
    expect(ciEnvironments(environments).map((e) => e.environment)).toEqual(["dev", "prod", "staging"]);
    expect(ciEnvironments(environments, { deployOnMerge: true }).map((e) => e.environment)).toEqual(["dev", "staging"]);
    expect(ciEnvironments(environments, { only: "staging" })).toEqual([
      {
        environment: "staging",
        planEnvironment: "staging-plan",
        region: "eu-west-1",
        planRole: "arn:aws:iam::333333333333:role/ci/gcx-staging-ci-plan",
        deployRole: "arn:aws:iam::333333333333:role/ci/gcx-staging-ci-deploy",
      },
    ]);
    expect(() => ciEnvironments(environments, { only: "sandbox" })).toThrow('environment "sandbox" keeps local state (a personal sandbox): CI deploys only environments whose state.backend is "s3"');
  });

  it("refuses an unknown environment, a wrong confirmation and a name that clashes with a plan environment", () => {
    expect(() => ciEnvironments(loadEnvironments(), { only: "qa" })).toThrow('no environment "qa" in config/environments/ (there are: dev, prod)');
    expect(() => ciEnvironments(loadEnvironments(), { only: "prod", confirm: "Prod" })).toThrow('to destroy "prod", type its name exactly in "confirm" (got "Prod")');
    expect(ciEnvironments(loadEnvironments(), { only: "prod", confirm: "prod" })).toEqual([PROD]);
    const clash = loadEnvironments(environmentsWith({ "dev-plan": rawEnvironment("dev") }));
    expect(() => ciEnvironments(clash)).toThrow(SelectionError);
  });

  it("parses its arguments strictly", () => {
    expect(parseArguments(["--only", "prod", "--confirm", "prod"])).toEqual({ only: "prod", confirm: "prod" });
    expect(parseArguments(["--deploy-on-merge"])).toEqual({ deployOnMerge: true });
    expect(() => parseArguments(["--only"])).toThrow("--only needs a value");
    expect(() => parseArguments(["--confirm", "prod"])).toThrow("--confirm needs --only");
    expect(() => parseArguments(["--all"])).toThrow("unknown argument --all");
  });

  it("prints GitHub step outputs the workflows read, and an ::error:: line when the selection is wrong", () => {
    expect(githubOutputs([DEV])).toBe(`matrix=${JSON.stringify({ include: [DEV] })}\ncount=1\nterraform-version=${TERRAFORM_VERSION}\n`);
    const tsx = join(ROOT, "node_modules", ".bin", "tsx");
    const ok = spawnSync(tsx, ["scripts/ci/environments.ts", "--deploy-on-merge"], { cwd: ROOT, encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(githubOutputs([DEV]));
    const wrong = spawnSync(tsx, ["scripts/ci/environments.ts", "--only", "prod", "--confirm", "dev"], { cwd: ROOT, encoding: "utf8" });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr.trim()).toBe('::error::to destroy "prod", type its name exactly in "confirm" (got "dev")');
  });
});
