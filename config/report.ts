import { settingsErrorsOf } from "./problems";

/**
 * Ends the app on `error`. Invalid settings are printed once: under the cdktf CLI (synth, diff, deploy,
 * destroy), whatever the app writes to stdout or stderr is printed twice, as it arrives and again in
 * the CLI's summary, so there they go to the CLI as one error annotation, which it prints once before
 * refusing to go on (exit 1); run directly (`npm start`), on stderr. Anything else: its message on stderr.
 */
export async function exitOnError(error: unknown, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const invalid = settingsErrorsOf(error);
  // The CLI sets this for the app it runs, and then reads the annotations of what the app synthesizes.
  if (invalid.length > 0 && env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === "true") {
    const { Annotations, App, DISABLE_STACK_TRACE_IN_METADATA, TerraformStack } = await import("cdktf");
    const app = new App({ context: { [DISABLE_STACK_TRACE_IN_METADATA]: true } });
    Annotations.of(new TerraformStack(app, "settings")).addError(invalid.map((e) => e.message).join("\n"));
    app.synth();
    return;
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
