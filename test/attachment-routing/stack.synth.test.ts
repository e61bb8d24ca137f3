import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DocumentsBucket } from "../../constructs/attachment-routing/documents";
import { AttachmentPipeline, ExecutionLogLevel } from "../../constructs/attachment-routing/pipeline";
import { TextractCallback } from "../../constructs/attachment-routing/textract-callback";
import { DOCUMENT_TYPES_CORPUS } from "../../constructs/attachment-routing";
import { functionsApiAccess } from "../../constructs/genesys/runtime-needs";
import { Naming } from "../../constructs/naming";
import { Environment } from "../../config/environment";
import { loadEnvironments } from "../../config/load";
import { ACD_START_TOPIC, PIPELINE_STATUS_CHANGE } from "../../functions/attachment-routing/core/events";
import { DOCUMENTS_PREFIX } from "../../functions/attachment-routing/core/document-keys";
import { FALLBACK_INTENT, INTENT_ATTRIBUTE } from "../../functions/attachment-routing/core/participant-data";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";
import { TOKEN_TABLE_KEYS } from "../../functions/attachment-routing/core/token-table";
import { Block, onlyResource, resourcesOf, shipped, synthesize, Synthesized, variant } from "../support/synth";

const json = (text: unknown) => JSON.parse(text as string) as Record<string, unknown>;
const variables = (fn: Block) => (fn.environment as { variables: Record<string, string> }).variables;
type Statement = { Sid: string; Action: string[]; Resource: string[]; Principal?: unknown; Condition?: unknown };

function parts(stack: Synthesized) {
  const fn = (name: string) => resourcesOf(stack, "aws_lambda_function").find((f) => f.function_name === `gcx-${name}`)!;
  const policyOf = (role: string) =>
    json(resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes(`attachment-routing_${role}_`))!.policy).Statement as Statement[];
  const queue = (name: string) => resourcesOf(stack, "aws_sqs_queue").find((q) => q.name === name)!;
  const asyncConfigOf = (fnId: string) => resourcesOf(stack, "aws_lambda_function_event_invoke_config").find((c) => (c.function_name as string).includes(fnId))!;
  return { fn, policyOf, queue, asyncConfigOf };
}

