import { functionsApiAccess } from "../../constructs/genesys/runtime-needs";
import { permissionName } from "../../functions/shared/genesys/permissions";
import { GenesysAdminApi } from "../../scripts/checks/genesys-admin-api";
import { OrgSetupRefusedError, parseSetupArguments, ROLE_DESCRIPTION, setUpGenesysOrg } from "../../scripts/checks/genesys-org-setup";
import { GenesysAdminFake, startGenesysAdminFake } from "../support/genesys-admin-fake";
import { variant } from "../support/synth";
import { ADMIN_PERMISSIONS, seedOrg } from "./genesys-org-fixture";

const dev = variant("dev", () => undefined);
const FUNCTIONS_PERMISSIONS = ["conversation:agentlessEmail:send", "conversation:communication:blindTransferQueue"];

describe("npm run genesys:setup against the local admin fake", () => {
  let fake: GenesysAdminFake;
  let lines: string[];
  beforeEach(async () => {
    fake = await startGenesysAdminFake();
    lines = [];
  });
  afterEach(() => fake.close());

  const adminApi = (permissions: readonly string[] = ADMIN_PERMISSIONS) =>
    new GenesysAdminApi({ auth: { kind: "access-token", token: fake.issueUserToken(permissions) }, apiBaseUrl: fake.apiBaseUrl, loginBaseUrl: fake.loginBaseUrl, sleep: async () => undefined });
  const run = (api: GenesysAdminApi, terraformClientId: string, extra: { dryRun?: boolean; environment?: typeof dev } = {}) =>
    setUpGenesysOrg({ environment: extra.environment ?? dev, api, terraformClientId, dryRun: extra.dryRun, log: (line) => lines.push(line) });
  const functionsRole = () => [...fake.roles.values()].find((r) => r.name === "gcx-dev-functions");

  it("creates the role with exactly the functions' permissions and grants it to Terraform's client in the home division", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });

    const outcome = await run(adminApi(), terraformClient.id);

    const role = functionsRole()!;
    expect(role).toEqual({
      id: expect.any(String),
      name: "gcx-dev-functions",
      description: ROLE_DESCRIPTION,
      permissionPolicies: [
        { domain: "conversation", entityName: "agentlessEmail", actionSet: ["send"] },
        { domain: "conversation", entityName: "communication", actionSet: ["blindTransferQueue"] },
      ],
    });
    expect(terraformClient.roleDivisions).toContainEqual({ roleId: role.id, divisionId: fake.homeDivision.id });
    expect(outcome).toEqual({ kind: "done", roleId: role.id, roleChange: "created", granted: true, dryRun: false });
    expect(fake.writes().map((r) => `${r.method} ${r.path}${r.query.subjectType ? `?subjectType=${r.query.subjectType}` : ""}`)).toEqual([
      "POST /api/v2/authorization/roles",
      `POST /api/v2/authorization/subjects/${terraformClient.id}/bulkadd?subjectType=PC_OAUTH_CLIENT`,
    ]);
    expect(fake.writes()[1]!.body).toEqual({ grants: [{ roleId: role.id, divisionId: fake.homeDivision.id }] });
    expect(lines).toEqual([
      `Terraform's OAuth client: "terraform" (${terraformClient.id})`,
      `created role "gcx-dev-functions" with exactly: ${FUNCTIONS_PERMISSIONS.join(", ")}`,
      `granted "gcx-dev-functions" (home division "Home") to Terraform's OAuth client "terraform" (${terraformClient.id})`,
      expect.stringMatching(/^Role changes can take up to five minutes/),
      "next: npm run doctor -- dev",
    ]);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    await run(adminApi(), terraformClient.id);
    const writes = fake.writes().length;
    lines = [];

    const outcome = await run(adminApi(), terraformClient.id);

    expect(fake.writes()).toHaveLength(writes);
    expect(outcome).toMatchObject({ roleChange: "unchanged", granted: false });
    expect(lines).toContain(`role "gcx-dev-functions" already holds exactly: ${FUNCTIONS_PERMISSIONS.join(", ")}`);
    expect(lines).toContain(`Terraform's OAuth client already holds "gcx-dev-functions" in the home division`);
    expect(terraformClient.roleDivisions.filter((g) => g.roleId === functionsRole()!.id)).toHaveLength(1);
  });

  it("resets a role of that name whose permissions drifted, and leaves similarly named roles alone", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    const drifted = fake.addRole("gcx-dev-functions", ["conversation:communication:blindTransferQueue", "conversation:email:view"]);
    const lookalike = fake.addRole("gcx-dev-functions-old", ["routing:queue:view"]);

    const outcome = await run(adminApi(), terraformClient.id);

    expect(outcome).toMatchObject({ roleId: drifted.id, roleChange: "updated" });
    expect(fake.writes()[0]).toMatchObject({ method: "PUT", path: `/api/v2/authorization/roles/${drifted.id}` });
    expect(drifted.permissionPolicies.flatMap((p) => p.actionSet.map((a) => `${p.domain}:${p.entityName}:${a}`)).sort()).toEqual(FUNCTIONS_PERMISSIONS);
    expect(lookalike.permissionPolicies).toEqual([{ domain: "routing", entityName: "queue", actionSet: ["view"] }]);
  });

  it("changes nothing in a dry run and says what it would do", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    const outcome = await run(adminApi(), terraformClient.id, { dryRun: true });
    expect(fake.writes()).toEqual([]);
    expect(functionsRole()).toBeUndefined();
    expect(outcome).toMatchObject({ roleChange: "created", dryRun: true });
    expect(lines[1]).toBe(`would have created role "gcx-dev-functions" with exactly: ${FUNCTIONS_PERMISSIONS.join(", ")}`);
    expect(lines[2]).toMatch(/^would have granted "gcx-dev-functions"/);
  });

  it("gives an identity-only environment a role with no permissions (the write-back needs none)", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    await run(adminApi(), terraformClient.id, { environment: variant("dev", (raw) => (raw.attachmentRouting.enabled = false)) });
    expect(functionsRole()!.permissionPolicies).toEqual([]);
    expect(lines[1]).toBe('created role "gcx-dev-functions" with exactly: no permissions');
  });

  it("prints the equivalent UI steps and writes nothing when the API refuses", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    const weak = adminApi(ADMIN_PERMISSIONS.filter((p) => p !== "authorization:role:add"));

    const error = await run(weak, terraformClient.id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OrgSetupRefusedError);
    const refused = error as OrgSetupRefusedError;
    expect(refused.message).toMatch(/^Creating or updating role "gcx-dev-functions" \(authorization:role:view, add, edit\) was refused \(POST \/api\/v2\/authorization\/roles: HTTP 403/);
    expect(refused.uiSteps[0]).toContain('Add Role: name "gcx-dev-functions"');
    expect(refused.uiSteps[1]).toBe(`On its Permission tab select exactly: ${FUNCTIONS_PERMISSIONS.join(", ")}; Save.`);
    expect(refused.uiSteps[2]).toBe(`Admin > Integrations > OAuth > "terraform" (${terraformClient.id}) > Roles tab: assign "gcx-dev-functions" (Home division); Save.`);
    expect(fake.writes().every((w) => w.method === "POST" && w.path === "/api/v2/authorization/roles")).toBe(true);
    expect(functionsRole()).toBeUndefined();
  });

  it("names an unknown Terraform client id", async () => {
    seedOrg(fake, { functionsRole: false });
    await expect(run(adminApi(), "00000000-0000-4000-8000-000000000000")).rejects.toThrow(
      /^no OAuth client with id 00000000-0000-4000-8000-000000000000 in this org \(127\.0\.0\.1:\d+\): pass Terraform's client id with --terraform-client-id/,
    );
    expect(fake.writes()).toEqual([]);
  });

  it("can run as Terraform's own client when it may manage roles and grants, riding out a 429", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false, terraformMayAdminister: true });
    fake.failNext("GET /api/v2/authorization/roles", { status: 429, headers: { "retry-after": "1" }, body: { message: "Rate limit exceeded", status: 429 } });
    const slept: number[] = [];
    const api = new GenesysAdminApi({
      auth: { kind: "client-credentials", clientId: terraformClient.id, clientSecret: terraformClient.secret },
      apiBaseUrl: fake.apiBaseUrl,
      loginBaseUrl: fake.loginBaseUrl,
      sleep: async (ms) => void slept.push(ms),
    });

    await run(api, terraformClient.id);

    expect(slept).toEqual([1000]);
    expect(terraformClient.roleDivisions.map((g) => g.roleId)).toContain(functionsRole()!.id);
  });

  it("has nothing to do when no capability calls the API or the functions use an existing client", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    const off = variant("dev", (raw) => {
      raw.identityGraph.enabled = false;
      raw.attachmentRouting.enabled = false;
    });
    expect(await run(adminApi(), terraformClient.id, { environment: off })).toMatchObject({ kind: "nothing-to-do" });
    const existing = variant("dev", (raw) => (raw.genesys.apiClientSecretArn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:genesys-AbCdEf"));
    const outcome = await run(adminApi(), terraformClient.id, { environment: existing });
    expect(outcome).toEqual({ kind: "nothing-to-do", reason: expect.stringContaining(`give that client a role with ${FUNCTIONS_PERMISSIONS.join(", ")}`) });
    expect(fake.requests.filter((r) => r.path !== "/oauth/token")).toEqual([]);
  });

  it("never puts a secret in its errors", async () => {
    const { terraformClient } = seedOrg(fake, { functionsRole: false });
    const api = new GenesysAdminApi({ auth: { kind: "client-credentials", clientId: terraformClient.id, clientSecret: "wrong-secret-c0ffee" }, apiBaseUrl: fake.apiBaseUrl, loginBaseUrl: fake.loginBaseUrl });
    const error = (await run(api, terraformClient.id).catch((e: unknown) => e)) as Error;
    expect(error).not.toBeInstanceOf(OrgSetupRefusedError);
    expect(error.message).toMatch(/^127\.0\.0\.1:\d+ refused the credentials \(POST \/oauth\/token: HTTP 401: client not found or bad secret\): check them and genesys\.region$/);
    expect(error.message).not.toContain("wrong-secret-c0ffee");
    expect(error.message).not.toContain(Buffer.from(`${terraformClient.id}:wrong-secret-c0ffee`).toString("base64"));
  });

  it("agrees with the permissions the stack's access description lists", () => {
    expect(functionsApiAccess(dev).permissions.map(permissionName)).toEqual(FUNCTIONS_PERMISSIONS);
  });
});

