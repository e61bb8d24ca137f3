import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { GenesysApiClientAccess } from "../../constructs/genesys/api-client-access";
import { DataAction, isFunctionDataActionCategory } from "../../constructs/genesys/data-action";
import { EmailRoute } from "../../constructs/genesys/email-route";
import {
  ATTACHMENT_ROUTING_GENESYS_NEEDS,
  environmentGenesysNeeds,
  functionsApiAccess,
  IDENTITY_GRAPH_GENESYS_NEEDS,
  unionOfNeeds,
} from "../../constructs/genesys/runtime-needs";
import {
  GENESYS_API_OPERATION_NAMES,
  GENESYS_API_OPERATIONS,
  parsePermission,
  permissionName,
  permissionPolicies,
  permissionsFor,
  policiesAllow,
  policiesGrant,
} from "../../functions/shared/genesys/permissions";
import { Block, onlyResource, resourcesOf, shipped, synthesize, Synthesized, variant } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const newStack = () => new TerraformStack(Testing.app(), "test");
const dataOf = (stack: Synthesized, type: string) => Object.values(stack.data?.[type] ?? {});

describe("permissions of the functions' Genesys API calls", () => {
  it("names a documented requirement for every client call, and only the two that need one carry a permission", () => {
    for (const name of GENESYS_API_OPERATION_NAMES) expect(GENESYS_API_OPERATIONS[name].source).toMatch(/^[A-Za-z]+Api\.md \w+: Requires (NO permissions|ANY of .+)$/);
    expect(permissionsFor(GENESYS_API_OPERATION_NAMES).map(permissionName)).toEqual([
      "conversation:agentlessEmail:send",
      "conversation:communication:blindTransferQueue",
    ]);
  });

  it("never asks for the undocumented names an earlier version used", () => {
    const all = GENESYS_API_OPERATION_NAMES.flatMap((n) => {
      const op = GENESYS_API_OPERATIONS[n] as { permission?: Parameters<typeof permissionName>[0]; alternatives?: Parameters<typeof permissionName>[0][] };
      return [op.permission, ...(op.alternatives ?? [])].filter((p) => p !== undefined).map(permissionName);
    });
    expect(all).not.toContain("conversation:email:view");
    expect(all).not.toContain("conversation:participant:attributesEdit");
  });

  it("merges permissions into one policy per domain and entity", () => {
    const permissions = ["conversation:communication:blindTransferQueue", "conversation:communication:blindTransfer", "conversation:agentlessEmail:send"].map(parsePermission);
    expect(permissionPolicies(permissions)).toEqual([
      { domain: "conversation", entityName: "agentlessEmail", actionSet: ["send"] },
      { domain: "conversation", entityName: "communication", actionSet: ["blindTransfer", "blindTransferQueue"] },
    ]);
    expect(() => parsePermission("conversation:email")).toThrow('"conversation:email" is not a permission of the form domain:entity:action');
  });

  it("matches policies exactly and case-sensitively, with * wildcards, and accepts documented alternatives", () => {
    const wanted = parsePermission("conversation:communication:blindTransferQueue");
    expect(policiesGrant([{ domain: "conversation", entityName: "communication", actionSet: ["blindTransferQueue"] }], wanted)).toBe(true);
    expect(policiesGrant([{ domain: "conversation", entityName: "communication", actionSet: ["blindtransferqueue"] }], wanted)).toBe(false);
    expect(policiesGrant([{ domain: "conversation", entityName: "*", actionSet: ["*"] }], wanted)).toBe(true);
    expect(policiesGrant([{ domain: "routing", entityName: "*", actionSet: ["*"] }], wanted)).toBe(false);
    expect(policiesAllow([{ domain: "conversation", entityName: "communication", actionSet: ["blindTransfer"] }], "replaceParticipantWithQueue")).toBe(true);
    expect(policiesAllow([], "patchParticipantAttributes")).toBe(true);
    expect(policiesAllow([], "sendAgentlessEmail")).toBe(false);
  });
});

/** The GenesysClient methods a capability's function sources call, found by name. */
function clientCallsIn(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith(".ts")) files.push(path);
    }
  };
  walk(dir);
  const source = files.map((f) => readFileSync(f, "utf8")).join("\n");
  return GENESYS_API_OPERATION_NAMES.filter((name) => new RegExp(`\\.${name}\\(`).test(source));
}