describe("attachment routing stack", () => {
  const stack = shipped("dev");
  const { fn, policyOf, queue, asyncConfigOf } = parts(stack);

  it("adds a triage queue and a queue per document type, and the flow holds every email in triage", () => {
    const names = resourcesOf(stack, "genesyscloud_routing_queue").map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(["DocumentTriage", "Invoices", "Claims", "Complaints"]));
    const flow = onlyResource(stack, "genesyscloud_flow");
    expect((flow.substitutions as Record<string, string>).hold_for_attachments).toBe("true");
    expect((flow.substitutions as Record<string, string>).triage_queue_name).toMatch(/^\$\{genesyscloud_routing_queue\.attachment-queues_queue-documenttriage_[^.]+\.name\}$/);
    expect(flow.update_trigger_hash).toContain("attachment-queues_queue-documenttriage");
  });

  it("gives the flow the participant data names the load step reads, from the core", () => {
    const flow = onlyResource(stack, "genesyscloud_flow");
    expect(flow.substitutions).toMatchObject({ intent_attribute: INTENT_ATTRIBUTE, fallback_intent: FALLBACK_INTENT });
    expect(readFileSync(join(__dirname, "..", "..", "flows", "inbound-email.yaml"), "utf8")).toContain('lit: "{{intent_attribute}}"');
  });

  it("streams acd.start with the identity topics through the one EventBridge integration", () => {
    const integration = resourcesOf(stack, "genesyscloud_integration").find((i) => i.integration_type === "amazon-eventbridge-source")!;
    expect(json((integration.config as Block).properties).eventFilter).toEqual(expect.arrayContaining([ACD_START_TOPIC]));
  });

  describe("triage arrivals", () => {
    it("start the pipeline only for emails entering the triage queue", () => {
      const rule = resourcesOf(stack, "aws_cloudwatch_event_rule").find((r) => r.name === "gcx-dev-triage-arrivals")!;
      expect(json(rule.event_pattern)).toEqual({
        source: [expect.stringMatching(/^aws\.partner\/genesys\.com\/cloud\//)],
        "detail-type": [ACD_START_TOPIC],
        detail: { eventBody: { queueId: [expect.stringMatching(/^\$\{genesyscloud_routing_queue\.attachment-queues_queue-documenttriage_[^.]+\.id\}$/)] } },
      });
      expect(variables(fn("dev-attachment-start"))).toMatchObject({ STATE_MACHINE_ARN: expect.stringContaining("aws_sfn_state_machine.") });
    });

    it("are never dropped: delivery failures, failed invocations and rejected events all reach one alarmed dead-letter queue", () => {
      const dlq = queue("gcx-dev-triage-arrivals-dlq");
      const dlqArn = `\${aws_sqs_queue.${Object.entries(stack.resource.aws_sqs_queue!).find(([, q]) => q === dlq)![0]}.arn}`;
      const target = resourcesOf(stack, "aws_cloudwatch_event_target").find((t) => (t.rule as string).includes("triage-arrivals"))!;
      expect(target).toMatchObject({ arn: expect.stringContaining("triage-arrivals_start_function"), dead_letter_config: { arn: dlqArn } });
      expect(asyncConfigOf("triage-arrivals_start_function")).toMatchObject({ destination_config: { on_failure: { destination: dlqArn } }, maximum_retry_attempts: 2 });
      expect(variables(fn("dev-attachment-start")).DEAD_LETTER_QUEUE_URL).toMatch(/^\$\{aws_sqs_queue\.attachment-routing_triage-arrivals_missed-arrivals_[^.]+\.url\}$/);
      expect(policyOf("triage-arrivals_start").map((s) => s.Sid)).toEqual(["OwnLogGroup", "KeepFailedEvents", "StartPipeline"]);
      expect(resourcesOf(stack, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === "gcx-dev-triage-arrivals-dlq-not-empty")).toBeDefined();
    });
  });

  describe("the pipeline", () => {
    it("runs a Standard state machine whose role may only invoke the step functions", () => {
      const machine = onlyResource(stack, "aws_sfn_state_machine");
      expect(machine).toMatchObject({ type: "STANDARD", name: "gcx-dev-attachment-pipeline" });
      const definition = json(machine.definition) as { States: Record<string, unknown> };
      expect(Object.keys(definition.States)).toEqual(expect.arrayContaining(["LoadEmail", "Ocr", "Classify", "Route", "Fallback", "EmailNotRouted"]));
      const invoke = policyOf("pipeline_role").find((s) => s.Sid === "InvokeSteps")!;
      expect(invoke.Action).toEqual(["lambda:InvokeFunction"]);
      expect(invoke.Resource.map((r) => /attachment-routing_pipeline_([a-z-]+)_function/.exec(r)?.[1])).toEqual(["load", "ocr-start", "classify", "route", "fallback"]);
    });

    it("deploys each step with the timeout its Task state is bounded by", () => {
      for (const [name, step] of [
        ["start", "start"],
        ["load", "load"],
        ["ocr-start", "ocrStart"],
        ["ocr-complete", "ocrComplete"],
        ["classify", "classify"],
        ["route", "route"],
        ["fallback", "fallback"],
      ] as const) {
        expect({ name, timeout: fn(`dev-attachment-${name}`).timeout }).toEqual({ name, timeout: STEP_TIMEOUT_SECONDS[step] });
      }
    });

    it("rescues an execution that ended without routing its email: Step Functions' status change invokes the fallback", () => {
      const rule = resourcesOf(stack, "aws_cloudwatch_event_rule").find((r) => r.name === "gcx-dev-attachment-rescue")!;
      expect(rule.event_bus_name).toBeUndefined();
      expect(json(rule.event_pattern)).toEqual({
        source: [PIPELINE_STATUS_CHANGE.source],
        "detail-type": [PIPELINE_STATUS_CHANGE.detailType],
        detail: { stateMachineArn: [expect.stringContaining("aws_sfn_state_machine.")], status: ["FAILED", "TIMED_OUT", "ABORTED"] },
      });
      const target = resourcesOf(stack, "aws_cloudwatch_event_target").find((t) => (t.rule as string).includes("rescue"))!;
      expect(target).toMatchObject({ arn: expect.stringContaining("pipeline_fallback_function"), dead_letter_config: { arn: expect.stringContaining("unrouted-emails") } });
      expect(asyncConfigOf("pipeline_fallback_function")).toMatchObject({ destination_config: { on_failure: { destination: expect.stringContaining("unrouted-emails") } } });
      expect(resourcesOf(stack, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === "gcx-dev-attachment-rescue-dlq-not-empty")).toBeDefined();
    });

    it("alarms on failed, timed-out and aborted executions", () => {
      const metrics = resourcesOf(stack, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/States").map((a) => a.metric_name);
      expect(metrics.sort()).toEqual(["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"]);
    });

    it("gives the route and the fallback the queue ids they may move emails to, the fallback queue, and the resend message", () => {
      for (const name of ["dev-attachment-route", "dev-attachment-fallback"]) {
        const env = variables(fn(name));
        expect(Object.keys(JSON.parse(env.QUEUE_IDS!) as Record<string, string>).sort()).toEqual(["401K", "529", "Claims", "Complaints", "DocumentTriage", "GeneralSupport", "IRA", "Invoices"]);
        expect(env.FALLBACK_QUEUE_ID).toMatch(/^\$\{genesyscloud_routing_queue\.email-routing_queues_queue-generalsupport_[^.]+\.id\}$/);
      }
      expect(variables(fn("dev-attachment-route")).RESEND_FROM_ADDRESS).toMatch(/^support@\$\{genesyscloud_routing_email_domain\./);
      expect(variables(fn("dev-attachment-classify"))).toMatchObject({ DOCUMENT_QUEUES: JSON.stringify({ Invoice: "Invoices", ClaimForm: "Claims", Complaint: "Complaints" }), CONFIDENCE_THRESHOLD: "0.6", CLASSIFIER_BACKEND: "embedded" });
    });
  });

  describe("the Textract callback", () => {
    it("wires Textract's completion through an encrypted SNS topic and a role Textract can only publish with", () => {
      expect(onlyResource(stack, "aws_sns_topic").kms_master_key_id).toBe("alias/aws/sns");
      expect(policyOf("pipeline_ocr-start").map((s) => s.Sid)).toEqual(["OwnLogGroup", "StartTextDetection", "ReadDocuments", "PassTextractRole", "ParkTaskToken"]);
      expect(variables(fn("dev-attachment-ocr-start"))).toMatchObject({ TEXTRACT_TOPIC_ARN: expect.stringContaining("aws_sns_topic."), TEXTRACT_ROLE_ARN: expect.stringContaining("aws_iam_role.") });
      expect(policyOf("textract-callback_ocr-complete").find((s) => s.Sid === "ResumeExecution")).toMatchObject({
        Action: ["states:SendTaskSuccess", "states:SendTaskFailure"],
        Resource: [expect.stringMatching(/^\$\{aws_sfn_state_machine\.attachment-routing_pipeline_state-machine_[^.]+\.arn\}$/)],
      });
    });

    it("keeps every completion it cannot process: the on-failure destination and rejected messages share one alarmed queue", () => {
      expect(onlyResource(stack, "aws_sns_topic_subscription")).toMatchObject({ protocol: "lambda", endpoint: expect.stringContaining("textract-callback_ocr-complete_function") });
      const destination = (asyncConfigOf("ocr-complete_function").destination_config as { on_failure: { destination: string } }).on_failure.destination;
      expect(destination).toMatch(/^\$\{aws_sqs_queue\.attachment-routing_textract-callback_failed-completions_[^.]+\.arn\}$/);
      expect(asyncConfigOf("ocr-complete_function")).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 60 });
      expect(variables(fn("dev-attachment-ocr-complete")).DEAD_LETTER_QUEUE_URL).toBe(destination.replace(/\.arn\}$/, ".url}"));
      expect(policyOf("textract-callback_ocr-complete").find((s) => s.Sid === "KeepFailedEvents")!.Resource).toEqual([destination]);
      expect(resourcesOf(stack, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === "gcx-dev-ocr-completions-dlq-not-empty")).toBeDefined();
    });
  });

  it("keeps documents in an encrypted bucket that expires them, grants only the pipeline's prefix, and task tokens in a table with TTL", () => {
    const lifecycle = resourcesOf(stack, "aws_s3_bucket_lifecycle_configuration").find((l) => (l.bucket as string).includes("attachment-routing_documents"))!;
    expect((lifecycle.rule as Array<Record<string, unknown>>)[0]).toMatchObject({ expiration: [{ days: 7 }] });
    expect(policyOf("pipeline_load").find((s) => s.Sid === "StoreDocuments")!.Resource).toEqual([expect.stringMatching(new RegExp(`\\.arn\\}/${DOCUMENTS_PREFIX}\\*$`))]);
    const tokens = resourcesOf(stack, "aws_dynamodb_table").find((t) => t.name === "gcx-dev-ocr-task-tokens")!;
    expect(tokens).toMatchObject({ hash_key: TOKEN_TABLE_KEYS.partition, ttl: { attribute_name: TOKEN_TABLE_KEYS.ttl, enabled: true }, server_side_encryption: { enabled: true } });
  });

  it("grants the Genesys OAuth client the union of what the capabilities call", () => {
    // The role is made by the org set-up (npm run genesys:setup) with these permissions.
    expect(functionsApiAccess(variant("dev", () => undefined)).permissions).toEqual([
      { domain: "conversation", entityName: "agentlessEmail", action: "send" },
      { domain: "conversation", entityName: "communication", action: "blindTransferQueue" },
    ]);
  });

  it("fails synth for a document type the corpus does not know, and for attachments without email routing", () => {
    expect(() => synthesize(variant("dev", (raw) => (raw.attachmentRouting.documentQueues = { Receipt: "Receipts" })))).toThrow(
      'environment "dev": attachmentRouting.documentQueues.Receipt: "Receipt" is not a class of',
    );
    expect(() => variant("dev", (raw) => (raw.emailRouting.enabled = false))).toThrow(
      "attachmentRouting.enabled: needs emailRouting.enabled: the inbound email flow holds emails in the triage queue",
    );
  });

  it("leaves the triage hold out of the flow when the capability is off", () => {
    const off = synthesize(variant("dev", (raw) => (raw.attachmentRouting.enabled = false)));
    expect(resourcesOf(off, "aws_sfn_state_machine")).toHaveLength(0);
    expect((onlyResource(off, "genesyscloud_flow").substitutions as Record<string, string>).hold_for_attachments).toBe("false");
  });
});

