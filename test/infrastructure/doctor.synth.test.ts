import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { Environment } from "../../config/environment";
import { CHECK_NAMES, CheckResult, DoctorDependencies, EnvironmentEntry, exitCodeOf, formatResults, runDoctor, SynthesizedStack } from "../../scripts/checks/doctor/doctor";
import { readEnvironmentEntries } from "../../scripts/checks/doctor/index";
import { namesOverLimits } from "../../scripts/checks/doctor/name-limits";
import { genesysTypesOf, TERRAFORM_PERMISSIONS_BY_TYPE, terraformPermissionsFor } from "../../scripts/checks/doctor/terraform-client-rights";
import { parseTerraformVersion } from "../../scripts/checks/doctor/terraform-version";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { GenesysAdminApi } from "../../scripts/checks/genesys-admin-api";
import { setUpGenesysOrg } from "../../scripts/checks/genesys-org-setup";
import { GenesysAdminFake, startGenesysAdminFake } from "../support/genesys-admin-fake";
import { shipped, variant } from "../support/synth";
import { ADMIN_PERMISSIONS, seedOrg } from "./genesys-org-fixture";

const ORG_ID = "5b5d6a1e-3c2f-4f7e-9a0b-1c2d3e4f5a6b";
const sts = mockClient(STSClient);
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const entry = (name: string, change: (raw: Raw) => void = () => undefined, base = "dev"): EnvironmentEntry => ({ name, environment: variant(base, change, name) });
const statusOf = (results: readonly CheckResult[], name: string) => results.find((r) => r.name === name)!;

// One synthesis for the whole file (bundling every Lambda takes a while on a loaded machine).
beforeAll(() => void shipped("dev"), 300_000);

