import {
  ComprehendClient,
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
} from "@aws-sdk/client-comprehend";
import { mockClient } from "aws-sdk-client-mock";
import { makeHandler } from "../../functions/shared/comprehend-endpoint-manager/handler";
import { EndpointManagerError, manageEndpoint } from "../../functions/shared/comprehend-endpoint-manager/manager";

const ACCOUNT = "arn:aws:comprehend:us-east-1:123456789012";
const NAME = "email-intents";
const ARN = `${ACCOUNT}:document-classifier-endpoint/${NAME}`;
const MODEL_V1 = `${ACCOUNT}:document-classifier/email-intents/version/v-1`;
const MODEL_V2 = `${ACCOUNT}:document-classifier/email-intents/version/v-2`;
const SPEC = { EndpointName: NAME, EndpointArn: ARN, ModelArn: MODEL_V1, DesiredInferenceUnits: 1 };

const comprehend = mockClient(ComprehendClient);

const notFound = () => Object.assign(new Error("Endpoint not found"), { name: "ResourceNotFoundException" });
const inService = (modelArn: string, units: number, arn = ARN) => ({
  EndpointProperties: {
    EndpointArn: arn,
    Status: "IN_SERVICE" as const,
    ModelArn: modelArn,
    DesiredModelArn: modelArn,
    DesiredInferenceUnits: units,
    CurrentInferenceUnits: units,
  },
});
const withStatus = (Status: "CREATING" | "UPDATING" | "FAILED", Message?: string) => ({ EndpointProperties: { EndpointArn: ARN, Status, Message } });

function deps(remainingMs = 600_000) {
  return {
    client: new ComprehendClient({ region: "us-east-1" }),
    sleep: jest.fn(async (_ms: number) => {}),
    remainingMs: () => remainingMs,
    pollIntervalMs: 1,
  };
}

const commandOrder = () => comprehend.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);
const inputs = <T extends object>(command: new (input: T) => unknown) =>
  comprehend.commandCalls(command as never).map((call) => (call.args[0] as { input: unknown }).input);

beforeEach(() => {
  comprehend.reset();
});

describe("manageEndpoint create", () => {
  it("creates an absent endpoint and waits until it is in service", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).rejectsOnce(notFound()).resolvesOnce(withStatus("CREATING")).resolves(inService(MODEL_V1, 1));
    comprehend.on(CreateEndpointCommand).resolves({ EndpointArn: ARN });
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, tf: { action: "create", prev_input: null } }, d);

    // Assess
    expect(result).toEqual({ EndpointArn: ARN, Status: "IN_SERVICE", ModelArn: MODEL_V1, InferenceUnits: 1 });
    expect(inputs(CreateEndpointCommand)).toEqual([
      { EndpointName: NAME, ModelArn: MODEL_V1, DesiredInferenceUnits: 1, ClientRequestToken: `${NAME}-1-v-1` },
    ]);
    expect(inputs(DescribeEndpointCommand)).toHaveLength(3);
    expect(d.sleep.mock.calls).toEqual([[1]]);
  });

  it("keeps the ClientRequestToken within Comprehend's 64 characters", async () => {
    // Prepare
    const longName = "a".repeat(40);
    const longModel = `${ACCOUNT}:document-classifier/email-intents/version/v-${"9".repeat(40)}`;
    comprehend.on(DescribeEndpointCommand).rejectsOnce(notFound()).resolves(inService(longModel, 1));
    const d = deps();

    // Act
    await manageEndpoint({ ...SPEC, EndpointName: longName, ModelArn: longModel, tf: { action: "create" } }, d);

    // Assess
    const token = (inputs(CreateEndpointCommand)[0] as { ClientRequestToken: string }).ClientRequestToken;
    expect(token).toHaveLength(64);
    expect(token.startsWith(`${longName}-1-v-`)).toBe(true);
  });

  it("is idempotent: an endpoint already in service with the same model and units is left alone", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).resolves(inService(MODEL_V1, 1));
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, tf: { action: "create" } }, d);

    // Assess
    expect(result).toEqual({ EndpointArn: ARN, Status: "IN_SERVICE", ModelArn: MODEL_V1, InferenceUnits: 1 });
    expect(comprehend.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(comprehend.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(d.sleep).not.toHaveBeenCalled();
  });

  it("waits for an endpoint that is still being created instead of creating another", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).resolvesOnce(withStatus("CREATING")).resolves(inService(MODEL_V1, 1));
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, tf: { action: "create" } }, d);

    // Assess
    expect(result.Status).toBe("IN_SERVICE");
    expect(comprehend.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(comprehend.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  it("rejects with the endpoint name and Comprehend's message when the endpoint fails", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).rejectsOnce(notFound()).resolves(withStatus("FAILED", "Model version is not trained"));
    const d = deps();

    // Act
    const attempt = manageEndpoint({ ...SPEC, tf: { action: "create" } }, d);

    // Assess
    await expect(attempt).rejects.toThrow(new EndpointManagerError(`Comprehend endpoint ${NAME} is FAILED: Model version is not trained`));
  });

  it("rejects with an instruction to deploy again when time runs out while the endpoint is still creating", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).rejectsOnce(notFound()).resolves(withStatus("CREATING"));
    const d = deps(10_000);

    // Act
    const attempt = manageEndpoint({ ...SPEC, tf: { action: "create" } }, d);

    // Assess
    await expect(attempt).rejects.toThrow(new RegExp(`^Comprehend endpoint ${NAME} is still CREATING; .*Run the deploy again`));
    expect(d.sleep).not.toHaveBeenCalled();
  });

  it("rejects when the endpoint disappears while waiting", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).rejects(notFound());
    const d = deps();

    // Act
    const attempt = manageEndpoint({ ...SPEC, tf: { action: "create" } }, d);

    // Assess
    await expect(attempt).rejects.toThrow(`Comprehend endpoint ${NAME} is MISSING`);
  });
});