describe("attachment routing in production", () => {
  const prod = shipped("prod");
  const { policyOf } = parts(prod);

  it("keeps the documents bucket on destroy (no force_destroy)", () => {
    const bucket = resourcesOf(prod, "aws_s3_bucket").find((b) => (b.bucket as string).startsWith("gcx-prod-documents-"))!;
    expect(bucket.force_destroy).toBe(false);
  });

  it("traces the state machine and every attachment function with X-Ray", () => {
    expect(onlyResource(prod, "aws_sfn_state_machine").tracing_configuration).toEqual({ enabled: true });
    expect(policyOf("pipeline_role").find((s) => s.Sid === "WriteTraces")).toEqual({
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: ["*"],
    });
    const functions = resourcesOf(prod, "aws_lambda_function").filter((f) => /^gcx-prod-attachment-/.test(f.function_name as string));
    expect(functions).toHaveLength(7);
    for (const f of functions) expect({ name: f.function_name, mode: (f.tracing_config as Block).mode }).toEqual({ name: f.function_name, mode: "Active" });
    expect(onlyResource(shipped("dev"), "aws_sfn_state_machine").tracing_configuration).toEqual({ enabled: false });
  });
});

/**
 * The pipeline and its bucket synthesized with each environment's `protectData` and
 * `observability.executionLogLevel`, as the environment stack passes them to AttachmentRouting.
 */
