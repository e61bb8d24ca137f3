import { requireTerraformForCdktfCommand } from "./scripts/ci/terraform-preflight";
import { synthesizeOrReplay } from "./scripts/build/synth-cache";

// Before any work: `cdktf diff|deploy|destroy` stop here with one line when terraform is missing or not the pinned version.
requireTerraformForCdktfCommand();

// With nothing changed since the last synth, its output is replayed instead (scripts/build/synth-cache.ts).
synthesizeOrReplay({
  prepare: async () => {
    // Invalid settings stop the synth before anything is built.
    const { loadSettings } = await import("./config/load");
    loadSettings();
    // Builds the Lambda bundles and models that changed, in parallel, before the synchronous constructs ask for them.
    const { prebuildFunctions } = await import("./scripts/build/lambda-bundle");
    await prebuildFunctions();
  },
  synthesize: async () => {
    const { App } = await import("cdktf");
    const { loadSettings } = await import("./config/load");
    const { addBootstrapStacks } = await import("./stacks/bootstrap-stack");
    const { EnvironmentStack } = await import("./stacks/environment-stack");
    const app = new App();
    const { environments, ci } = loadSettings();
    for (const environment of environments) new EnvironmentStack(app, environment);
    addBootstrapStacks(app, environments, ci);
    app.synth();
  },
}).catch(async (error: unknown) => {
  const { exitOnError } = await import("./config/report");
  await exitOnError(error);
});