describe("manageEndpoint update", () => {
  it("updates only the model when the ModelArn changes", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).resolvesOnce(inService(MODEL_V1, 1)).resolvesOnce(withStatus("UPDATING")).resolves(inService(MODEL_V2, 1));
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, ModelArn: MODEL_V2, tf: { action: "update", prev_input: SPEC } }, d);

    // Assess
    expect(inputs(UpdateEndpointCommand)).toStrictEqual([{ EndpointArn: ARN, DesiredModelArn: MODEL_V2 }]);
    expect(result).toEqual({ EndpointArn: ARN, Status: "IN_SERVICE", ModelArn: MODEL_V2, InferenceUnits: 1 });
    expect(comprehend.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(comprehend.commandCalls(DeleteEndpointCommand)).toHaveLength(0);
  });

  it("updates only the inference units when they change", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).resolvesOnce(inService(MODEL_V1, 1)).resolves(inService(MODEL_V1, 2));
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, DesiredInferenceUnits: 2, tf: { action: "update", prev_input: SPEC } }, d);

    // Assess
    expect(inputs(UpdateEndpointCommand)).toStrictEqual([{ EndpointArn: ARN, DesiredInferenceUnits: 2 }]);
    expect(result.InferenceUnits).toBe(2);
  });

  it("deletes the old endpoint and creates the new one when the EndpointArn changes", async () => {
    // Prepare
    const newName = "email-intents-2";
    const newArn = `${ACCOUNT}:document-classifier-endpoint/${newName}`;
    comprehend.on(DeleteEndpointCommand).resolves({});
    comprehend.on(DescribeEndpointCommand, { EndpointArn: newArn }).rejectsOnce(notFound()).resolves(inService(MODEL_V1, 1, newArn));
    const d = deps();

    // Act
    const result = await manageEndpoint(
      { ...SPEC, EndpointName: newName, EndpointArn: newArn, tf: { action: "update", prev_input: SPEC } },
      d,
    );

    // Assess
    expect(inputs(DeleteEndpointCommand)).toEqual([{ EndpointArn: ARN }]);
    expect(inputs(CreateEndpointCommand)).toEqual([expect.objectContaining({ EndpointName: newName, ModelArn: MODEL_V1 })]);
    expect(commandOrder().indexOf("DeleteEndpointCommand")).toBeLessThan(commandOrder().indexOf("CreateEndpointCommand"));
    expect(result).toEqual({ EndpointArn: newArn, Status: "IN_SERVICE", ModelArn: MODEL_V1, InferenceUnits: 1 });
  });

  it("does not delete anything when there is no usable previous input", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).resolves(inService(MODEL_V1, 1));
    const d = deps();

    // Act
    await manageEndpoint({ ...SPEC, tf: { action: "update", prev_input: null } }, d);

    // Assess
    expect(comprehend.commandCalls(DeleteEndpointCommand)).toHaveLength(0);
    expect(comprehend.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });
});

