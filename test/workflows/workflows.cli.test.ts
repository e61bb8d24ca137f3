import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEPLOY_SESSION_SECONDS, PLAN_SESSION_SECONDS } from "../../constructs/bootstrap/ci-names";
import { expressionsIn, Job, loadWorkflow, ROOT, Step, triggers, Workflow, workflowFiles, WORKFLOWS_DIR } from "./support";

const validator = join(ROOT, "node_modules", ".bin", "action-validator");
const validate = (path: string) => spawnSync(validator, [path], { encoding: "utf8" });

const workflows: Workflow[] = workflowFiles().map(loadWorkflow);
const jobsOf = (wf: Workflow) => Object.entries(wf.jobs).map(([id, job]) => ({ wf, id, job, where: `${wf.file}:${id}` }));
const allJobs = workflows.flatMap(jobsOf);
const stepsOf = (job: Job) => job.steps ?? [];
const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);
const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";
const REUSABLE = "./.github/workflows/terraform.yml";
const terraformWorkflow = workflows.find((w) => w.file === "terraform.yml")!;
const jobIn = (file: string, id: string) => workflows.find((w) => w.file === file)!.jobs[id]!;
const stepUsing = (job: Job, action: string) => stepsOf(job).filter((s) => s.uses?.startsWith(`${action}@`));

