import type { APIGatewayProxyResult } from "aws-lambda";
import { RoutingPolicy } from "../../functions/email-routing/core/classify";
import type { ClassifierBackend } from "../../functions/shared/classifier/backend";
import { ClassifyEmailOutput } from "../../functions/email-routing/core/contract";
import { makeHandler } from "../../functions/email-routing/classify-email/handler";
import { ClassScore } from "../../functions/shared/classifier/model";

const POLICY: RoutingPolicy = { confidenceThreshold: 0.75, topicQueues: { "401K": "401K", IRA: "IRA", "529": "529" } };
/** Appears only in email text, so it must never reach a log line. */
const MARKER = "zq7-private-marker-8841";
const EMAIL = { EmailSubject: `Roth question ${MARKER}`, EmailBody: `Can I convert my traditional IRA? ${MARKER}` };

function recorders() {
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const metrics = { addDimension: jest.fn(), addMetric: jest.fn(), publishStoredMetrics: jest.fn() };
  return { logger, metrics };
}

function backendAnswering(scores: ClassScore[]): ClassifierBackend {
  return { name: "fake", classify: async () => scores };
}

function throwingBackend(): ClassifierBackend {
  return {
    name: "fake",
    classify: async () => {
      throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    },
  };
}

function setup(backend: ClassifierBackend = backendAnswering([{ label: "IRA", score: 0.9 }])) {
  const { logger, metrics } = recorders();
  const handler = makeHandler({ backend: () => backend, policy: POLICY, logger, metrics });
  return { handler, logger, metrics };
}

function proxyEvent(body: string | null, isBase64Encoded = false) {
  return { httpMethod: "POST", path: "/classify", headers: {}, requestContext: { requestId: "r-1" }, isBase64Encoded, body };
}

function asProxyResult(result: APIGatewayProxyResult | ClassifyEmailOutput): APIGatewayProxyResult {
  if (!("statusCode" in result)) throw new Error(`expected an API Gateway proxy result, got ${JSON.stringify(result)}`);
  return result;
}

const allLogCalls = (logger: ReturnType<typeof recorders>["logger"]) =>
  JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);

describe("classify-email handler behind API Gateway", () => {
  it("answers 200 with the routing decision for a valid request", async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const result = asProxyResult(await handler(proxyEvent(JSON.stringify(EMAIL))));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(result.body)).toEqual({ QueueName: "IRA", Confidence: 0.9 });
  });

  it("decodes a base64-encoded body", async () => {
    // Prepare
    const { handler } = setup();
    const body = Buffer.from(JSON.stringify(EMAIL), "utf8").toString("base64");

    // Act
    const result = asProxyResult(await handler(proxyEvent(body, true)));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ QueueName: "IRA", Confidence: 0.9 });
  });

  it("answers 400 for a body that is not JSON", async () => {
    // Prepare
    const { handler, metrics } = setup();

    // Act
    const result = asProxyResult(await handler(proxyEvent("{not json")));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: "request body is not valid JSON" });
    expect(metrics.addDimension).toHaveBeenCalledWith("Outcome", "invalid-input");
  });

  it("answers 400 for a request without a body", async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const result = asProxyResult(await handler(proxyEvent(null)));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: "request body is not valid JSON" });
  });

  it("answers 400 naming the missing EmailBody", async () => {
    // Prepare
    const { handler, logger } = setup();

    // Act
    const result = asProxyResult(await handler(proxyEvent(JSON.stringify({ EmailSubject: "hello" }))));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: "invalid request", problems: ["EmailBody: is required"] });
    expect(logger.warn).toHaveBeenCalledWith("invalid classify request", { problems: ["EmailBody: is required"] });
  });

  it("answers 200 with the fallback answer, logs an error and records backend-error when the backend throws", async () => {
    // Prepare
    const { handler, logger, metrics } = setup(throwingBackend());

    // Act
    const result = asProxyResult(await handler(proxyEvent(JSON.stringify(EMAIL))));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ QueueName: "", Confidence: 0 });
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      "classifier failed; routing to the fallback queue",
      expect.objectContaining({ outcome: "backend-error", reason: "ThrottlingException: Rate exceeded" }),
    );
    expect(metrics.addDimension).toHaveBeenCalledWith("Outcome", "backend-error");
  });
});