describe("manageEndpoint delete", () => {
  it("deletes the endpoint", async () => {
    // Prepare
    comprehend.on(DeleteEndpointCommand).resolves({});
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, tf: { action: "delete", prev_input: SPEC } }, d);

    // Assess
    expect(result).toEqual({ EndpointArn: ARN, Status: "DELETED" });
    expect(inputs(DeleteEndpointCommand)).toEqual([{ EndpointArn: ARN }]);
    expect(comprehend.commandCalls(DescribeEndpointCommand)).toHaveLength(0);
  });

  it("resolves as DELETED when the endpoint is already gone", async () => {
    // Prepare
    comprehend.on(DeleteEndpointCommand).rejects(notFound());
    const d = deps();

    // Act
    const result = await manageEndpoint({ ...SPEC, tf: { action: "delete" } }, d);

    // Assess
    expect(result).toEqual({ EndpointArn: ARN, Status: "DELETED" });
  });

  it("rejects on any other delete error", async () => {
    // Prepare
    comprehend.on(DeleteEndpointCommand).rejects(Object.assign(new Error("Endpoint is busy"), { name: "ResourceInUseException" }));
    const d = deps();

    // Act
    const attempt = manageEndpoint({ ...SPEC, tf: { action: "delete" } }, d);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ResourceInUseException" });
  });
});

describe("manageEndpoint input", () => {
  it("rejects an event without tf, naming the field", async () => {
    // Prepare
    const d = deps();

    // Act
    const attempt = manageEndpoint({ ...SPEC }, d);

    // Assess
    await expect(attempt).rejects.toThrow(EndpointManagerError);
    await expect(attempt).rejects.toThrow(/^invalid endpoint request: tf: /);
    expect(comprehend.calls()).toHaveLength(0);
  });

  it("rejects an unknown action, naming tf.action", async () => {
    // Act
    const attempt = manageEndpoint({ ...SPEC, tf: { action: "read" } }, deps());

    // Assess
    await expect(attempt).rejects.toThrow(/tf\.action: /);
  });

  it("rejects a ModelArn that is not an ARN, naming the field", async () => {
    // Act
    const attempt = manageEndpoint({ ...SPEC, ModelArn: "email-intents", tf: { action: "create" } }, deps());

    // Assess
    await expect(attempt).rejects.toThrow(/ModelArn: /);
  });
});

describe("the endpoint manager's handler", () => {
  beforeEach(() => comprehend.reset());

  it("answers Terraform with the converged endpoint, within the invocation's time left, logging the action", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).rejectsOnce(notFound()).resolves(inService(MODEL_V1, 1));
    comprehend.on(CreateEndpointCommand).resolves({ EndpointArn: ARN });
    const logged: Array<[string, unknown]> = [];
    const handler = makeHandler({ ...deps(), logger: { info: (message: string, fields?: unknown) => void logged.push([message, fields]), warn: () => undefined, error: () => undefined } as never });
    // Act
    const result = await handler({ ...SPEC, tf: { action: "create" } }, { getRemainingTimeInMillis: () => 600_000 });
    // Assess
    expect(result).toMatchObject({ EndpointArn: ARN, Status: "IN_SERVICE" });
    expect(logged.map(([message]) => message)).toEqual(["endpoint request", "endpoint converged"]);
    expect(logged[0]![1]).toEqual({ action: "create" });
  });

  it("fails the apply with a message when the invocation has no time left to wait", async () => {
    // Prepare
    comprehend.on(DescribeEndpointCommand).rejectsOnce(notFound()).resolves(withStatus("CREATING"));
    comprehend.on(CreateEndpointCommand).resolves({ EndpointArn: ARN });
    const handler = makeHandler({ ...deps(), logger: { info: () => undefined, warn: () => undefined, error: () => undefined } as never });
    // Act / Assess
    await expect(handler({ ...SPEC, tf: { action: "create" } }, { getRemainingTimeInMillis: () => 1_000 })).rejects.toBeInstanceOf(EndpointManagerError);
  });
});
