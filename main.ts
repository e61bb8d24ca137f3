import { requireTerraformForCdktfCommand } from "./scripts/ci/terraform-preflight";
import { synthesizeOrReplay } from "./scripts/build/synth-cache";

// Before any work: `cdktf diff|deploy|destroy` stop here with one line when terraform is missing or not the pinned version.
requireTerraformForCdktfCommand();

// With nothing changed since the last synth, its output is replayed instead (scripts/build/synth-cache.ts).
synthesizeOrReplay({
  // Builds the Lambda bundles and models that changed, in parallel, before the synchronous constructs ask for them.
  prepare: async () => {
    const { prebuildFunctions } = await import("./scripts/build/lambda-bundle");
    await prebuildFunctions();
  },
  synthesize: async () => {
    const { App } = await import("cdktf");
    const { loadCiSettings } = await import("./config/ci");
    const { loadEnvironments } = await import("./config/load");
    const { addBootstrapStacks } = await import("./stacks/bootstrap-stack");
    const { EnvironmentStack } = await import("./stacks/environment-stack");
    const app = new App();
    const environments = loadEnvironments();
    for (const environment of environments) new EnvironmentStack(app, environment);
    addBootstrapStacks(app, environments, loadCiSettings());
    app.synth();
  },
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