describe("Genesys needs declared per capability", () => {
  it.each([
    ["identity-graph", IDENTITY_GRAPH_GENESYS_NEEDS],
    ["attachment-routing", ATTACHMENT_ROUTING_GENESYS_NEEDS],
  ])("%s declares exactly the API calls its functions make", (capability, needs) => {
    expect([...needs.apiOperations].sort()).toEqual(clientCallsIn(join(ROOT, "functions", capability)).sort());
  });

  it("email routing's functions call no Genesys API (Genesys calls the classifier)", () => {
    expect(clientCallsIn(join(ROOT, "functions", "email-routing"))).toEqual([]);
  });

  it("takes the union of topics and calls of the enabled capabilities", () => {
    const both = unionOfNeeds([IDENTITY_GRAPH_GENESYS_NEEDS, ATTACHMENT_ROUTING_GENESYS_NEEDS, IDENTITY_GRAPH_GENESYS_NEEDS]);
    expect(both.topics).toEqual([...new Set([...IDENTITY_GRAPH_GENESYS_NEEDS.topics, ...ATTACHMENT_ROUTING_GENESYS_NEEDS.topics])].sort());
    expect(new Set(both.apiOperations).size).toBe(both.apiOperations.length);
    const identityOnly = environmentGenesysNeeds(variant("dev", (raw) => (raw.attachmentRouting.enabled = false)));
    expect(identityOnly).toEqual({ topics: [...IDENTITY_GRAPH_GENESYS_NEEDS.topics].sort(), apiOperations: ["patchParticipantAttributes"] });
  });

  it("streams exactly the union of topics in the synthesized stack", () => {
    const integration = resourcesOf(shipped("dev"), "genesyscloud_integration").find((i) => i.integration_type === "amazon-eventbridge-source")!;
    const properties = JSON.parse((integration.config as Block).properties as string) as { eventFilter: string[] };
    expect(properties.eventFilter).toEqual(environmentGenesysNeeds(variant("dev", () => undefined)).topics);
  });

  it("describes the functions' access per environment", () => {
    expect(functionsApiAccess(variant("dev", () => undefined))).toMatchObject({ kind: "managed-client", clientName: "gcx-dev-functions", roleName: "gcx-dev-functions" });
    const arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:genesys-api-AbCdEf";
    expect(functionsApiAccess(variant("dev", (raw) => (raw.genesys.apiClientSecretArn = arn))).kind).toBe("existing-client");
    const none = variant("dev", (raw) => {
      raw.identityGraph.enabled = false;
      raw.attachmentRouting.enabled = false;
    });
    expect(functionsApiAccess(none)).toMatchObject({ kind: "none", operations: [], permissions: [] });
  });
});

