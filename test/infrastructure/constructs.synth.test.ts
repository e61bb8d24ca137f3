import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import * as z from "zod/mini";
import { jsonVariable, lambdaContract } from "../../functions/shared/env";
import { NodejsFunction } from "../../constructs/aws/nodejs-function";
import { SecureBucket } from "../../constructs/aws/secure-bucket";
import { ArchitectFlow, flowPlaceholders } from "../../constructs/genesys/architect-flow";
import { DataAction } from "../../constructs/genesys/data-action";
import { RoutingQueues } from "../../constructs/genesys/routing-queues";
import { Naming } from "../../constructs/naming";

const newStack = () => new TerraformStack(Testing.app(), "test");

describe("Naming", () => {
  it("builds <prefix>-<env>-<purpose> in lower-case kebab", () => {
    expect(new Naming("gcx", "dev").name("Classify Email!")).toBe("gcx-dev-classify-email");
    expect(new Naming("gcx", "prod").bucket("training", "222222222222", "us-east-1")).toBe("gcx-prod-training-222222222222-us-east-1");
  });

  it("refuses names over the limit and purposes without letters", () => {
    expect(() => new Naming("gcx", "dev").name("x".repeat(60))).toThrow(/is 68 characters; the limit here is 64/);
    expect(() => new Naming("gcx", "dev").name("!!")).toThrow('resource purpose "!!" has no letters or digits');
  });
});

describe("NodejsFunction", () => {
  /** A contract over a real entry point, with variables chosen by each test. */
  const contractWith = <S extends z.core.$ZodLooseShape>(shape: S) => lambdaContract("email-routing/classify-email", z.object(shape));
  const plain = contractWith({});

  it("refuses an environment variable that looks like a secret", () => {
    const contract = contractWith({ GENESYS_CLIENT_SECRET: z.string() });
    expect(() => new NodejsFunction(newStack(), "fn", { contract, functionName: "f", environment: { GENESYS_CLIENT_SECRET: "x" } })).toThrow(
      "f: environment variable GENESYS_CLIENT_SECRET looks like a secret; store it in Secrets Manager and pass its ARN",
    );
  });

  it("accepts references to secrets by ARN or name", () => {
    const contract = contractWith({ GENESYS_CLIENT_SECRET_ARN: z.string() });
    expect(() => new NodejsFunction(newStack(), "fn", { contract, functionName: "f", environment: { GENESYS_CLIENT_SECRET_ARN: "arn:aws:secretsmanager:x" } })).not.toThrow();
  });

  it("types the environment from the contract and renders it as strings", () => {
    const contract = contractWith({
      LIMIT: z.coerce.number(),
      QUEUES: jsonVariable(z.record(z.string(), z.string()), "queues"),
      OPTIONAL: z.optional(z.string()),
    });
    const stack = newStack();
    new NodejsFunction(stack, "fn", { contract, functionName: "f", environment: { LIMIT: 3, QUEUES: { Invoice: "Invoices" } } });
    // @ts-expect-error a required variable of the contract is missing
    new NodejsFunction(stack, "missing", { contract, functionName: "g", environment: { LIMIT: 3 } });
    // @ts-expect-error a variable the contract does not declare
    new NodejsFunction(stack, "misspelled", { contract, functionName: "h", environment: { LIMIT: 3, QUEUES: {}, QUEUE: "x" } });
    const fn = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_lambda_function as Record<string, { function_name: string; environment: { variables: Record<string, string> } }>).find(
      (f) => f.function_name === "f",
    );
    expect(fn?.environment.variables).toMatchObject({ LIMIT: "3", QUEUES: '{"Invoice":"Invoices"}', POWERTOOLS_SERVICE_NAME: "email-routing/classify-email" });
    expect(fn?.environment.variables).not.toHaveProperty("OPTIONAL");
  });

  it("maps stack traces through the source map only when asked (Node indexes the map at every cold start)", () => {
    const stack = newStack();
    new NodejsFunction(stack, "plain", { contract: plain, functionName: "plain", environment: {} });
    new NodejsFunction(stack, "mapped", { contract: plain, functionName: "mapped", environment: {}, sourceMaps: true });
    const functions = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_lambda_function as Record<string, { function_name: string; environment: { variables: Record<string, string> } }>);
    const variables = Object.fromEntries(functions.map((f) => [f.function_name, f.environment.variables]));
    expect(variables.plain).not.toHaveProperty("NODE_OPTIONS");
    expect(variables.mapped).toMatchObject({ NODE_OPTIONS: "--enable-source-maps" });
  });

  it.each([
    [{ timeoutSeconds: 0 }, "f: timeoutSeconds must be an integer from 1 to 900, got 0"],
    [{ memoryMb: 64 }, "f: memoryMb must be an integer from 128 to 10240, got 64"],
    [{ asyncInvocation: { onFailureQueueArn: "arn:q", maximumRetryAttempts: 3 } }, "f: asyncInvocation.maximumRetryAttempts must be 0, 1 or 2, got 3"],
    [{ asyncInvocation: { onFailureQueueArn: "arn:q", maximumEventAgeSeconds: 30 } }, "f: asyncInvocation.maximumEventAgeSeconds must be an integer from 60 to 21600, got 30"],
  ])("validates %p", (props, message) => {
    expect(() => new NodejsFunction(newStack(), "fn", { contract: plain, functionName: "f", environment: {}, ...props })).toThrow(message);
  });

  it("names a missing entry point", () => {
    expect(() => new NodejsFunction(newStack(), "fn", { contract: lambdaContract("no-such-function", z.object({})), functionName: "f", environment: {} })).toThrow(
      "no Lambda entry point at functions/no-such-function/index.ts",
    );
  });

  it("lets the role write only its own log group besides the statements it is given", () => {
    const stack = newStack();
    new NodejsFunction(stack, "fn", {
      contract: plain,
      functionName: "f",
      environment: {},
      statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"] }],
    });
    const synthesized = JSON.parse(Testing.synth(stack));
    const policy = Object.values(synthesized.resource.aws_iam_role_policy)[0] as { policy: string };
    expect(JSON.parse(policy.policy).Statement).toEqual([
      { Sid: "OwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/)] },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/k"] },
    ]);
    expect(Object.values(synthesized.resource.aws_lambda_function)[0]).toMatchObject({ tracing_config: { mode: "PassThrough" } });
    expect(synthesized.resource.aws_lambda_function_event_invoke_config).toBeUndefined();
  });

  it("traces with X-Ray and sends events that keep failing asynchronously to a queue, when asked", () => {
    const stack = newStack();
    new NodejsFunction(stack, "fn", {
      contract: plain,
      functionName: "f",
      environment: {},
      tracing: true,
      asyncInvocation: { onFailureQueueArn: "arn:aws:sqs:us-east-1:111111111111:failed", maximumRetryAttempts: 1, maximumEventAgeSeconds: 600 },
    });
    const synthesized = JSON.parse(Testing.synth(stack));
    expect(Object.values(synthesized.resource.aws_lambda_function)[0]).toMatchObject({ tracing_config: { mode: "Active" } });
    const policy = Object.values(synthesized.resource.aws_iam_role_policy)[0] as { policy: string };
    expect(JSON.parse(policy.policy).Statement).toEqual(
      expect.arrayContaining([
        { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] },
        { Sid: "KeepFailedEvents", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:us-east-1:111111111111:failed"] },
      ]),
    );
    expect(Object.values(synthesized.resource.aws_lambda_function_event_invoke_config)[0]).toMatchObject({
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 600,
      destination_config: { on_failure: { destination: "arn:aws:sqs:us-east-1:111111111111:failed" } },
    });
  });
});

