import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { EnvironmentConfigError, loadEnvironments, loadSettings, parseEnvironment } from "../../../config/load";
import { settingsErrorsOf, SettingsErrors } from "../../../config/problems";
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
    expect(prod?.observability).toEqual({ tracing: true, executionLogLevel: "ERROR", sourceMaps: false });
  });

  it("protects data unless an environment says otherwise", () => {
    const { protectData: _omitted, observability: _default, ...raw } = rawEnvironment("dev") as Record<string, unknown>;
    const env = parseEnvironment("sandbox", raw);
    expect(env.protectData).toBe(true);
    expect(env.observability).toEqual({ tracing: false, executionLogLevel: "ERROR", sourceMaps: false });
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
        "  - emailRouting.classifier.confidenceThreshold: must be at most 1, got 1.5",
        '  - emailRouting.frontDoor: must be one of "api-gateway", "lambda", got the string "webhook"',
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
    expect(problemsOf("dev", raw)).toMatch(/^ {2}- genesys\.region: must be one of "us-east-1", "us-east-2", .*, got the string "mars-north-1"$/m);
    expect(problemsOf("Prod_1", rawEnvironment("dev"))).toBe(
      'Invalid environment "Prod_1" (config/environments/Prod_1.json):\n' +
        "  - name: must be 1-16 lower-case letters, digits or '-', starting with a letter",
    );
  });

  it("says what each field must be and what it got: enums list their values, numbers in quotes are named as strings", () => {
    const raw = rawEnvironment("dev") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.logRetentionDays = 15;
    raw.emailRouting.dataActionTimeoutSeconds = "14";
    raw.emailRouting.enabled = "yes";
    raw.emailRouting.fromName = "";
    raw.emailRouting.topicQueues = { "IRA plans": "IRA" };
    raw.emailRouting.classifier.comprehend = { languageCode: "xx", trainingTimeoutMinutes: 30 };
    raw.identityGraph.maxConcurrency = 2.5;
    raw.state = { backend: "gcs" };
    raw.tags = ["owner"];
    expect(problemsOf("dev", raw).split("\n")).toEqual([
      'Invalid environment "dev" (config/environments/dev.json):',
      "  - logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 15",
      "  - emailRouting.enabled: must be true or false, got the string \"yes\"",
      "  - emailRouting.fromName: must not be empty",
      '  - emailRouting.classifier.comprehend.languageCode: must be one of "en", "es", "fr", "it", "de", "pt", got the string "xx"',
      "  - emailRouting.classifier.comprehend.trainingTimeoutMinutes: must be at least 60, got 30",
      "  - emailRouting.topicQueues.IRA plans: is not a valid key: must be 1-60 letters, digits, '_' or '-'",
      '  - emailRouting.dataActionTimeoutSeconds: must be a number, got the string "14"',
      "  - identityGraph.maxConcurrency: must be a whole number, got 2.5",
      '  - state.backend: must be one of "local", "s3", got the string "gcs"',
      "  - tags: must be an object, got a list",
    ]);
    raw.logRetentionDays = "14";
    expect(problemsOf("dev", raw)).toContain('  - logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got the string "14"');
    raw.state = {};
    expect(problemsOf("dev", raw)).toContain('  - state.backend: is required: one of "local", "s3"');
  });

  it("refuses an AWS region that does not exist, or is outside the commercial partition, in aws.region and state.region", () => {
    const raw = rawEnvironment("dev") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.aws.region = "us-north-9";
    raw.state.region = "us-gov-west-1";
    const lines = problemsOf("dev", raw).split("\n");
    expect(lines[1]).toMatch(/^ {2}- aws\.region: "us-north-9" is not a region of the AWS commercial partition \(the one Genesys Cloud integrates with\); expected one of af-south-1, .*, us-east-1, .*us-west-2$/);
    expect(lines[2]).toMatch(/^ {2}- state\.region: "us-gov-west-1" is not a region of the AWS commercial partition /);
    expect(problemsOf("dev", { ...raw, aws: { ...raw.aws, region: "cn-north-1" }, state: { backend: "s3" } })).toContain('aws.region: "cn-north-1" is not a region of the AWS commercial partition');
    expect(parseEnvironment("dev", { ...raw, aws: { ...raw.aws, region: "ap-southeast-7" }, state: { backend: "s3" } }).aws.region).toBe("ap-southeast-7");
  });

  it("refuses a default phone region with no numbering plan", () => {
    const raw = rawEnvironment("dev") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(problemsOf("dev", { ...raw, identityGraph: { ...raw.identityGraph, defaultPhoneRegion: "XX" } })).toContain(
      "identityGraph.defaultPhoneRegion: must be an ISO 3166-1 alpha-2 country code with a telephone numbering plan, such as US",
    );
    expect(parseEnvironment("dev", { ...raw, identityGraph: { ...raw.identityGraph, defaultPhoneRegion: "GB" } }).identityGraph.defaultPhoneRegion).toBe("GB");
  });

  it("reports every invalid file of a directory at once, and the CI settings with them", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    const bad = rawEnvironment("dev") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    bad.logRetentionDays = 15;
    writeFileSync(join(dir, "qa.json"), JSON.stringify(bad));
    writeFileSync(join(dir, "staging.json"), JSON.stringify(rawEnvironment("dev")));
    writeFileSync(join(dir, "uat.json"), "{");
    const ci = join(mkdtempSync(join(tmpdir(), "ci-")), "ci.json");
    writeFileSync(ci, JSON.stringify({ github: {} }));
    let thrown: unknown;
    try {
      loadSettings(dir, ci);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsErrors);
    expect(settingsErrorsOf(thrown).map((e) => e.heading)).toEqual([
      `Invalid environment "qa" (${relative(process.cwd(), join(dir, "qa.json"))})`,
      `Invalid environment "uat" (${relative(process.cwd(), join(dir, "uat.json"))})`,
      `Invalid CI settings (${relative(process.cwd(), ci)})`,
    ]);
    expect((thrown as Error).message.split("\n").filter((line) => line.startsWith("  - "))).toEqual([
      expect.stringMatching(/^ {2}- logRetentionDays: must be one of 1, 3, .*, got 15$/),
      expect.stringMatching(/^ {2}- \(file\): is not valid JSON: /),
      "  - github.repository: is required",
    ]);
    writeFileSync(ci, JSON.stringify({ github: { repository: "acme/gcx" } }));
    writeFileSync(join(dir, "qa.json"), JSON.stringify(rawEnvironment("dev")));
    rmSync(join(dir, "uat.json"));
    expect(loadSettings(dir, ci).environments.map((e) => e.name)).toEqual(["qa", "staging"]);
  });

  it("reads every JSON file of a directory, and names a file that is not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    writeFileSync(join(dir, "staging.json"), JSON.stringify(rawEnvironment("dev")));
    expect(loadEnvironments(dir).map((e) => e.name)).toEqual(["staging"]);
    writeFileSync(join(dir, "broken.json"), "{ not json");
    expect(() => loadEnvironments(dir)).toThrow(/^Invalid environment "broken" \(.*broken\.json\):\n {2}- \(file\): is not valid JSON/);
  });
});