describe("the functions' OAuth client", () => {
  it("gets the role the org set-up made, found by name, in the home division; the stack creates no role", () => {
    const stack = shipped("dev");
    expect(resourcesOf(stack, "genesyscloud_auth_role")).toHaveLength(0);
    const [role] = Object.entries(stack.data.genesyscloud_auth_role!);
    expect(role![1]).toEqual({ name: "gcx-dev-functions" });
    const client = onlyResource(stack, "genesyscloud_oauth_client");
    expect(client).toMatchObject({ name: "gcx-dev-functions", authorized_grant_type: "CLIENT-CREDENTIALS", access_token_validity_seconds: 900 });
    expect(client.roles).toEqual([
      { role_id: `\${data.genesyscloud_auth_role.${role![0]}.id}`, division_id: expect.stringMatching(/^\$\{data\.genesyscloud_auth_division_home\.[^}]+\.id\}$/) },
    ]);
  });

  it.each([
    ["dev", 0],
    ["prod", 7],
  ])("%s keeps the secret under a name prefix, recoverable for %i days", (name, days) => {
    const secret = resourcesOf(shipped(name), "aws_secretsmanager_secret").find((s) => s.name_prefix === `gcx-${name}-functions-`)!;
    expect(secret).toBeDefined();
    expect(secret).not.toHaveProperty("name");
    expect(secret.recovery_window_in_days).toBe(days);
  });

  it.each([
    [true, 7],
    [false, 0],
  ])("keeps the secret recoverable by protectData (%s: %i days), whatever the environment", (protectData, days) => {
    const stack = newStack();
    new GenesysApiClientAccess(stack, "a", { name: "gcx-qa-functions", roleName: "gcx-qa-functions", protectData });
    const secret = onlyResource(JSON.parse(Testing.synth(stack)) as Synthesized, "aws_secretsmanager_secret");
    expect(secret).toMatchObject({ name_prefix: "gcx-qa-functions-", recovery_window_in_days: days });
  });

  it("refuses token lifetimes Genesys does not accept and an empty role name", () => {
    const make = (props: Partial<{ tokenLifetimeSeconds: number; roleName: string }>) => () =>
      new GenesysApiClientAccess(newStack(), "a", { name: "c", roleName: "r", protectData: false, ...props });
    expect(make({ tokenLifetimeSeconds: 299 })).toThrow("c: tokenLifetimeSeconds must be an integer from 300 to 172800, got 299");
    expect(make({ tokenLifetimeSeconds: 172_801 })).toThrow("got 172801");
    expect(make({ tokenLifetimeSeconds: 300 })).not.toThrow();
    expect(make({ roleName: " " })).toThrow("c: roleName must not be empty");
  });

  it("uses an existing secret without looking up any role", () => {
    const stack = newStack();
    const access = new GenesysApiClientAccess(stack, "a", { name: "c", existingSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:x" });
    expect(access.secretArn).toBe("arn:aws:secretsmanager:us-east-1:111111111111:secret:x");
    const synthesized = JSON.parse(Testing.synth(stack)) as Synthesized;
    expect(synthesized.data).toBeUndefined();
    expect(() => new GenesysApiClientAccess(newStack(), "a", { name: "c", existingSecretArn: "secret-name" })).toThrow('c: existingSecretArn must be a Secrets Manager secret ARN, got "secret-name"');
  });
});

describe("email domain", () => {
  it("creates the environment's subdomain by default", () => {
    expect(onlyResource(shipped("dev"), "genesyscloud_routing_email_domain")).toEqual({ domain_id: "gcx-dev-acme", subdomain: true });
    expect(dataOf(shipped("dev"), "genesyscloud_routing_email_domain")).toHaveLength(0);
  });

  it("reuses an existing domain: looked up by name, the route on its id, nothing created", () => {
    const stack = synthesize(
      variant("dev", (raw) => {
        delete raw.emailRouting.emailDomainLabel;
        raw.emailRouting.existingEmailDomain = "acme.mypurecloud.com";
      }),
    );
    expect(resourcesOf(stack, "genesyscloud_routing_email_domain")).toHaveLength(0);
    const [name, domain] = Object.entries(stack.data.genesyscloud_routing_email_domain!)[0]!;
    expect(domain).toEqual({ name: "acme.mypurecloud.com" });
    expect(onlyResource(stack, "genesyscloud_routing_email_route").domain_id).toBe(`\${data.genesyscloud_routing_email_domain.${name}.id}`);
    const route = resourcesOf(stack, "aws_lambda_function").find((f) => f.function_name === "gcx-dev-attachment-route")!;
    expect((route.environment as { variables: Record<string, string> }).variables.RESEND_FROM_ADDRESS).toBe(`support@\${data.genesyscloud_routing_email_domain.${name}.id}`);
  });

  it("validates the choice in the construct too", () => {
    const route = (domain: ConstructorParameters<typeof EmailRoute>[2]["domain"]) => () => new EmailRoute(newStack(), "r", { domain, pattern: "s", fromName: "f", flowId: "id" });
    expect(route({ kind: "subdomain", label: "a.b" })).toThrow('subdomain label must be one lower-case DNS label (Genesys adds the suffix), got "a.b"');
    expect(route({ kind: "existing", name: "acme" })).toThrow('existing email domain must be a full domain name such as acme.mypurecloud.com, got "acme"');
  });
});

describe("data action", () => {
  it.each(["Function Data Action", "x-function_data-action", "my_FUNCTION-DATA_ACTION"])("treats %s as the provider does: a function data action", (category) => {
    expect(isFunctionDataActionCategory(category)).toBe(true);
    expect(
      () =>
        new DataAction(newStack(), "a", {
          integrationName: category,
          actionName: "a",
          transport: { kind: "lambda", functionArn: "arn:fn", roleArn: "arn:role" },
          contractInput: "{}",
          contractOutput: "{}",
          timeoutSeconds: 10,
        }),
    ).toThrow(`${category}: a category containing "function data action"`);
  });

  it("leaves other categories alone", () => {
    expect(isFunctionDataActionCategory("gcx-dev-email-classifier")).toBe(false);
    expect(isFunctionDataActionCategory("function data")).toBe(false);
  });

  it.each(["dev", "prod"])("%s keeps the classifier action not secure: the email flow cannot call secure actions", (name) => {
    expect(onlyResource(shipped(name), "genesyscloud_integration_action").secure).toBe(false);
  });
});

