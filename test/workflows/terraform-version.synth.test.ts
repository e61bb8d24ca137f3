import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parseCiSettings } from "../../config/ci";
import { loadEnvironments } from "../../config/load";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { githubOutputs } from "../../scripts/ci/environments";
import { addBootstrapStacks } from "../../stacks/bootstrap-stack";
import { shipped } from "../support/synth";
import { ROOT, workflowFiles, WORKFLOWS_DIR } from "./support";

/** The one terraform version: config/terraform.ts, and everything that must agree with it. */
describe("the pinned terraform version", () => {
  it("is one exact release with the S3 lock file (1.11 or later)", () => {
    const [major, minor] = TERRAFORM_VERSION.split(".").map(Number) as [number, number];
    expect(TERRAFORM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
  });

  it("is what every stack requires", () => {
    for (const name of ["dev", "prod"]) expect(shipped(name).terraform.required_version).toBe(TERRAFORM_VERSION);
    const app = Testing.app();
    for (const stack of addBootstrapStacks(app, loadEnvironments(), parseCiSettings({ github: { repository: "acme/gcx" } }))) {
      expect((JSON.parse(Testing.synth(stack)) as { terraform: { required_version: string } }).terraform.required_version).toBe(TERRAFORM_VERSION);
    }
  });

  it("is what the workflows install: from the environments script's output, never a literal", () => {
    expect(githubOutputs([])).toContain(`terraform-version=${TERRAFORM_VERSION}\n`);
    for (const file of workflowFiles()) {
      const text = readFileSync(join(WORKFLOWS_DIR, file), "utf8");
      expect({ file, literal: /terraform_version:\s*["']?\d/.test(text) || /terraform-version:\s*["']?\d/.test(text) }).toEqual({ file, literal: false });
    }
  });

  it("is what the docs and the check before cdktf diff|deploy name", () => {
    expect(readFileSync(join(ROOT, "docs", "first-deploy.md"), "utf8")).toContain(`terraform ${TERRAFORM_VERSION}`);
    expect(readFileSync(join(ROOT, "docs", "troubleshooting.md"), "utf8")).toContain(`needs terraform ${TERRAFORM_VERSION}`);
  });
});
