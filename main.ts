import { App } from "cdktf";
import { loadEnvironments } from "./config/load";
import { requireTerraformForCdktfCommand } from "./scripts/ci/terraform-preflight";
import { EnvironmentStack } from "./stacks/environment-stack";

// Before any work: `cdktf diff|deploy|destroy` stop here with one line when terraform is missing or not the pinned version.
requireTerraformForCdktfCommand();

const app = new App();
for (const environment of loadEnvironments()) {
  new EnvironmentStack(app, environment);
}
app.synth();
