import { functionsApiAccess } from "../../constructs/genesys/runtime-needs";
import { Block, onlyResource, resourcesOf, shipped, synthesize, variant } from "../support/synth";

const json = (text: unknown) => JSON.parse(text as string) as Record<string, unknown>;
const variables = (fn: Block) => (fn.environment as { variables: Record<string, string> }).variables;

describe("attachment routing stack", () => {
  const stack = shipped("dev");
  const fn = (name: string) => resourcesOf(stack, "aws_lambda_function").find((f) => f.function_name === `gcx-dev-${name}`)!;
  const policyOf = (role: string) =>
    json(resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes(`attachment-routing_${role}_role`))!.policy).Statement as Array<{
      Sid: string;
      Action: string[];
      Resource: string[];
    }>;

  it("adds a triage queue and a queue per document type, and the flow holds every email in triage", () => {
    const names = resourcesOf(stack, "genesyscloud_routing_queue").map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(["DocumentTriage", "Invoices", "Claims", "Complaints"]));
    const flow = onlyResource(stack, "genesyscloud_flow");
    expect((flow.substitutions as Record<string, string>).hold_for_attachments).toBe("true");
    expect((flow.substitutions as Record<string, string>).triage_queue_name).toMatch(/^\$\{genesyscloud_routing_queue\.attachment-queues_queue-documenttriage_[^.]+\.name\}$/);
    expect(flow.update_trigger_hash).toContain("attachment-queues_queue-documenttriage");
  });

  it("streams acd.start with the identity topics through the one EventBridge integration", () => {
    const integration = resourcesOf(stack, "genesyscloud_integration").find((i) => i.integration_type === "amazon-eventbridge-source")!;
    expect(json((integration.config as Block).properties).eventFilter).toEqual(expect.arrayContaining(["v2.detail.events.conversation.{id}.acd.start"]));
  });

  it("starts the pipeline only for emails entering the triage queue, with a dead-letter queue for missed starts", () => {
    const rule = resourcesOf(stack, "aws_cloudwatch_event_rule").find((r) => r.name === "gcx-dev-triage-arrivals")!;
    expect(json(rule.event_pattern)).toEqual({
      source: [expect.stringMatching(/^aws\.partner\/genesys\.com\/cloud\//)],
      "detail-type": ["v2.detail.events.conversation.{id}.acd.start"],
      detail: { eventBody: { queueId: [expect.stringMatching(/^\$\{genesyscloud_routing_queue\.attachment-queues_queue-documenttriage_[^.]+\.id\}$/)] } },
    });
    const target = resourcesOf(stack, "aws_cloudwatch_event_target").find((t) => (t.rule as string).includes("triage-arrivals"))!;
    expect(target.arn).toContain("attachment-routing_start_function");
    expect((target.dead_letter_config as Block).arn).toContain("aws_sqs_queue.");
    expect(variables(fn("attachment-start"))).toMatchObject({ STATE_MACHINE_ARN: expect.stringContaining("aws_sfn_state_machine.") });
  });

  it("runs a Standard state machine whose role may only invoke the step functions", () => {
    const machine = onlyResource(stack, "aws_sfn_state_machine");
    expect(machine.type).toBe("STANDARD");
    const definition = json(machine.definition) as { States: Record<string, Record<string, unknown>> };
    expect(Object.keys(definition.States)).toEqual(expect.arrayContaining(["LoadEmail", "Ocr", "OcrTimedOut", "Classify", "Route"]));
    const policy = json(resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes("state-machine-role"))!.policy);
    expect(policy.Statement).toEqual([{ Sid: "InvokeSteps", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: expect.arrayContaining([expect.stringContaining("attachment-routing_load_function")]) }]);
  });

  it("wires Textract completion through an encrypted SNS topic and a role Textract can only publish with", () => {
    expect(onlyResource(stack, "aws_sns_topic").kms_master_key_id).toBe("alias/aws/sns");
    expect(onlyResource(stack, "aws_sns_topic_subscription")).toMatchObject({ protocol: "lambda", endpoint: expect.stringContaining("attachment-routing_ocr-complete_function") });
    expect(policyOf("ocr-start").map((s) => s.Sid)).toEqual(["OwnLogGroup", "StartTextDetection", "ReadDocuments", "PassTextractRole", "ParkTaskToken"]);
    expect(variables(fn("attachment-ocr-start"))).toMatchObject({ TEXTRACT_TOPIC_ARN: expect.stringContaining("aws_sns_topic."), TEXTRACT_ROLE_ARN: expect.stringContaining("aws_iam_role.") });
    expect(policyOf("ocr-complete").find((s) => s.Sid === "ResumeExecution")).toMatchObject({ Action: ["states:SendTaskSuccess", "states:SendTaskFailure"], Resource: [expect.stringContaining("aws_sfn_state_machine.")] });
  });

  it("keeps documents in an encrypted bucket that expires them, and task tokens in a table with TTL", () => {
    const lifecycle = resourcesOf(stack, "aws_s3_bucket_lifecycle_configuration")[0]!;
    expect((lifecycle.rule as Array<Record<string, unknown>>)[0]).toMatchObject({ expiration: [{ days: 7 }] });
    const tokens = resourcesOf(stack, "aws_dynamodb_table").find((t) => t.name === "gcx-dev-ocr-task-tokens")!;
    expect(tokens).toMatchObject({ hash_key: "jobId", ttl: { attribute_name: "expiresAt", enabled: true }, server_side_encryption: { enabled: true } });
  });

  it("gives the route the queue ids it may move emails to, the fallback, and the resend message", () => {
    const route = variables(fn("attachment-route"));
    const queueIds = JSON.parse(route.QUEUE_IDS!) as Record<string, string>;
    expect(Object.keys(queueIds).sort()).toEqual(["401K", "529", "Claims", "Complaints", "DocumentTriage", "GeneralSupport", "IRA", "Invoices"]);
    expect(route.FALLBACK_QUEUE_ID).toMatch(/^\$\{genesyscloud_routing_queue\.email-routing_queues_queue-generalsupport_[^.]+\.id\}$/);
    expect(route.RESEND_FROM_ADDRESS).toMatch(/^support@\$\{genesyscloud_routing_email_domain\./);
    expect(variables(fn("attachment-classify"))).toMatchObject({ DOCUMENT_QUEUES: JSON.stringify({ Invoice: "Invoices", ClaimForm: "Claims", Complaint: "Complaints" }), CONFIDENCE_THRESHOLD: "0.6", CLASSIFIER_BACKEND: "embedded" });
  });

  it("grants the Genesys OAuth client the union of what the capabilities call", () => {
    // The role is made by the org set-up (npm run genesys:setup) with these permissions.
    expect(functionsApiAccess(variant("dev", () => undefined)).permissions).toEqual([
      { domain: "conversation", entityName: "agentlessEmail", action: "send" },
      { domain: "conversation", entityName: "communication", action: "blindTransferQueue" },
    ]);
  });

  it("alarms on failed and timed-out executions", () => {
    const metrics = resourcesOf(stack, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/States").map((a) => a.metric_name);
    expect(metrics.sort()).toEqual(["ExecutionsFailed", "ExecutionsTimedOut"]);
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