describe("genesys:setup arguments", () => {
  const env = { GENESYSCLOUD_OAUTHCLIENT_ID: "tf-id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "tf-secret" };

  it("defaults Terraform's client to GENESYSCLOUD_OAUTHCLIENT_ID and prefers an administrator's token", () => {
    expect(parseSetupArguments(["dev"], env)).toEqual({ environmentName: "dev", terraformClientId: "tf-id", dryRun: false, auth: { kind: "client-credentials", clientId: "tf-id", clientSecret: "tf-secret" } });
    expect(parseSetupArguments(["dev", "--dry-run", "--terraform-client-id", "other"], { ...env, GENESYSCLOUD_ACCESS_TOKEN: "admin-token" })).toEqual({
      environmentName: "dev",
      terraformClientId: "other",
      dryRun: true,
      auth: { kind: "access-token", token: "admin-token" },
    });
  });

  it("explains what is missing", () => {
    expect(() => parseSetupArguments([], env)).toThrow("usage: npm run genesys:setup -- <env>");
    expect(() => parseSetupArguments(["dev"], { GENESYSCLOUD_ACCESS_TOKEN: "t" })).toThrow("Terraform's OAuth client id is unknown: pass --terraform-client-id or set GENESYSCLOUD_OAUTHCLIENT_ID");
    expect(() => parseSetupArguments(["dev", "--terraform-client-id", "x"], {})).toThrow("no Genesys credentials: set GENESYSCLOUD_ACCESS_TOKEN");
    expect(() => parseSetupArguments(["dev", "--force"], env)).toThrow("unknown option --force");
  });
});
