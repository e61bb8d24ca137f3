import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentConfigError, loadEnvironments, parseEnvironment } from "../../../config/load";
import { GENESYS_AWS_ACCOUNT_ID, GENESYS_FEDRAMP_AWS_ACCOUNT_ID } from "../../../functions/shared/genesys/regions";
import { rawEnvironment } from "../../support/synth";

function problemsOf(name: string, raw: unknown): string {
  try {
    parseEnvironment(name, raw, `config/environments/${name}.json`);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the environment to be rejected");
}

describe("environment configuration", () => {
  it("loads the shipped dev and prod environments with their defaults", () => {
    const [dev, prod] = loadEnvironments();
    expect(dev?.name).toBe("dev");
    expect(dev?.state).toEqual({ backend: "s3", encrypt: true });
    expect(dev?.ci).toEqual({ deployOnMerge: true });
    expect(dev?.emailRouting.classifier).toMatchObject({ backend: "embedded", confidenceThreshold: 0.75 });
    expect([dev?.emailRouting.enabled, dev?.attachmentRouting.enabled, dev?.identityGraph.enabled]).toEqual([true, true, true]);
    expect(prod?.name).toBe("prod");
    expect(prod?.emailRouting.classifier.backend).toBe("comprehend");
    expect(prod?.state).toEqual({ backend: "s3", encrypt: true });
    expect(prod?.ci).toEqual({ deployOnMerge: false });
    expect(prod?.genesys.awsAccountId).toBe(GENESYS_AWS_ACCOUNT_ID);
    expect(prod?.namePrefix).toBe("gcx");
    expect([dev?.protectData, prod?.protectData]).toEqual([false, true]);
    expect(prod?.observability).toEqual({ tracing: true, executionLogLevel: "ERROR" });
  });

  it("protects data unless an environment says otherwise", () => {
    const { protectData: _omitted, observability: _default, ...raw } = rawEnvironment("dev") as Record<string, unknown>;
    const env = parseEnvironment("sandbox", raw);
    expect(env.protectData).toBe(true);
    expect(env.observability).toEqual({ tracing: false, executionLogLevel: "ERROR" });
  });

  it("defaults the Genesys AWS account to the FedRAMP one in us-east-2", () => {
    const raw = rawEnvironment("dev");
    const env = parseEnvironment("fed", { ...raw, aws: { region: "us-east-2", accountId: "111111111111" }, genesys: { region: "us-east-2" } });
    expect(env.genesys.awsAccountId).toBe(GENESYS_FEDRAMP_AWS_ACCOUNT_ID);
  });

  it("names the environment and every bad field", () => {
    const raw = rawEnvironment("prod") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.aws.accountId = "12345";
    raw.emailRouting.classifier.confidenceThreshold = 1.5;
    raw.emailRouting.frontDoor = "webhook";
    raw.state.encrypt = false;
    raw.colour = "blue";
    expect(problemsOf("prod", raw)).toBe(
      [
        'Invalid environment "prod" (config/environments/prod.json):',
        "  - aws.accountId: must be a 12-digit AWS account id",
        "  - emailRouting.classifier.confidenceThreshold: Too big: expected number to be <=1",
        '  - emailRouting.frontDoor: Invalid option: expected one of "api-gateway"|"lambda"',
        "  - state.encrypt: must be true: state holds secrets",
        "  - colour: is not a known setting",
      ].join("\n"),
    );
  });

  it("reports missing sections as required", () => {
    expect(problemsOf("qa", { aws: { region: "us-east-1", accountId: "111111111111" } })).toBe(
      [
        'Invalid environment "qa" (config/environments/qa.json):',
        "  - genesys: is required",
        "  - emailRouting: is required",
        "  - attachmentRouting: is required",
        "  - identityGraph: is required",
        "  - state: is required",
      ].join("\n"),
    );
  });

  it("refuses a Lambda front door outside the Genesys org's region", () => {
    const raw = rawEnvironment("prod") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.aws.region = "eu-west-1";
    expect(problemsOf("prod", raw)).toBe(
      'Invalid environment "prod" (config/environments/prod.json):\n' +
        '  - emailRouting.frontDoor: "lambda" needs the function in the Genesys org\'s region: aws.region is eu-west-1, genesys.region is us-east-1',
    );
  });

  it("refuses an unknown Genesys region and a bad environment name", () => {
    const raw = rawEnvironment("dev") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.genesys.region = "mars-north-1";
    expect(problemsOf("dev", raw)).toMatch(/^ {2}- genesys\.region: Invalid option: expected one of "us-east-1"\|/m);
    expect(problemsOf("Prod_1", rawEnvironment("dev"))).toBe(
      'Invalid environment "Prod_1" (config/environments/Prod_1.json):\n' +
        "  - name: must be 1-16 lower-case letters, digits or '-', starting with a letter",
    );
  });

  it("reads every JSON file of a directory, and names a file that is not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    writeFileSync(join(dir, "staging.json"), JSON.stringify(rawEnvironment("dev")));
    expect(loadEnvironments(dir).map((e) => e.name)).toEqual(["staging"]);
    writeFileSync(join(dir, "broken.json"), "{ not json");
    expect(() => loadEnvironments(dir)).toThrow(/^Invalid environment "broken" \(.*broken\.json\):\n {2}- \(file\): is not valid JSON/);
  });
});
