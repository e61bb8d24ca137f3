import { functionsApiAccess } from "../../constructs/genesys/runtime-needs";
import { Testing } from "cdktf";
import { IdentityGraph, IdentityGraphProps } from "../../constructs/identity-graph";
import { GenesysEventStream } from "../../constructs/genesys-event-stream";
import { Naming } from "../../constructs/naming";
import { IDENTITY_TOPIC_NAMES } from "../../functions/identity-graph/core/events";
import { Block, onlyResource, resourcesOf, shipped, Synthesized, synthesize, variant } from "../support/synth";

const json = (text: unknown) => JSON.parse(text as string) as Record<string, unknown>;

describe("identity graph stack", () => {
  const stack = shipped("dev");
  const queues = () => resourcesOf(stack, "aws_sqs_queue");
  const queueNamed = (name: string) => queues().find((q) => q.name === name)!;

  it("streams the identity topics through one Genesys EventBridge integration to the partner bus", () => {
    const integration = resourcesOf(stack, "genesyscloud_integration").find((i) => i.integration_type === "amazon-eventbridge-source")!;
    expect(integration.intended_state).toBe("ENABLED");
    expect(json((integration.config as Block).properties)).toEqual({
      awsAccountId: "111111111111",
      awsAccountRegion: "us-east-1",
      eventSourceSuffix: "gcx-dev-events",
      eventFilter: expect.arrayContaining([
        "v2.detail.events.conversation.{id}.attributes",
        "v2.detail.events.conversation.{id}.contact",
        "v2.detail.events.conversation.{id}.customer.start",
      ]),
    });
    const bus = onlyResource(stack, "aws_cloudwatch_event_bus");
    expect(bus.name).toMatch(/^aws\.partner\/genesys\.com\/cloud\/\$\{data\.genesyscloud_organizations_me\.[^}]+\.id\}\/gcx-dev-events$/);
    expect(bus.event_source_name).toBe(bus.name);
    expect(bus.depends_on).toEqual([expect.stringMatching(/^genesyscloud_integration\./)]);
  });

  it("routes only identity topics from that source to an encrypted queue with a longer-lived dead-letter queue", () => {
    const rule = resourcesOf(stack, "aws_cloudwatch_event_rule").find((r) => r.name === "gcx-dev-identity-events")!;
    expect(json(rule.event_pattern)).toEqual({
      source: [expect.stringMatching(/^aws\.partner\/genesys\.com\/cloud\//)],
      "detail-type": [
        "v2.detail.events.conversation.{id}.customer.start",
        "v2.detail.events.conversation.{id}.attributes",
        "v2.detail.events.conversation.{id}.contact",
      ],
    });
    const queue = queueNamed("gcx-dev-identity-events");
    const dlq = queueNamed("gcx-dev-identity-events-dlq");
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    expect(dlq.sqs_managed_sse_enabled).toBe(true);
    expect(json(queue.redrive_policy)).toEqual({ deadLetterTargetArn: expect.stringContaining("aws_sqs_queue."), maxReceiveCount: 5 });
    expect(dlq.message_retention_seconds as number).toBeGreaterThan(queue.message_retention_seconds as number);
    const target = resourcesOf(stack, "aws_cloudwatch_event_target").find((t) => (t.rule as string).includes("identity-graph"))!;
    expect(target).not.toHaveProperty("role_arn");
    expect((target.dead_letter_config as Block).arn).toContain("aws_sqs_queue.");
    for (const policy of resourcesOf(stack, "aws_sqs_queue_policy")) {
      expect(json(policy.policy).Statement).toEqual([
        expect.objectContaining({ Principal: { Service: "events.amazonaws.com" }, Action: ["sqs:SendMessage"], Condition: { ArnEquals: { "aws:SourceArn": expect.stringContaining("aws_cloudwatch_event_rule.") } } }),
      ]);
    }
  });

  it("feeds the resolver in batches of 10 with partial failures, a batching window and capped concurrency", () => {
    const mapping = onlyResource(stack, "aws_lambda_event_source_mapping");
    expect(mapping).toMatchObject({
      batch_size: 10,
      maximum_batching_window_in_seconds: 2,
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: 5 },
    });
    const resolver = resourcesOf(stack, "aws_lambda_function").find((f) => f.function_name === "gcx-dev-identity-resolver")!;
    expect(queueNamed("gcx-dev-identity-events").visibility_timeout_seconds as number).toBeGreaterThanOrEqual(6 * (resolver.timeout as number));
    const variables = (resolver.environment as { variables: Record<string, string> }).variables;
    expect(variables.WRITE_BACK_REQUESTS_PER_MINUTE).toBe("48");
    expect(Object.keys(variables).sort()).toEqual(
      ["DEAD_LETTER_QUEUE_URL", "GENESYS_CREDENTIALS_SECRET_ARN", "GENESYS_REGION", "HMAC_KEY_SECRET_ARN", "IDENTITY_SETTINGS", "POWERTOOLS_SERVICE_NAME", "TABLE_NAME", "WRITE_BACK_REQUESTS_PER_MINUTE"].sort(),
    );
  });

  it("alarms on dead letters and on the age of the oldest event", () => {
    const alarms = resourcesOf(stack, "aws_cloudwatch_metric_alarm").map((a) => [a.metric_name, a.threshold]);
    expect(alarms).toEqual(expect.arrayContaining([["ApproximateNumberOfMessagesVisible", 0], ["ApproximateAgeOfOldestMessage", 300]]));
  });

  it("keeps the graph in an on-demand table with point-in-time recovery, encryption and TTL", () => {
    expect(resourcesOf(stack, "aws_dynamodb_table").find((t) => t.name === "gcx-dev-identity-graph")).toMatchObject({
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      range_key: "sk",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      ttl: { attribute_name: "expiresAt", enabled: true },
    });
  });

  it("generates the hashing key once, in Secrets Manager", () => {
    const versions = resourcesOf(stack, "aws_secretsmanager_secret_version");
    const hashingKey = versions.find((v) => (v.secret_string as string).includes("data.aws_secretsmanager_random_password."))!;
    expect(hashingKey.lifecycle).toEqual({ ignore_changes: ["secret_string"] });
  });

  it("creates a client-credentials OAuth client with a least-privilege role and keeps its secret in Secrets Manager", () => {
    expect(onlyResource(stack, "genesyscloud_oauth_client")).toMatchObject({ authorized_grant_type: "CLIENT-CREDENTIALS", expose_client_secret: true });
    // The role is made by the org set-up (npm run genesys:setup); the write-back PATCH needs no permission.
    expect(functionsApiAccess(variant("dev", (raw) => (raw.attachmentRouting.enabled = false))).permissions).toEqual([]);
    const credentials = resourcesOf(stack, "aws_secretsmanager_secret_version").find((v) => (v.secret_string as string).includes("client_secret"))!;
    expect(credentials.secret_string).toMatch(/^\$\{jsonencode\(\{"clientId" = genesyscloud_oauth_client\.[^.]+\.id, "clientSecret" = genesyscloud_oauth_client\.[^.]+\.client_secret\}\)\}$/);
  });

  it("uses an existing OAuth client secret when the environment names one", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:genesys-api-AbCdEf";
    const withSecret = synthesize(variant("dev", (raw) => (raw.genesys.apiClientSecretArn = arn)));
    expect(resourcesOf(withSecret, "genesyscloud_oauth_client")).toHaveLength(0);
    const resolver = resourcesOf(withSecret, "aws_lambda_function").find((f) => f.function_name === "gcx-dev-identity-resolver")!;
    expect((resolver.environment as { variables: Record<string, string> }).variables.GENESYS_CREDENTIALS_SECRET_ARN).toBe(arn);
  });

  it("lets the resolver touch only its table, its secrets and its queues", () => {
    const policy = resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes("identity-graph_resolver_role"))!;
    const statements = json(policy.policy).Statement as Array<{ Sid: string; Action: string[]; Resource: string[] }>;
    expect(statements.map((s) => s.Sid).filter((sid) => sid !== "WriteTraces")).toEqual(["OwnLogGroup", "IdentityGraph", "ReadSecrets", "ConsumeEvents", "DeadLetterInvalidEvents"]);
    expect(statements.find((s) => s.Sid === "IdentityGraph")!.Resource).toEqual([expect.stringMatching(/^\$\{aws_dynamodb_table\.[^}]+\.arn\}$/)]);
    // TransactWriteItems is authorized as its Put/Update/Delete/ConditionCheck actions; no Scan, no GetItem.
    expect([...statements.find((s) => s.Sid === "IdentityGraph")!.Action].sort()).toEqual(
      ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"].sort(),
    );
  });

  it("lets the eraser read, transact and query its table only", () => {
    const policy = resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes("identity-graph_eraser_role"))!;
    const statements = json(policy.policy).Statement as Array<{ Sid: string; Action: string[]; Resource: string[] }>;
    const graph = statements.find((s) => s.Sid === "EraseFromIdentityGraph")!;
    expect(graph.Resource).toEqual([expect.stringMatching(/^\$\{aws_dynamodb_table\.[^}]+\.arn\}$/)]);
    expect([...graph.Action].sort()).toEqual(["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]);
  });

  it("reserves the resolver's concurrency at the mapping's maximum, each instance with its share of the Genesys rate", () => {
    const resolver = resourcesOf(stack, "aws_lambda_function").find((f) => f.function_name === "gcx-dev-identity-resolver")!;
    const mapping = onlyResource(stack, "aws_lambda_event_source_mapping");
    const share = Number((resolver.environment as { variables: Record<string, string> }).variables.WRITE_BACK_REQUESTS_PER_MINUTE);
    expect(resolver.reserved_concurrent_executions).toBe((mapping.scaling_config as Block).maximum_concurrency);
    expect(share * (resolver.reserved_concurrent_executions as number)).toBeLessThanOrEqual(300);
  });

  it("traces both functions with X-Ray when the environment turns tracing on", () => {
    const prod = shipped("prod");
    for (const name of ["gcx-prod-identity-resolver", "gcx-prod-identity-erase"]) {
      expect(resourcesOf(prod, "aws_lambda_function").find((f) => f.function_name === name)!.tracing_config).toEqual({ mode: "Active" });
    }
  });

  it("leaves the event stream out when no capability needs it", () => {
    const off = synthesize(
      variant("dev", (raw) => {
        raw.identityGraph.enabled = false;
        raw.attachmentRouting.enabled = false;
      }),
    );
    expect(resourcesOf(off, "aws_cloudwatch_event_bus")).toHaveLength(0);
    expect(resourcesOf(off, "genesyscloud_oauth_client")).toHaveLength(0);
    expect(resourcesOf(off, "aws_dynamodb_table")).toHaveLength(0);
  });
});