describe("the GitHub Actions workflows", () => {
  it("are the four expected", () => {
    expect(workflowFiles()).toEqual(["deploy.yml", "destroy.yml", "pull-request.yml", "terraform.yml"]);
  });

  it.each(workflowFiles())("%s passes action-validator's workflow schema", (file) => {
    const result = validate(join(WORKFLOWS_DIR, file));
    expect({ status: result.status, errors: result.stderr.replace(/WARNING: Glob validation.*\n?/g, "") }).toEqual({ status: 0, errors: "" });
  });

  it("would be rejected by action-validator if malformed (the validator really runs)", () => {
    const path = join(mkdtempSync(join(tmpdir(), "workflow-")), "broken.yml");
    writeFileSync(path, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    timeout-minutes: soon\n    stepz:\n      - run: echo\n");
    expect(validate(path).status).not.toBe(0);
  });

  it("run every step under bash with pipefail, so a failing command in a pipe fails the step", () => {
    for (const { wf, job, where } of allJobs) {
      for (const step of stepsOf(job).filter((s) => s.run !== undefined)) {
        // GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`; the default is `bash -e {0}`.
        expect({ where, step: step.name ?? step.run, shell: step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell }).toEqual({ where, step: step.name ?? step.run, shell: "bash" });
      }
    }
  });

  it("pin every action to a full commit, with its version alongside", () => {
    for (const wf of workflows) {
      const uses = wf.text.split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses) {
        const ref = line.replace(/^\s*(-\s+)?uses:\s*/, "");
        if (ref.startsWith("./")) expect(ref).toBe(REUSABLE);
        else expect({ file: wf.file, ref }).toEqual({ file: wf.file, ref: expect.stringMatching(/^[a-z0-9-]+\/[a-z0-9-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/) });
      }
    }
  });

  it("never run on triggers that hand a fork's code the repository's secrets", () => {
    for (const wf of workflows) expect(triggers(wf).filter((t) => ["pull_request_target", "workflow_run"].includes(t))).toEqual([]);
  });

  it("grant read-only repository access by default and cloud identity only to jobs that assume a role", () => {
    for (const wf of workflows) expect(wf.permissions).toEqual({ contents: "read" });
    for (const { job, where } of allJobs) {
      const assumesRole = stepUsing(job, "aws-actions/configure-aws-credentials").length > 0 || job.uses === REUSABLE;
      expect({ where, idToken: job.permissions?.["id-token"] === "write" }).toEqual({ where, idToken: assumesRole });
    }
  });

  it("read secrets only in jobs gated by a GitHub environment, by the same names in every environment, with no fallback", () => {
    const secretUsers = allJobs.filter(({ job }) => expressionsIn(job).some((e) => /\bsecrets\b/.test(e)));
    expect(secretUsers.map((j) => j.where).sort()).toEqual(["terraform.yml:apply", "terraform.yml:plan"]);
    for (const { job, where } of secretUsers) {
      expect({ where, environment: environmentOf(job) }).toEqual({ where, environment: expect.stringMatching(/^\$\{\{ inputs\.(plan-)?environment \}\}$/) });
      for (const expression of expressionsIn(job).filter((e) => /\bsecrets\b/.test(e))) {
        // One plain secret per expression: no `secrets[format(...)]`, no `||` falling back to another environment's secret.
        expect({ where, expression }).toEqual({ where, expression: expect.stringMatching(/^secrets\.[A-Z_]+$/) });
        expect(expression).not.toMatch(/_(DEV|PROD|STAGING)\b/);
      }
    }
    for (const { job, where } of allJobs) expect({ where, inherit: JSON.stringify(job).includes('"secrets":"inherit"') }).toEqual({ where, inherit: false });
  });

  it("give the pull request's test job no secrets and no cloud identity", () => {
    const test = jobIn("pull-request.yml", "test");
    expect(expressionsIn(test).filter((e) => /\bsecrets\b/.test(e))).toEqual([]);
    expect(test.permissions).toEqual({ contents: "read" });
    expect(test.environment).toBeUndefined();
  });

  it("never plan a fork's pull request", () => {
    const pullRequestJobs = allJobs.filter(({ wf }) => triggers(wf).includes("pull_request"));
    for (const { job, where } of pullRequestJobs.filter(({ job }) => job.uses === REUSABLE || job.permissions?.["pull-requests"] === "write")) {
      expect({ where, guard: job.if }).toEqual({ where, guard: expect.stringContaining(FORK_GUARD) });
    }
    // And the reusable workflow guards itself too.
    expect(terraformWorkflow.jobs.plan!.if).toContain(`github.event_name != 'pull_request' || ${FORK_GUARD}`);
  });

  it("plan in the environment's plan environment with the plan role, and apply in the environment itself with the deploy role", () => {
    const { plan, apply } = terraformWorkflow.jobs as { plan: Job; apply: Job };
    expect(environmentOf(plan)).toBe("${{ inputs.plan-environment }}");
    expect(environmentOf(apply)).toBe("${{ inputs.environment }}");
    expect(stepUsing(plan, "aws-actions/configure-aws-credentials").map((s) => s.with?.["role-to-assume"])).toEqual(["${{ inputs.plan-role }}"]);
    expect(stepUsing(apply, "aws-actions/configure-aws-credentials").map((s) => s.with?.["role-to-assume"])).toEqual(["${{ inputs.deploy-role }}"]);
    for (const { job, where } of allJobs.filter(({ job }) => job.uses === REUSABLE)) {
      expect({ where, with: job.with }).toEqual({
        where,
        with: expect.objectContaining({
          environment: "${{ matrix.environment }}",
          "plan-environment": "${{ matrix.planEnvironment }}",
          "plan-role": "${{ matrix.planRole }}",
          "deploy-role": "${{ matrix.deployRole }}",
        }),
      });
      expect(job.strategy?.matrix).toMatch(/^\$\{\{ fromJSON\(needs\.[a-z]+\.outputs\.matrix\) \}\}$/);
    }
  });

  it("apply exactly the plan that was reviewed: sealed by the plan job, opened and applied after the approval gate", () => {
    const { plan, apply } = terraformWorkflow.jobs as { plan: Job; apply: Job };
    expect(apply.needs).toBe("plan");
    const uploads = stepUsing(plan, "actions/upload-artifact").map((s) => s.with?.name);
    const downloads = stepUsing(apply, "actions/download-artifact").map((s) => s.with?.name);
    expect(uploads).toContain("sealed-plan-${{ inputs.environment }}");
    expect(downloads).toEqual(["sealed-plan-${{ inputs.environment }}"]);
    const runs = stepsOf(apply)
      .map((s) => s.run ?? "")
      .join("\n");
    expect(runs).toMatch(/scripts\/ci\/open-plan\.sh/);
    expect(runs).toMatch(/terraform apply [^\n]*\bplan$/m);
    expect(runs).not.toMatch(/cdktf (deploy|destroy)|auto-approve|terraform plan/);
    expect(stepsOf(apply).find((s) => /terraform apply/.test(s.run ?? ""))?.["working-directory"]).toBe("cdktf.out/stacks/${{ inputs.environment }}");
    // Nothing else anywhere changes an environment.
    for (const { job, where } of allJobs.filter(({ wf, id }) => !(wf.file === "terraform.yml" && id === "apply"))) {
      expect({ where, applies: stepsOf(job).some((s) => /terraform apply|cdktf (deploy|destroy)/.test(s.run ?? "")) }).toEqual({ where, applies: false });
    }
  });

  it("share one concurrency group per environment across every workflow that changes it", () => {
    const changing = allJobs.filter(({ job }) => stepUsing(job, "aws-actions/configure-aws-credentials").some((s) => s.with?.["role-to-assume"] === "${{ inputs.deploy-role }}"));
    expect(changing.map((j) => j.where)).toEqual(["terraform.yml:apply"]);
    expect(changing[0]!.job.concurrency).toEqual({ group: "terraform-${{ inputs.environment }}", "cancel-in-progress": false });
    // deploy and destroy both reach it only through the reusable workflow.
    for (const file of ["deploy.yml", "destroy.yml"]) {
      expect(Object.values(workflows.find((w) => w.file === file)!.jobs).filter((j) => j.uses === REUSABLE)).toHaveLength(1);
    }
  });

  it("let jobs and cloud sessions last as long as the longest deploy", () => {
    for (const { job, where } of allJobs.filter(({ job }) => job["runs-on"])) expect({ where, timeout: typeof job["timeout-minutes"] }).toEqual({ where, timeout: "number" });
    const { plan, apply } = terraformWorkflow.jobs as { plan: Job; apply: Job };
    const session = (job: Job) => Number(stepUsing(job, "aws-actions/configure-aws-credentials")[0]!.with?.["role-duration-seconds"]);
    expect(session(apply)).toBe(DEPLOY_SESSION_SECONDS);
    expect(apply["timeout-minutes"]! * 60).toBeLessThanOrEqual(session(apply));
    expect(apply["timeout-minutes"]).toBe(360); // GitHub-hosted jobs stop at 6 h
    expect(session(plan)).toBe(PLAN_SESSION_SECONDS);
    expect(plan["timeout-minutes"]! * 60).toBeLessThanOrEqual(session(plan));
  });

  it("derive the environments from config/environments at run time, never from the workflow", () => {
    for (const wf of workflows.filter((w) => w.file !== "terraform.yml")) {
      expect(wf.text).toMatch(/npx tsx scripts\/ci\/environments\.ts/);
      expect(wf.text).not.toMatch(/\b(dev|prod)\b(?!elop)/);
    }
    expect(jobIn("deploy.yml", "environments").steps!.find((s) => s.run?.includes("environments.ts"))!.run).toContain("--deploy-on-merge");
  });

  it("install the pinned terraform, never a version of their own", () => {
    const setups = allJobs.flatMap(({ job }) => stepUsing(job, "hashicorp/setup-terraform"));
    expect(setups.length).toBeGreaterThan(0);
    for (const step of setups) expect(step.with).toEqual({ terraform_version: "${{ inputs.terraform-version }}", terraform_wrapper: false });
    for (const { job, where } of allJobs.filter(({ job }) => job.uses === REUSABLE)) {
      expect({ where, version: job.with?.["terraform-version"] }).toEqual({ where, version: expect.stringMatching(/^\$\{\{ needs\.[a-z]+\.outputs\.terraform-version \}\}$/) });
    }
  });

  it("make destroy type the environment's name again", () => {
    const destroy = workflows.find((w) => w.file === "destroy.yml")!;
    expect((destroy.on as { workflow_dispatch: { inputs: Record<string, { required: boolean }> } }).workflow_dispatch.inputs.confirm!.required).toBe(true);
    const check = jobIn("destroy.yml", "environments").steps!.find((s) => s.run?.includes("environments.ts"))!;
    expect(check.run).toContain('--only "$ONLY" --confirm "$CONFIRM"');
    expect(check.env).toEqual({ ONLY: "${{ inputs.environment }}", CONFIRM: "${{ inputs.confirm }}" });
    expect(jobIn("destroy.yml", "destroy")).toMatchObject({ needs: "environments", with: expect.objectContaining({ mode: "destroy" }) });
  });

  it("never paste an expression into a shell script (values reach scripts through env)", () => {
    for (const { job, where } of allJobs) {
      for (const step of stepsOf(job).filter((s: Step) => s.run)) expect({ where, run: step.run, expressions: expressionsIn(step.run) }).toEqual({ where, run: step.run, expressions: [] });
    }
  });

  it("do not leave checkout credentials on runners that run repository code", () => {
    for (const { job, where } of allJobs) {
      for (const step of stepUsing(job, "actions/checkout")) expect({ where, persist: step.with?.["persist-credentials"] }).toEqual({ where, persist: false });
    }
  });
});
