import { App } from "cdktf";
import { loadCiSettings } from "./config/ci";
import { loadEnvironments } from "./config/load";
import { requireTerraformForCdktfCommand } from "./scripts/ci/terraform-preflight";
import { addBootstrapStacks } from "./stacks/bootstrap-stack";
import { EnvironmentStack } from "./stacks/environment-stack";

// Before any work: `cdktf diff|deploy|destroy` stop here with one line when terraform is missing or not the pinned version.
requireTerraformForCdktfCommand();

const app = new App();
const environments = loadEnvironments();
for (const environment of environments) new EnvironmentStack(app, environment);
addBootstrapStacks(app, environments, loadCiSettings());
app.synth();
