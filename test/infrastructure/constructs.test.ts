import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
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
  it("refuses an environment variable that looks like a secret", () => {
    expect(
      () => new NodejsFunction(newStack(), "fn", { entry: "email-routing/classify-email", functionName: "f", environment: { GENESYS_CLIENT_SECRET: "x" } }),
    ).toThrow("f: environment variable GENESYS_CLIENT_SECRET looks like a secret; store it in Secrets Manager and pass its ARN");
  });

  it("accepts references to secrets by ARN or name", () => {
    expect(
      () => new NodejsFunction(newStack(), "fn", { entry: "email-routing/classify-email", functionName: "f", environment: { GENESYS_CLIENT_SECRET_ARN: "arn:aws:secretsmanager:x" } }),
    ).not.toThrow();
  });

  it.each([
    [{ timeoutSeconds: 0 }, "f: timeoutSeconds must be an integer from 1 to 900, got 0"],
    [{ memoryMb: 64 }, "f: memoryMb must be an integer from 128 to 10240, got 64"],
  ])("validates %p", (props, message) => {
    expect(() => new NodejsFunction(newStack(), "fn", { entry: "email-routing/classify-email", functionName: "f", ...props })).toThrow(message);
  });

  it("names a missing entry point", () => {
    expect(() => new NodejsFunction(newStack(), "fn", { entry: "no-such-function", functionName: "f" })).toThrow(
      "no Lambda entry point at functions/no-such-function/index.ts",
    );
  });

  it("lets the role write only its own log group besides the statements it is given", () => {
    const stack = newStack();
    new NodejsFunction(stack, "fn", {
      entry: "email-routing/classify-email",
      functionName: "f",
      statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"] }],
    });
    const policy = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_iam_role_policy)[0] as { policy: string };
    expect(JSON.parse(policy.policy).Statement).toEqual([
      { Sid: "OwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/)] },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/k"] },
    ]);
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