describe.each(loadEnvironments().map((e) => [e.name, e] as const))("attachment pipeline hardening as %s sets it", (_name, environment: Environment) => {
  function synthesizePipeline(executionLogLevel: ExecutionLogLevel, protectData: boolean): Synthesized {
    const stack = new TerraformStack(Testing.app(), "pipeline");
    new AwsProvider(stack, "aws", { region: environment.aws.region });
    const naming = new Naming(environment.namePrefix, environment.name);
    const functionDefaults = { logRetentionDays: environment.logRetentionDays, tracing: environment.observability.tracing, sourceMaps: environment.observability.sourceMaps };
    const documents = new DocumentsBucket(stack, "documents", { naming, accountId: environment.aws.accountId, region: environment.aws.region, retentionDays: 7, protectData });
    const callback = new TextractCallback(stack, "callback", { naming, accountId: environment.aws.accountId, documents, stateMachineArn: "arn:aws:states:us-east-1:111111111111:stateMachine:x", ocrTimeoutSeconds: 60, functionDefaults });
    new AttachmentPipeline(stack, "pipeline", {
      naming,
      name: naming.name("attachment-pipeline"),
      settings: environment.attachmentRouting,
      aws: environment.aws,
      genesysRegion: environment.genesys.region,
      genesysCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:genesys",
      documents,
      callback,
      queueIds: { Invoices: "q-1" },
      fallbackQueueId: "q-fallback",
      protectData,
      fromAddress: "support@example.com",
      fromName: "Support",
      corpusFile: DOCUMENT_TYPES_CORPUS,
      functionDefaults,
      executionLogLevel,
    });
    return JSON.parse(Testing.synth(stack)) as Synthesized;
  }
  const statements = (stack: Synthesized) => json(resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes("pipeline_role"))!.policy).Statement as Statement[];
  const hardened = synthesizePipeline(environment.observability.executionLogLevel, environment.protectData);

  it("logs executions at the environment's level, without execution data (customers' addresses), to a vended-logs group", () => {
    const machine = onlyResource(hardened, "aws_sfn_state_machine");
    expect(machine.logging_configuration).toEqual({
      level: environment.observability.executionLogLevel,
      include_execution_data: false,
      log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.pipeline_execution-logs_[^.]+\.arn\}:\*$/),
    });
    const group = resourcesOf(hardened, "aws_cloudwatch_log_group").find((g) => (g.name as string).startsWith("/aws/vendedlogs/states/"))!;
    expect(group).toMatchObject({ name: `/aws/vendedlogs/states/gcx-${environment.name}-attachment-pipeline`, retention_in_days: environment.logRetentionDays });
  });

  it("lets the state machine set up log delivery: CloudWatch Logs' delivery actions take Resource '*', and nothing else does", () => {
    const delivery = statements(hardened).find((s) => s.Sid === "DeliverExecutionLogs")!;
    expect(delivery.Resource).toEqual(["*"]);
    expect(delivery.Action.every((a) => a.startsWith("logs:") && !a.includes("*"))).toBe(true);
    expect(delivery.Action).toEqual(expect.arrayContaining(["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries"]));
    for (const s of statements(hardened).filter((x) => x.Resource.includes("*"))) expect(["DeliverExecutionLogs", "WriteTraces"]).toContain(s.Sid);
  });

  it(`${environment.protectData ? "keeps" : "lets destroy empty"} the documents bucket (protectData ${environment.protectData})`, () => {
    expect(onlyResource(hardened, "aws_s3_bucket").force_destroy).toBe(!environment.protectData);
  });

  it("logs nothing and grants no log delivery when logging is OFF", () => {
    const off = synthesizePipeline("OFF", true);
    expect(onlyResource(off, "aws_sfn_state_machine").logging_configuration).toBeUndefined();
    expect(statements(off).map((s) => s.Sid)).not.toContain("DeliverExecutionLogs");
    expect(resourcesOf(off, "aws_cloudwatch_log_group").filter((g) => (g.name as string).startsWith("/aws/vendedlogs/"))).toEqual([]);
  });
});
