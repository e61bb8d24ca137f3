import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dataActionContract } from "../../functions/email-routing/core/contract";
import { flowPlaceholders } from "../../constructs/genesys/architect-flow";
import { Block, onlyResource, resourcesOf, shipped, synthesize, Synthesized, variant } from "../support/synth";

const policyOf = (block: Block) => JSON.parse(block.policy as string) as { Statement: Array<Record<string, unknown>> };
const integrationOfType = (stack: Synthesized, type: string) => {
  const found = resourcesOf(stack, "genesyscloud_integration").filter((i) => i.integration_type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} integration, found ${found.length}`);
  return found[0]!;
};
const functionNamed = (stack: Synthesized, suffix: string) =>
  resourcesOf(stack, "aws_lambda_function").find((f) => (f.function_name as string).endsWith(suffix));

describe("every environment stack", () => {
  it.each(["dev", "prod"])("%s holds both providers, default tags and the account guard", (name) => {
    const stack = shipped(name);
    expect(stack.provider.aws?.[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: [name === "dev" ? "111111111111" : "222222222222"],
      default_tags: [{ tags: expect.objectContaining({ project: "genesys-cx-intelligence", environment: name }) }],
    });
    expect(stack.provider.genesyscloud?.[0]).toEqual({ aws_region: "us-east-1" });
    expect(stack.terraform.required_providers).toMatchObject({ genesyscloud: { source: "registry.terraform.io/mypurecloud/genesyscloud", version: "1.84.1" } });
  });

  it.each(["dev", "prod"])("%s names every resource <prefix>-<env>-<purpose>", (name) => {
    const stack = shipped(name);
    for (const type of ["aws_lambda_function", "aws_iam_role", "genesyscloud_integration_action"]) {
      for (const block of resourcesOf(stack, type)) {
        expect((block.function_name ?? block.name) as string).toMatch(new RegExp(`^gcx-${name}-[a-z0-9-]+$`));
      }
    }
  });
});

describe("Lambda packaging", () => {
  it.each(["dev", "prod"])("%s runs every function on nodejs22.x arm64 with its own log group and role", (name) => {
    const stack = shipped(name);
    const functions = resourcesOf(stack, "aws_lambda_function");
    expect(functions.length).toBeGreaterThan(0);
    const logGroups = resourcesOf(stack, "aws_cloudwatch_log_group").map((g) => g.name);
    const roles = new Set(functions.map((f) => f.role));
    expect(roles.size).toBe(functions.length);
    for (const fn of functions) {
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler" });
      expect(fn.filename).toMatch(/^assets\/.+\/archive\.zip$/);
      expect(fn.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
      expect(logGroups).toContain(`/aws/lambda/${fn.function_name as string}`);
      expect((fn.logging_config as Block).log_format).toBe("JSON");
    }
    for (const group of resourcesOf(stack, "aws_cloudwatch_log_group")) expect(group.retention_in_days).toBe(name === "dev" ? 14 : 90);
  });
});

describe("email intent routing", () => {
  it("dev: embedded classifier behind an API key-protected REST API", () => {
    const stack = shipped("dev");
    const fn = functionNamed(stack, "classify-email")!;
    expect((fn.environment as { variables: Record<string, string> }).variables).toMatchObject({
      CLASSIFIER_BACKEND: "embedded",
      CONFIDENCE_THRESHOLD: "0.75",
      TOPIC_QUEUES: JSON.stringify({ "401K": "401K", IRA: "IRA", "529": "529" }),
    });
    expect(resourcesOf(stack, "aws_comprehend_document_classifier")).toHaveLength(0);
    expect(onlyResource(stack, "aws_api_gateway_rest_api").endpoint_configuration).toEqual({ types: ["REGIONAL"] });
    expect(onlyResource(stack, "aws_api_gateway_method")).toMatchObject({ http_method: "POST", api_key_required: true, authorization: "NONE" });
    expect(onlyResource(stack, "aws_api_gateway_stage").stage_name).toBe("v1");
    expect(onlyResource(stack, "aws_api_gateway_usage_plan").throttle_settings).toEqual({ rate_limit: 20, burst_limit: 40 });
    expect(onlyResource(stack, "aws_api_gateway_usage_plan_key").key_type).toBe("API_KEY");
    expect(onlyResource(stack, "aws_api_gateway_api_key")).not.toHaveProperty("value");
    expect(integrationOfType(stack, "custom-rest-actions")).toMatchObject({
      integration_type: "custom-rest-actions",
      intended_state: "ENABLED",
      config: { name: "gcx-dev-email-classifier", credentials: { basicAuth: expect.stringMatching(/^\$\{genesyscloud_integration_credential\./) } },
    });
    expect(onlyResource(stack, "genesyscloud_integration_credential")).toEqual(
      expect.objectContaining({ credential_type_name: "userDefined", fields: { apiKey: expect.stringMatching(/^\$\{aws_api_gateway_api_key\.[^}]+\.value\}$/) } }),
    );
    const action = onlyResource(stack, "genesyscloud_integration_action");
    expect(action.config_request).toEqual({
      request_type: "POST",
      request_url_template: expect.stringMatching(/^\$\{aws_api_gateway_stage\.[^}]+\.invoke_url\}\/classify$/),
      request_template: "$${input.rawRequest}",
      headers: { "x-api-key": "$${credentials.apiKey}", "Content-Type": "application/json" },
    });
  });

  it("prod: Comprehend classifier and endpoint, Lambda data action through a cross-account role", () => {
    const stack = shipped("prod");
    const classifier = onlyResource(stack, "aws_comprehend_document_classifier");
    expect(classifier).toMatchObject({ mode: "MULTI_CLASS", language_code: "en", version_name_prefix: "v-", timeouts: { create: "240m", update: "240m" } });
    const corpusObject = onlyResource(stack, "aws_s3_object");
    expect(corpusObject.key).toMatch(/^training\/[0-9a-f]{16}\/email-intents\.csv$/);
    expect((classifier.input_data_config as Block).s3_uri).toContain("${aws_s3_object.");
    // prod protects its data: no bucket is emptied by a destroy.
    for (const bucket of resourcesOf(stack, "aws_s3_bucket")) expect({ bucket: bucket.bucket, force_destroy: bucket.force_destroy }).toEqual({ bucket: bucket.bucket, force_destroy: false });

    const endpoint = onlyResource(stack, "aws_lambda_invocation");
    expect(endpoint.lifecycle_scope).toBe("CRUD");
    expect(endpoint.input).toContain('"DesiredInferenceUnits" = 1');
    expect(endpoint.input).toContain("aws_comprehend_document_classifier.");

    const fn = functionNamed(stack, "classify-email")!;
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    expect(variables.CLASSIFIER_BACKEND).toBe("comprehend");
    expect(variables.COMPREHEND_ENDPOINT_ARN).toContain("aws_lambda_invocation.");

    const classifierPolicy = resourcesOf(stack, "aws_iam_role_policy").find((p) => (p.role as string).includes("_classifier_role_"));
    expect(policyOf(classifierPolicy!).Statement).toContainEqual(
      expect.objectContaining({ Action: ["comprehend:ClassifyDocument"], Resource: [expect.stringContaining("aws_lambda_invocation.")] }),
    );

    expect(resourcesOf(stack, "aws_api_gateway_rest_api")).toHaveLength(0);
    const trust = JSON.parse(resourcesOf(stack, "aws_iam_role").find((r) => r.name === "gcx-prod-genesys-data-actions")!.assume_role_policy as string);
    expect(trust.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::765628985471:root" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": expect.stringMatching(/^\$\{data\.genesyscloud_organizations_me\.[^}]+\.id\}$/) } },
    });
    expect(integrationOfType(stack, "aws-lambda-data-actions")).toMatchObject({
      integration_type: "aws-lambda-data-actions",
      config: { credentials: { AmazonWebServicesARN: expect.any(String) } },
    });
    expect(onlyResource(stack, "genesyscloud_integration_credential")).toMatchObject({ credential_type_name: "amazonWebServicesARN", fields: { ARN: expect.stringContaining("aws_iam_role.") } });
    expect((onlyResource(stack, "genesyscloud_integration_action").config_request as Block).request_url_template).toMatch(/^\$\{aws_lambda_function\.[^}]+\.arn\}$/);
  });

  it.each([
    ["comprehend behind the REST API", (raw: Record<string, any>) => (raw.emailRouting.classifier = { backend: "comprehend" }), 1, 1], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["embedded behind a Lambda data action", (raw: Record<string, any>) => (raw.emailRouting.frontDoor = "lambda"), 0, 0], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])("synthesizes %s", (_title, change, classifiers, apis) => {
    const stack = synthesize(variant("dev", change));
    expect(resourcesOf(stack, "aws_comprehend_document_classifier")).toHaveLength(classifiers);
    expect(resourcesOf(stack, "aws_api_gateway_rest_api")).toHaveLength(apis);
  });

  it.each(["dev", "prod"])("%s data action contracts are the Lambda's own schemas", (name) => {
    const action = onlyResource(shipped(name), "genesyscloud_integration_action");
    const contract = dataActionContract();
    expect(JSON.parse(action.contract_input as string)).toEqual(JSON.parse(contract.input));
    expect(JSON.parse(action.contract_output as string)).toEqual(JSON.parse(contract.output));
    expect(action.category).toMatch(/^\$\{genesyscloud_integration\.[^}]+\.config\[0\]\.name\}$/);
    expect(action.config_timeout_seconds).toBe(10);
  });

  it("makes one email queue per topic plus the fallback queue", () => {
    const queues = Object.entries(shipped("dev").resource.genesyscloud_routing_queue!)
      .filter(([id]) => id.startsWith("email-routing_"))
      .map(([, queue]) => queue);
    expect(queues.map((q) => q.name).sort()).toEqual(["401K", "529", "GeneralSupport", "IRA"]);
    for (const queue of queues) expect(queue.media_settings_email).toMatchObject({ alerting_timeout_sec: 300, service_level_percentage: 0.8 });
  });

  it("binds the email route to the flow by id on the subdomain", () => {
    const stack = shipped("dev");
    expect(onlyResource(stack, "genesyscloud_routing_email_domain")).toMatchObject({ domain_id: "gcx-dev-acme", subdomain: true });
    expect(onlyResource(stack, "genesyscloud_routing_email_route")).toMatchObject({
      pattern: "support",
      domain_id: expect.stringMatching(/^\$\{genesyscloud_routing_email_domain\.[^}]+\.id\}$/),
      flow_id: expect.stringMatching(/^\$\{genesyscloud_flow\.[^}]+\.id\}$/),
    });
    expect(onlyResource(stack, "genesyscloud_routing_email_route")).not.toHaveProperty("queue_id");
  });

  it("resolves every name the flow references to a resource of the same stack, and republishes when their ids change", () => {
    const stack = shipped("dev");
    const flow = onlyResource(stack, "genesyscloud_flow");
    const yaml = readFileSync(join(__dirname, "..", "..", "flows", "inbound-email.yaml"), "utf8");
    const substitutions = flow.substitutions as Record<string, string>;
    expect(Object.keys(substitutions).sort()).toEqual(flowPlaceholders(yaml));
    for (const key of ["data_action_category", "data_action_name", "fallback_queue_name"]) {
      const reference = /^\$\{([a-z_]+)\.([^.}]+)\./.exec(substitutions[key]!);
      expect(reference).not.toBeNull();
      expect(stack.resource[reference![1]!]?.[reference![2]!]).toBeDefined();
    }
    const trigger = flow.update_trigger_hash as string;
    expect(trigger).toContain("genesyscloud_integration_action.");
    const flowQueues = Object.keys(stack.resource.genesyscloud_routing_queue!).filter((id) => id.startsWith("email-routing_") || id.includes("documenttriage"));
    expect(flowQueues).toHaveLength(5);
    for (const queueId of flowQueues) expect(trigger).toContain(`genesyscloud_routing_queue.${queueId}.id`);
    expect(flow.filepath).toMatch(/^assets\/.+\/inbound-email\.yaml$/);
  });

  it("fails synth when a topic label is not a class of the corpus, naming the field", () => {
    expect(() => synthesize(variant("dev", (raw) => (raw.emailRouting.topicQueues = { ROTH: "Roth" })))).toThrow(
      'environment "dev": emailRouting.topicQueues.ROTH: "ROTH" is not a class of',
    );
  });

  it("leaves the capability out when it is switched off", () => {
    const stack = synthesize(
      variant("dev", (raw) => {
        raw.emailRouting.enabled = false;
        raw.attachmentRouting.enabled = false;
      }),
    );
    expect(resourcesOf(stack, "genesyscloud_flow")).toHaveLength(0);
    expect(functionNamed(stack, "classify-email")).toBeUndefined();
    expect(resourcesOf(stack, "genesyscloud_integration_action")).toHaveLength(0);
  });
});
