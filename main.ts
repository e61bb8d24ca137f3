import { synthesizeOrReplay } from "./scripts/build/synth-cache";

/** The app: one stack per environment, after building the Lambda bundles that changed (in parallel). */
async function synthesize(): Promise<void> {
  const { App } = await import("cdktf");
  const { loadEnvironments } = await import("./config/load");
  const { EnvironmentStack } = await import("./stacks/environment-stack");
  const { prebuildFunctions } = await import("./scripts/build/lambda-bundle");
  await prebuildFunctions();
  const app = new App();
  for (const environment of loadEnvironments()) {
    new EnvironmentStack(app, environment);
  }
  app.synth();
}

// With nothing changed since the last synth, its output is replayed instead (scripts/build/synth-cache.ts).
synthesizeOrReplay(synthesize).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