describe("identity graph construct", () => {
  /** The construct alone, on the dev environment's settings. */
  function synthesizeAlone(props: Partial<IdentityGraphProps>): Synthesized {
    const settings = variant("dev", () => undefined).identityGraph;
    return JSON.parse(
      Testing.synthScope((scope) => {
        const naming = new Naming("gcx", "test");
        const events = new GenesysEventStream(scope, "events", {
          name: naming.name("events"),
          eventSourceSuffix: naming.name("events"),
          genesysOrgId: "org-1",
          awsAccountId: "111111111111",
          awsRegion: "us-east-1",
          topics: IDENTITY_TOPIC_NAMES,
        });
        new IdentityGraph(scope, "identity-graph", {
          naming,
          settings,
          genesysRegion: "us-east-1",
          events,
          genesysCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:genesys-AbCdEf",
          functionDefaults: { logRetentionDays: 14, tracing: false, sourceMaps: false },
          ...props,
        });
      }),
    ) as Synthesized;
  }
  const hashingKey = (stack: Synthesized) => resourcesOf(stack, "aws_secretsmanager_secret").find((s) => (s.name as string).endsWith("identity-hashing-key"))!;

  it("protects production data by default: deletion protection on the table, 30 days to recover a deleted hashing key", () => {
    const stack = synthesizeAlone({});
    expect(onlyResource(stack, "aws_dynamodb_table").deletion_protection_enabled).toBe(true);
    expect(hashingKey(stack).recovery_window_in_days).toBe(30);
  });

  it("lets an unprotected environment be destroyed and deployed again at once", () => {
    const stack = synthesizeAlone({ protectData: false });
    expect(onlyResource(stack, "aws_dynamodb_table").deletion_protection_enabled).toBe(false);
    expect(hashingKey(stack).recovery_window_in_days).toBe(0);
  });

  it("reserves no concurrency where the account cannot (reserveConcurrency off)", () => {
    const resolver = resourcesOf(synthesizeAlone({ reserveConcurrency: false }), "aws_lambda_function").find((f) => (f.function_name as string).endsWith("identity-resolver"))!;
    expect(resolver.reserved_concurrent_executions).toBeUndefined();
  });
});
