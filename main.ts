import { synthesizeOrReplay } from "./scripts/build/synth-cache";

// With nothing changed since the last synth, its output is replayed instead (scripts/build/synth-cache.ts).
synthesizeOrReplay({
  // Builds the Lambda bundles and models that changed, in parallel, before the synchronous constructs ask for them.
  prepare: async () => {
    const { prebuildFunctions } = await import("./scripts/build/lambda-bundle");
    await prebuildFunctions();
  },
  synthesize: async () => {
    const { App } = await import("cdktf");
    const { loadEnvironments } = await import("./config/load");
    const { EnvironmentStack } = await import("./stacks/environment-stack");
    const app = new App();
    for (const environment of loadEnvironments()) {
      new EnvironmentStack(app, environment);
    }
    app.synth();
  },
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