describe("npm run doctor", () => {
  let fake: GenesysAdminFake;
  beforeEach(async () => {
    fake = await startGenesysAdminFake();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: "111111111111", Arn: "arn:aws:sts::111111111111:assumed-role/deploy/ci" });
  });
  afterEach(() => fake.close());

  /** Doctor dependencies against the fake; the stack is the shipped dev synthesis unless given. */
  const deps = (options: { environments?: EnvironmentEntry[]; client?: { id: string; secret: string }; terraform?: string; stack?: SynthesizedStack } = {}): DoctorDependencies => ({
    environments: options.environments ?? readEnvironmentEntries(),
    synthesize: () => options.stack ?? shipped("dev"),
    terraformVersion: async () => options.terraform ?? TERRAFORM_VERSION,
    genesys: options.client
      ? () => new GenesysAdminApi({ auth: { kind: "client-credentials", clientId: options.client!.id, clientSecret: options.client!.secret }, apiBaseUrl: fake.apiBaseUrl, loginBaseUrl: fake.loginBaseUrl, sleep: async () => undefined })
      : undefined,
    sts: (environment: Environment) => new STSClient({ region: environment.aws.region }),
  });

  it("passes every check for a set-up org, one line each, exit 0", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    const results = await runDoctor("dev", deps({ client: terraformClient }));

    expect(results.map((r) => r.name)).toEqual([...CHECK_NAMES]);
    expect(results.filter((r) => r.status !== "ok")).toEqual([]);
    expect(exitCodeOf(results)).toBe(0);
    const output = formatResults(results).split("\n");
    expect(output).toHaveLength(CHECK_NAMES.length + 1);
    expect(output.at(-1)).toBe(`${CHECK_NAMES.length} ok, 0 failed, 0 skipped`);
    expect(output).toContain(`ok    genesys credentials: a client-credentials token from login.mypurecloud.com for OAuth client "terraform"`);
    expect(statusOf(results, "functions' role").detail).toBe(
      'role "gcx-dev-functions" holds conversation:agentlessEmail:send, conversation:communication:blindTransferQueue; Terraform\'s OAuth client holds it',
    );
    expect(statusOf(results, "integration types").detail).toBe("amazon-eventbridge-source, custom-rest-actions available");
    expect(statusOf(results, "aws account").detail).toBe("credentials for account 111111111111 (arn:aws:sts::111111111111:assumed-role/deploy/ci), as configured");
    expect(fake.writes()).toEqual([]);
  });

  it("on a fresh org fails the functions' role with the set-up as the fix, and passes once the set-up ran", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    const before = await runDoctor("dev", deps({ client: terraformClient }));
    expect(statusOf(before, "functions' role")).toEqual({
      name: "functions' role",
      status: "fail",
      detail: 'no role "gcx-dev-functions" in the org (the stack looks it up by name)',
      fix: "run `npm run genesys:setup -- dev` as a Genesys administrator (docs/genesys-setup.md), then wait up to 5 minutes",
    });
    expect(exitCodeOf(before)).toBe(1);
    expect(formatResults(before)).toMatch(/^fail  functions' role: no role "gcx-dev-functions" in the org \(the stack looks it up by name\) -- fix: run `npm run genesys:setup -- dev`/m);

    const admin = new GenesysAdminApi({ auth: { kind: "access-token", token: fake.issueUserToken(ADMIN_PERMISSIONS) }, apiBaseUrl: fake.apiBaseUrl, loginBaseUrl: fake.loginBaseUrl });
    await setUpGenesysOrg({ environment: variant("dev", () => undefined), api: admin, terraformClientId: terraformClient.id, log: () => undefined });

    const after = await runDoctor("dev", deps({ client: terraformClient }));
    expect(after.filter((r) => r.status !== "ok")).toEqual([]);
  });

  it("fails when Terraform's client does not hold the functions' role", async () => {
    const { terraformClient, functionsRole } = seedOrg(fake, { functionsRole: true });
    terraformClient.roleDivisions = terraformClient.roleDivisions.filter((g) => g.roleId !== functionsRole!.id);
    const result = statusOf(await runDoctor("dev", deps({ client: terraformClient })), "functions' role");
    expect(result.status).toBe("fail");
    expect(result.detail).toBe('Terraform\'s OAuth client "terraform" does not hold role "gcx-dev-functions", so it may not give it to the functions\' client');
  });

  it("fails a functions' role that lacks a permission, accepts a documented alternative, and notes extras", async () => {
    const { terraformClient, functionsRole } = seedOrg(fake, { functionsRole: true });
    functionsRole!.permissionPolicies = [{ domain: "conversation", entityName: "communication", actionSet: ["blindTransferQueue"] }];
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient })), "functions' role")).toMatchObject({
      status: "fail",
      detail: 'role "gcx-dev-functions" lacks conversation:agentlessEmail:send',
    });
    functionsRole!.permissionPolicies = [
      { domain: "conversation", entityName: "communication", actionSet: ["blindTransfer"] },
      { domain: "conversation", entityName: "email", actionSet: ["create"] },
    ];
    const alternative = statusOf(await runDoctor("dev", deps({ client: terraformClient })), "functions' role");
    expect(alternative.status).toBe("ok");
    expect(alternative.detail).toContain("it also holds conversation:communication:blindTransfer, conversation:email:create, more than the functions need");
  });

  it("lists the permissions Terraform's client lacks for the stack's resources", async () => {
    const { terraformClient, terraformRole } = seedOrg(fake, { functionsRole: true });
    const policies = terraformRole.permissionPolicies;
    terraformRole.permissionPolicies = policies
      .filter((p) => p.entityName !== "flowLogLevel")
      .map((p) => (p.domain === "oauth" ? { ...p, actionSet: ["view"] } : p));
    const result = statusOf(await runDoctor("dev", deps({ client: terraformClient })), "terraform client rights");
    expect(result.status).toBe("fail");
    expect(result.detail).toBe(
      'Terraform\'s OAuth client "terraform" lacks 7 permission(s) the stack\'s resources need: architect:flowLogLevel:add, architect:flowLogLevel:delete, architect:flowLogLevel:edit, architect:flowLogLevel:view, oauth:client:add, oauth:client:delete, oauth:client:edit',
    );

    // Without oauth:client:view it cannot read itself: both checks say so instead of guessing.
    terraformRole.permissionPolicies = policies.filter((p) => p.domain !== "oauth");
    const blind = await runDoctor("dev", deps({ client: terraformClient }));
    expect(statusOf(blind, "terraform client rights")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^Genesys refused GET \/api\/v2\/oauth\/clients\/[^ ]+ \(HTTP 403: .*oauth:client:view/),
      fix: "give Terraform's OAuth client oauth:client:view and authorization:role:view (it needs both to deploy)",
    });
    expect(statusOf(blind, "functions' role")).toMatchObject({ status: "fail", detail: expect.stringContaining("whether Terraform's OAuth client holds it is unknown") });
  });

  it("accepts wildcard policies on Terraform's role", async () => {
    const { terraformClient, terraformRole } = seedOrg(fake, { functionsRole: true });
    terraformRole.permissionPolicies = [{ domain: "*", entityName: "*", actionSet: ["*"] }];
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient })), "terraform client rights").status).toBe("ok");
  });

  it("fails a permission the org's catalogue does not have (the provider would only log it)", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    fake.catalogue.delete("conversation:agentlessEmail:send");
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient })), "permission catalogue")).toMatchObject({
      status: "fail",
      detail: "not in this org's permission catalogue: conversation:agentlessEmail:send",
    });
    const query = fake.requests.find((r) => r.path === "/api/v2/authorization/permissions")!.query;
    expect(query).toMatchObject({ queryType: "domain", query: "conversation", pageSize: "100", pageNumber: "1" });
  });

  it("counts the org's email domains against its limit, and checks a reused domain exists", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    fake.emailDomains.push({ id: "support.acme.com", subDomain: false });
    const full = statusOf(await runDoctor("dev", deps({ client: terraformClient })), "email domain count");
    expect(full).toEqual({
      name: "email domain count",
      status: "fail",
      detail: 'the org has 2 of 2 email domains (acme.mypurecloud.com, support.acme.com); creating "gcx-dev-acme" would exceed the limit',
      fix: "reuse one: set emailRouting.existingEmailDomain to it and drop emailDomainLabel; or delete an unused domain",
    });

    const reuse = (name: string) => [
      entry("dev", (raw) => {
        delete raw.emailRouting.emailDomainLabel;
        raw.emailRouting.existingEmailDomain = name;
      }),
    ];
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient, environments: reuse("support.acme.com") })), "email domain count")).toMatchObject({
      status: "ok",
      detail: "reuses support.acme.com, which exists (2 of 2 domains in use)",
    });
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient, environments: reuse("help.acme.com") })), "email domain count")).toMatchObject({
      status: "fail",
      detail: "no email domain help.acme.com in the org (domains: acme.mypurecloud.com, support.acme.com)",
    });
    const raised = [entry("dev", (raw) => (raw.genesys.emailDomainLimit = 3))];
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient, environments: raised })), "email domain count").status).toBe("ok");
  });

  it("recognizes the environment's own subdomain once deployed", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    fake.emailDomains.push({ id: "gcx-dev-acme.mypurecloud.com", subDomain: true });
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient })), "email domain count")).toMatchObject({
      status: "ok",
      detail: "gcx-dev-acme.mypurecloud.com exists already (this environment's, if it is deployed); 2 of 2 domains in use",
    });
  });

  it("fails an integration type the org cannot install", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    fake.integrationTypes.delete("amazon-eventbridge-source");
    fake.integrationTypes.set("custom-rest-actions", { id: "custom-rest-actions", name: "Web Services Data Actions", nonInstallable: true });
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient })), "integration types")).toMatchObject({
      status: "fail",
      detail: "this org cannot install amazon-eventbridge-source (not available), custom-rest-actions (not installable)",
    });
  });

  it("names the missing permission when Genesys refuses a read", async () => {
    const { terraformClient, terraformRole } = seedOrg(fake, { functionsRole: true });
    terraformRole.permissionPolicies = terraformRole.permissionPolicies.map((p) => (p.domain === "routing" && p.entityName === "email" ? { ...p, actionSet: ["view"] } : p));
    const result = statusOf(await runDoctor("dev", deps({ client: terraformClient })), "email domain count");
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/^Genesys refused GET \/api\/v2\/routing\/email\/domains \(HTTP 403: .*routing:email:manage/);
    expect(result.fix).toBe("give Terraform's OAuth client routing:email:manage (it needs it to deploy)");
  });

  it("rides out a transient 503 on a read", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    fake.failNext("GET /api/v2/routing/email/domains", { status: 503, body: { message: "unavailable", status: 503 } });
    expect(statusOf(await runDoctor("dev", deps({ client: terraformClient })), "email domain count").status).toBe("ok");
    expect(fake.requests.filter((r) => r.path === "/api/v2/routing/email/domains")).toHaveLength(2);
  });

  it("refuses credentials of another org than genesys.orgId", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    const results = await runDoctor("dev", deps({ client: terraformClient, environments: [entry("dev", (raw) => (raw.genesys.orgId = ORG_ID))] }));
    expect(statusOf(results, "genesys org")).toMatchObject({
      status: "fail",
      detail: `the credentials belong to org "acme-sandbox" (${fake.org.id}); genesys.orgId is ${ORG_ID}`,
    });
  });

  it("fails bad Genesys credentials without echoing them and skips the checks that need them", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: true });
    const results = await runDoctor("dev", deps({ client: { id: terraformClient.id, secret: "not-the-secret-5eb1" } }));
    expect(statusOf(results, "genesys credentials")).toMatchObject({ status: "fail", fix: expect.stringContaining("genesys.region (us-east-1)") });
    for (const name of ["genesys org", "terraform client rights", "functions' role", "permission catalogue", "email domain count", "integration types"]) {
      expect(statusOf(results, name)).toEqual({ name, status: "skip", detail: "needs working Genesys credentials" });
    }
    expect(formatResults(results)).not.toContain("not-the-secret-5eb1");
  });

  it("skips the live checks without credentials and still passes the offline ones", async () => {
    sts.reset();
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    const results = await runDoctor("dev", deps());
    expect(results.filter((r) => r.status === "skip").map((r) => r.name)).toEqual([
      "genesys credentials",
      "genesys org",
      "terraform client rights",
      "functions' role",
      "permission catalogue",
      "email domain count",
      "integration types",
      "aws account",
    ]);
    expect(statusOf(results, "genesys org").detail).toBe("needs GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (Terraform's OAuth client)");
    expect(exitCodeOf(results)).toBe(0);
    expect(fake.requests).toEqual([]);
  });

  it("fails AWS credentials of another account", async () => {
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: "999999999999", Arn: "arn:aws:iam::999999999999:user/someone" });
    expect(statusOf(await runDoctor("dev", deps()), "aws account")).toEqual({
      name: "aws account",
      status: "fail",
      detail: "the AWS credentials are for account 999999999999 (arn:aws:iam::999999999999:user/someone); aws.accountId is 111111111111",
      fix: "use a profile or role of account 111111111111",
    });
  });

  it.each([
    [undefined, "no terraform on PATH (cdktf diff/deploy/destroy run it)"],
    ["1.9.8", `terraform 1.9.8 is installed; this project plans and applies with ${TERRAFORM_VERSION} (config/terraform.ts), the version the stacks require`],
    ["1.14.0", `terraform 1.14.0 is installed; this project plans and applies with ${TERRAFORM_VERSION} (config/terraform.ts), the version the stacks require`],
  ])("fails terraform %s", async (version, detail) => {
    const dependencies = { ...deps(), terraformVersion: async () => version };
    expect(statusOf(await runDoctor("dev", dependencies), "terraform")).toMatchObject({ status: "fail", detail, fix: expect.stringContaining(`install terraform ${TERRAFORM_VERSION}`) });
  });

  it("stops at an invalid or unknown configuration, naming the field", async () => {
    const invalid: EnvironmentEntry = { name: "dev", error: 'Invalid environment "dev" (config/environments/dev.json):\n  - aws.accountId: must be a 12-digit AWS account id' };
    const results = await runDoctor("dev", { ...deps(), environments: [invalid] });
    expect(results[0]).toMatchObject({ name: "configuration", status: "fail", detail: expect.stringContaining("aws.accountId: must be a 12-digit AWS account id") });
    expect(results.slice(1).every((r) => r.status === "skip" && r.detail === "needs a valid configuration")).toBe(true);
    expect(results).toHaveLength(CHECK_NAMES.length);
    expect((await runDoctor("staging", deps()))[0]).toMatchObject({ status: "fail", detail: "no config/environments/staging.json", fix: "create it (copy dev.json); environments: dev, prod" });
  });

  it("reports a stack that does not synthesize", async () => {
    const dependencies = {
      ...deps(),
      synthesize: () => {
        throw new Error('environment "dev": emailRouting.topicQueues.ROTH: "ROTH" is not a class of corpus/email-intents.csv');
      },
    };
    const results = await runDoctor("dev", dependencies);
    expect(statusOf(results, "synthesis")).toMatchObject({ status: "fail", detail: expect.stringContaining("emailRouting.topicQueues.ROTH") });
    expect(statusOf(results, "terraform").status).toBe("skip");
  });

  it("checks the Lambda data action's region: the prod front door runs in the org's region", async () => {
    const results = await runDoctor("prod", deps());
    expect(statusOf(results, "lambda data action region")).toEqual({
      name: "lambda data action region",
      status: "ok",
      detail: "the classifier runs in us-east-1, the Genesys org's region, as Lambda data actions require",
    });
    expect(statusOf(results, "aws account").status).toBe("fail");
  });

  describe("email domains per org, offline", () => {
    const sharing = (...names: string[]) => names.map((n) => entry(n, (raw) => ((raw.genesys.orgId = ORG_ID), (raw.emailRouting.emailDomainLabel = `gcx-${n}-acme`))));

    it("counts the subdomains of every environment naming the same org", async () => {
      expect(statusOf(await runDoctor("dev", deps({ environments: sharing("dev", "qa") })), "email domains per org")).toMatchObject({
        status: "ok",
        detail: `2 environment(s) in org ${ORG_ID} (dev, qa): 2 subdomain(s) of 2 email domains (uses every slot: only possible if the org's default domain was deleted; the live check counts the real ones)`,
      });
      expect(statusOf(await runDoctor("dev", deps({ environments: sharing("dev", "qa", "staging") })), "email domains per org")).toMatchObject({
        status: "fail",
        detail: `3 environment(s) in org ${ORG_ID} (dev, qa, staging) create 3 subdomains; the org may have 2 email domains`,
      });
    });

    it("does not count environments of other orgs or that reuse a domain", async () => {
      const environments = [
        ...sharing("dev"),
        entry("qa", (raw) => (raw.genesys.orgId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")),
        entry("staging", (raw) => {
          raw.genesys.orgId = ORG_ID;
          delete raw.emailRouting.emailDomainLabel;
          raw.emailRouting.existingEmailDomain = "acme.mypurecloud.com";
        }),
      ];
      expect(statusOf(await runDoctor("dev", deps({ environments })), "email domains per org").detail).toMatch(/^1 environment\(s\) in org .+ \(dev\): 1 subdomain\(s\) of 2/);
    });

    it("fails two environments of one org creating the same subdomain", async () => {
      const environments = [entry("dev", (raw) => (raw.genesys.orgId = ORG_ID)), entry("qa", (raw) => (raw.genesys.orgId = ORG_ID))];
      expect(statusOf(await runDoctor("dev", deps({ environments })), "email domains per org")).toMatchObject({
        status: "fail",
        detail: `dev and qa all create subdomain "gcx-dev-acme" in org ${ORG_ID}`,
      });
    });
  });

  it("fails names over their limits, measuring the org id in the partner bus name", async () => {
    const stack = structuredClone(shipped("dev")) as SynthesizedStack;
    const fn = Object.values(stack.resource!.aws_lambda_function!)[0]!;
    fn.function_name = "f".repeat(65);
    const bus = Object.values(stack.resource!.aws_cloudwatch_event_bus!)[0]!;
    bus.name = `aws.partner/genesys.com/cloud/\${data.genesyscloud_organizations_me.genesys-org.id}/${"s".repeat(190)}`;
    const { problems } = namesOverLimits(stack);
    expect(problems.map((p) => [p.address.split(".")[0], p.length, p.limit.max])).toEqual([
      ["aws_lambda_function", 65, 64],
      ["aws_cloudwatch_event_bus", 257, 256],
    ]);
    const result = statusOf(await runDoctor("dev", deps({ stack })), "names");
    expect(result.status).toBe("fail");
    expect(result.detail).toContain(`is 65 characters, over 64 (Lambda CreateFunction: a function name is limited to 64 characters)`);
  });
});