describe("classify-email handler invoked directly", () => {
  it("returns the routing decision for the contract input", async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const result = await handler(EMAIL);

    // Assess
    expect(result).toEqual({ QueueName: "IRA", Confidence: 0.9 });
  });

  it("returns the fallback answer for an invalid event", async () => {
    // Prepare
    const { handler, logger, metrics } = setup();

    // Act
    const result = await handler({ EmailSubject: "no body" });

    // Assess
    expect(result).toEqual({ QueueName: "", Confidence: 0 });
    expect(logger.warn).toHaveBeenCalledWith("invalid classify request", { problems: ["EmailBody: is required"] });
    expect(metrics.addDimension).toHaveBeenCalledWith("Outcome", "invalid-input");
  });

  it("treats an object without requestContext as a direct invocation", async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const result = await handler({ httpMethod: "POST", ...EMAIL });

    // Assess
    expect(result).toEqual({ QueueName: "IRA", Confidence: 0.9 });
  });

  it("returns the fallback answer, logs an error and records backend-error when the backend throws", async () => {
    // Prepare
    const { handler, logger, metrics } = setup(throwingBackend());

    // Act
    const result = await handler(EMAIL);

    // Assess
    expect(result).toEqual({ QueueName: "", Confidence: 0 });
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(metrics.addDimension).toHaveBeenCalledWith("Outcome", "backend-error");
  });

  it("logs the facts of a classification and publishes one metric", async () => {
    // Prepare
    const { handler, logger, metrics } = setup(backendAnswering([{ label: "GENERAL", score: 0.8 }]));

    // Act
    await handler(EMAIL);

    // Assess
    expect(logger.info).toHaveBeenCalledWith("email classified", {
      backend: "fake",
      outcome: "not-a-topic",
      label: "GENERAL",
      confidence: 0.8,
      queueName: "",
      textBytes: Buffer.byteLength(`${EMAIL.EmailSubject}\n${EMAIL.EmailBody}`),
      truncated: false,
    });
    expect(metrics.addDimension).toHaveBeenCalledWith("Outcome", "not-a-topic");
    expect(metrics.addMetric).toHaveBeenCalledWith("EmailClassifications", "Count", 1);
    expect(metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });

  it("resolves the backend only when a valid email arrives", async () => {
    // Prepare
    const { logger, metrics } = recorders();
    const backend = jest.fn(() => backendAnswering([{ label: "IRA", score: 0.9 }]));
    const handler = makeHandler({ backend, policy: POLICY, logger, metrics });

    // Act
    await handler({ EmailSubject: "no body" });
    const afterInvalid = backend.mock.calls.length;
    await handler(EMAIL);

    // Assess
    expect(afterInvalid).toBe(0);
    expect(backend).toHaveBeenCalledTimes(1);
  });
});

describe("classify-email handler logging", () => {
  it.each([
    ["a routed email", backendAnswering([{ label: "IRA", score: 0.9 }])],
    ["an email below the threshold", backendAnswering([{ label: "IRA", score: 0.5 }])],
    ["a backend failure", throwingBackend()],
  ])("never logs the email text for %s (either front door)", async (_case, backend) => {
    // Prepare
    const { handler, logger } = setup(backend);

    // Act
    await handler(EMAIL);
    await handler(proxyEvent(JSON.stringify(EMAIL)));

    // Assess
    const logged = allLogCalls(logger);
    expect(logger.info.mock.calls.length + logger.error.mock.calls.length).toBe(2);
    expect(logged).not.toContain(MARKER);
  });

  it("never logs the email text of an invalid request", async () => {
    // Prepare
    const { handler, logger } = setup();

    // Act
    await handler({ EmailSubject: 42, EmailBody: `text ${MARKER}` });
    await handler(proxyEvent(JSON.stringify({ EmailSubject: 42, EmailBody: `text ${MARKER}` })));
    await handler(proxyEvent(`{"EmailBody": "${MARKER}`));

    // Assess
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(allLogCalls(logger)).not.toContain(MARKER);
  });
});

describe("classify-email handler when the backend cannot start", () => {
  it("answers with the fallback queue and logs why, on both front doors", async () => {
    // Prepare
    const { logger, metrics } = recorders();
    const handler = makeHandler({
      backend: () => {
        throw new Error("ENOENT: model.json");
      },
      policy: POLICY,
      logger,
      metrics,
    });

    // Act
    const direct = await handler(EMAIL);
    const proxied = asProxyResult(await handler(proxyEvent(JSON.stringify(EMAIL))));

    // Assess
    expect(direct).toEqual({ QueueName: "", Confidence: 0 });
    expect(proxied.statusCode).toBe(200);
    expect(JSON.parse(proxied.body)).toEqual({ QueueName: "", Confidence: 0 });
    expect(logger.error).toHaveBeenCalledWith(
      "classifier failed; routing to the fallback queue",
      expect.objectContaining({ backend: "unavailable", outcome: "backend-error", reason: "Error: ENOENT: model.json" }),
    );
    expect(metrics.addDimension).toHaveBeenCalledWith("Outcome", "backend-error");
  });
});