describe("ArchitectFlow", () => {
  const flowFile = () => {
    const file = join(mkdtempSync(join(tmpdir(), "flow-")), "flow.yaml");
    writeFileSync(file, 'inboundEmail:\n  name: "{{flow_name}}"\n  queue: "{{queue_name}}"\n');
    return file;
  };

  it("finds each placeholder once", () => {
    expect(flowPlaceholders("a {{x}} b {{y_1}} {{x}} {{ not_one }}")).toEqual(["x", "y_1"]);
  });

  it("fails synth when a placeholder has no value or a value has no placeholder", () => {
    expect(() => new ArchitectFlow(newStack(), "flow", { file: flowFile(), substitutions: { flow_name: "f", extra: "e" }, republishWhenChanged: [] })).toThrow(
      /flow\.yaml: no substitution for \{\{queue_name\}\}; unused substitutions extra$/,
    );
  });
});

describe("Genesys constructs", () => {
  it("keeps data action timeouts within Genesys' 1-60 s", () => {
    expect(
      () =>
        new DataAction(newStack(), "a", {
          integrationName: "i",
          actionName: "a",
          transport: { kind: "lambda", functionArn: "arn:fn", roleArn: "arn:role" },
          contractInput: "{}",
          contractOutput: "{}",
          timeoutSeconds: 90,
        }),
    ).toThrow("a: timeoutSeconds must be an integer from 1 to 60, got 90");
  });

  it("refuses duplicate queue names", () => {
    expect(() => new RoutingQueues(newStack(), "q", { names: ["A", "B", "A"], description: "d" })).toThrow("queue names must be unique; repeated: A");
  });
});

describe("SecureBucket", () => {
  it("adds an expiry rule only when asked, and validates it", () => {
    const stack = newStack();
    new SecureBucket(stack, "b", { bucketName: "b", expireAfterDays: 7 });
    const rule = (Object.values(JSON.parse(Testing.synth(stack)).resource.aws_s3_bucket_lifecycle_configuration)[0] as { rule: unknown[] }).rule[0];
    expect(rule).toMatchObject({ status: "Enabled", expiration: [{ days: 7 }] });
    expect(() => new SecureBucket(newStack(), "b", { bucketName: "b", expireAfterDays: 0 })).toThrow("b: expireAfterDays must be a positive integer, got 0");
  });
});
