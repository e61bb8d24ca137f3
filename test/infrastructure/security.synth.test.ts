import { STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS } from "../../constructs/aws/iam";
import { loadEnvironments } from "../../config/load";
import { Block, resourcesOf, synthesize, Synthesized } from "../support/synth";

/** Services whose `*` actions would reach customer data. */
const DATA_SERVICES = ["s3", "dynamodb", "sqs", "sns", "secretsmanager", "kms", "comprehend", "textract", "states", "events", "lambda", "logs", "ssm"];
const TEST_SECRETS = {
  GENESYSCLOUD_OAUTHCLIENT_ID: "test-client-id-4c1d0e2f",
  GENESYSCLOUD_OAUTHCLIENT_SECRET: "TEST-SECRET-do-not-leak-9f8e7d6c",
  AWS_ACCESS_KEY_ID: "AKIATESTLEAKCHECK0001",
  AWS_SECRET_ACCESS_KEY: "test/SecretAccessKey/should-never-appear",
  AWS_SESSION_TOKEN: "test-session-token-never-in-output",
};

/** Actions AWS offers no resource-level permissions for: `Resource: "*"` is the only form. */
const RESOURCELESS_ACTIONS = new Set<string>([
  "textract:StartDocumentTextDetection",
  "textract:GetDocumentTextDetection",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  ...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS,
]);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
}

function policiesOf(stack: Synthesized): Array<{ where: string; statements: Statement[] }> {
  const found: Array<{ where: string; statements: Statement[] }> = [];
  for (const [type, blocks] of Object.entries(stack.resource)) {
    for (const [name, block] of Object.entries(blocks)) {
      for (const key of ["policy", "assume_role_policy"] as const) {
        const text = (block as Block)[key];
        if (typeof text === "string" && text.trim().startsWith("{")) {
          found.push({ where: `${type}.${name}.${key}`, statements: (JSON.parse(text) as { Statement: Statement[] }).Statement });
        }
      }
    }
  }
  return found;
}

describe("security of every synthesized stack", () => {
  const saved = { ...process.env };
  let stacks: Array<[string, Synthesized]>;

  beforeAll(() => {
    Object.assign(process.env, TEST_SECRETS);
    stacks = loadEnvironments().map((e) => [e.name, synthesize(e)]);
  });
  afterAll(() => {
    process.env = saved;
  });

  it("never holds a credential from the environment in clear text", () => {
    for (const [, stack] of stacks) {
      const json = JSON.stringify(stack);
      for (const secret of Object.values(TEST_SECRETS)) expect(json).not.toContain(secret);
    }
  });

  it("never grants `*` actions, nor wildcard actions on a data service", () => {
    for (const [name, stack] of stacks) {
      const policies = policiesOf(stack);
      expect(policies.length).toBeGreaterThan(0);
      for (const { where, statements } of policies) {
        for (const statement of statements.filter((s) => s.Effect === "Allow")) {
          for (const action of [statement.Action].flat()) {
            const [service, verb] = action.split(":");
            expect({ where: `${name}:${where}`, action, wildcard: action === "*" || (DATA_SERVICES.includes(service!) && verb!.includes("*")) }).toEqual({
              where: `${name}:${where}`,
              action,
              wildcard: false,
            });
          }
          if (!where.endsWith("assume_role_policy") && ![statement.Action].flat().every((a) => RESOURCELESS_ACTIONS.has(a))) {
            expect({ where: `${name}:${where}`, resources: [statement.Resource].flat() }).not.toEqual({ where: `${name}:${where}`, resources: expect.arrayContaining(["*"]) });
          }
        }
      }
    }
  });

  it("gives every bucket encryption, a public access block and a TLS-only policy", () => {
    for (const [, stack] of stacks) {
      const buckets = Object.keys(stack.resource.aws_s3_bucket ?? {});
      for (const bucket of buckets) {
        const ref = `\${aws_s3_bucket.${bucket}.id}`;
        expect(resourcesOf(stack, "aws_s3_bucket_server_side_encryption_configuration").some((b) => b.bucket === ref)).toBe(true);
        expect(resourcesOf(stack, "aws_s3_bucket_public_access_block").find((b) => b.bucket === ref)).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
        const policy = JSON.parse(resourcesOf(stack, "aws_s3_bucket_policy").find((b) => b.bucket === ref)!.policy as string);
        expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
      }
    }
  });

  it("keeps the classifier API key out of plain headers and outputs", () => {
    for (const [, stack] of stacks) {
      for (const action of resourcesOf(stack, "genesyscloud_integration_action")) {
        for (const value of Object.values(((action.config_request as Block).headers ?? {}) as Record<string, string>)) {
          expect(value).not.toMatch(/aws_api_gateway_api_key/);
        }
      }
      for (const output of Object.values(stack.output ?? {})) expect(JSON.stringify(output)).not.toMatch(/api_gateway_api_key|client_secret/);
    }
  });
});
