/**
 * `npm run doctor -- <env>`: preflight checks of one environment before `cdktf deploy <env>`.
 *
 * Offline, always: the configuration and its synthesis, the pinned terraform on PATH, the Lambda
 * data action's region, email domains per org, name lengths, the Genesys provider schema.
 * Live and read-only, when credentials are present: Genesys as Terraform's OAuth client
 * (GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET) and AWS through the default chain.
 * Exit status 1 when any check fails, 2 on a usage error.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { STSClient } from "@aws-sdk/client-sts";
import { App } from "cdktf";
import { Environment } from "../../../config/environment";
import { ENVIRONMENTS_DIR, loadEnvironmentFile } from "../../../config/load";
import { EnvironmentStack } from "../../../stacks/environment-stack";
import { GenesysAdminApi } from "../genesys-admin-api";
import { DoctorDependencies, EnvironmentEntry, exitCodeOf, formatResults, runDoctor, SynthesizedStack } from "./doctor";
import { installedTerraformVersion } from "./terraform-version";

// The lock file pins the AWS SDK; its warning that later SDK releases will need Node 22 is not for this run's reader.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Every config/environments/*.json, each validated on its own. */
export function readEnvironmentEntries(dir: string = ENVIRONMENTS_DIR): EnvironmentEntry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const name = basename(file, ".json");
      try {
        return { name, environment: loadEnvironmentFile(join(dir, file)) };
      } catch (error) {
        return { name, error: (error as Error).message };
      }
    });
}

/** Synthesizes one environment into a throw-away directory, as `cdktf synth` would. */
export function synthesizeToJson(environment: Environment): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), "doctor-synth-"));
  try {
    const app = new App({ outdir });
    new EnvironmentStack(app, environment);
    app.synth();
    return JSON.parse(readFileSync(join(outdir, "stacks", environment.name, "cdk.tf.json"), "utf8")) as SynthesizedStack;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function dependenciesFromProcess(env: NodeJS.ProcessEnv): DoctorDependencies {
  const clientId = env.GENESYSCLOUD_OAUTHCLIENT_ID;
  const clientSecret = env.GENESYSCLOUD_OAUTHCLIENT_SECRET;
  return {
    environments: readEnvironmentEntries(),
    synthesize: synthesizeToJson,
    terraformVersion: () => installedTerraformVersion(),
    genesys:
      clientId && clientSecret
        ? (environment) => new GenesysAdminApi({ auth: { kind: "client-credentials", clientId, clientSecret }, region: environment.genesys.region })
        : undefined,
    sts: (environment) => new STSClient({ region: environment.aws.region }),
  };
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || rest.length > 0 || name.startsWith("-")) {
    console.error("usage: npm run doctor -- <env>   (an environment of config/environments/)");
    return 2;
  }
  let dependencies = dependenciesFromProcess(process.env);
  const entry = dependencies.environments.find((e) => e.name === name);
  if (entry && "error" in entry) {
    // The problems once, as synth prints them; the configuration line then points at them.
    console.log(entry.error);
    const pointer = { name, error: `config/environments/${name}.json is invalid (the problems are listed above)` };
    dependencies = { ...dependencies, environments: dependencies.environments.map((e) => (e === entry ? pointer : e)) };
  }
  const results = await runDoctor(name, dependencies);
  console.log(formatResults(results));
  return exitCodeOf(results);
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