describe("doctor building blocks", () => {
  it("knows the Terraform permissions of every Genesys type the project uses", () => {
    const used = JSON.parse(readFileSync(join(__dirname, "..", "..", "providers", "genesyscloud", "used.json"), "utf8")) as { resources: string[]; dataSources: string[] };
    expect(Object.keys(TERRAFORM_PERMISSIONS_BY_TYPE).sort()).toEqual([...used.resources, ...used.dataSources.map((d) => `data.${d}`)].sort());
    expect(() => terraformPermissionsFor(["genesyscloud_user"])).toThrow("no documented Terraform permissions for genesyscloud_user");
    expect(genesysTypesOf(shipped("dev"))).toContain("data.genesyscloud_auth_role");
  });

  it("reads terraform's version in both output forms", () => {
    expect(parseTerraformVersion('{"terraform_version":"1.10.5","platform":"linux_amd64"}')).toBe("1.10.5");
    expect(parseTerraformVersion("Terraform v1.9.8\non linux_amd64")).toBe("1.9.8");
    expect(parseTerraformVersion("command not found")).toBeUndefined();
  });

  it("lists in docs/genesys-setup.md every permission Terraform's client, the set-up and the functions' role need", () => {
    const docs = readFileSync(join(__dirname, "..", "..", "docs", "genesys-setup.md"), "utf8");
    const wanted = [...Object.values(TERRAFORM_PERMISSIONS_BY_TYPE).flat(), ...ADMIN_PERMISSIONS, "conversation:communication:blindTransferQueue", "conversation:agentlessEmail:send"];
    expect([...new Set(wanted)].filter((p) => !docs.includes(`\`${p}\``))).toEqual([]);
  });

  it("reads every shipped environment", () => {
    expect(readEnvironmentEntries().map((e) => [e.name, "environment" in e])).toEqual([
      ["dev", true],
      ["prod", true],
    ]);
  });
});
