import { checkStackAgainstSchema } from "../../scripts/checks/check-genesys-schema";
import { shipped, Synthesized } from "../support/synth";

const clone = (name: string) => structuredClone(shipped(name));
const firstOf = (stack: Synthesized, type: string) => Object.values(stack.resource[type]!)[0]!;

describe("genesyscloud blocks against the vendored provider schema", () => {
  it.each(["dev", "prod"])("%s conforms", (name) => {
    const stack = shipped(name);
    expect(Object.keys(stack.resource).filter((t) => t.startsWith("genesyscloud_")).length).toBeGreaterThanOrEqual(7);
    expect(checkStackAgainstSchema(stack)).toEqual([]);
  });

  it("catches an unknown attribute, a missing required one, a wrong scalar type and a bad nested block", () => {
    const stack = clone("dev");
    const queueName = Object.keys(stack.resource.genesyscloud_routing_queue!)[0]!;
    const queue = stack.resource.genesyscloud_routing_queue![queueName]!;
    delete queue.name;
    queue.colour = "blue";
    (queue.media_settings_email as Record<string, unknown>).alerting_timeout_sec = "five minutes";
    (queue.media_settings_email as Record<string, unknown>).mode = "AgentsFirst";
    const action = firstOf(stack, "genesyscloud_integration_action");
    action.config_request = [action.config_request, action.config_request];
    action.secure = "no";
    const flow = firstOf(stack, "genesyscloud_flow");
    flow.file_content_hash = "abc";

    const problems = checkStackAgainstSchema(stack);

    expect(problems).toEqual(
      expect.arrayContaining([
        `genesyscloud_routing_queue.${queueName}.colour: unknown attribute or block`,
        `genesyscloud_routing_queue.${queueName}.name: required attribute is missing`,
        `genesyscloud_routing_queue.${queueName}.media_settings_email.alerting_timeout_sec: expected a number, got "five minutes"`,
        `genesyscloud_routing_queue.${queueName}.media_settings_email.mode: unknown attribute or block`,
        expect.stringMatching(/^genesyscloud_integration_action\..+\.config_request: has 2 blocks; at most 1 allowed$/),
        expect.stringMatching(/^genesyscloud_integration_action\..+\.secure: expected a bool, got "no"$/),
        expect.stringMatching(/^genesyscloud_flow\..+\.file_content_hash: is read-only \(computed\) and cannot be set$/),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it("catches an unknown resource type, a bad data source and a bad provider setting", () => {
    const stack = clone("prod");
    stack.resource.genesyscloud_routing_skill_queue = { x: { name: "n" } };
    const orgKey = Object.keys(stack.data.genesyscloud_organizations_me!)[0]!;
    stack.data.genesyscloud_organizations_me![orgKey]!.voicemail_enabled = "yes";
    stack.provider.genesyscloud![0]!.oauthclient_secret_file = "/tmp/s";

    expect(checkStackAgainstSchema(stack).sort()).toEqual([
      `data.genesyscloud_organizations_me.${orgKey}.voicemail_enabled: expected a bool, got "yes"`,
      "genesyscloud_routing_skill_queue.x: genesyscloud_routing_skill_queue is not a resource of genesyscloud",
      "provider.genesyscloud[0].oauthclient_secret_file: unknown attribute or block",
    ]);
  });

  it("does not type-check values Terraform resolves later", () => {
    const stack = clone("dev");
    const action = firstOf(stack, "genesyscloud_integration_action");
    action.config_timeout_seconds = "${var.timeout}";
    action.name = "$${literal} is still a string";
    expect(checkStackAgainstSchema(stack)).toEqual([]);
  });
});
