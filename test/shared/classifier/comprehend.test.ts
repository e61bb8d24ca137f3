import { ClassifyDocumentCommand, ComprehendClient } from "@aws-sdk/client-comprehend";
import { mockClient } from "aws-sdk-client-mock";
import { comprehendBackend } from "../../../functions/shared/classifier/comprehend";
import { classifyEmail } from "../../../functions/email-routing/core/classify";

const ENDPOINT_ARN = "arn:aws:comprehend:us-east-1:123456789012:document-classifier-endpoint/email-intents";
const comprehend = mockClient(ComprehendClient);

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const throttled = () => awsError("ThrottlingException", "Rate exceeded");

function setup(options: { maxAttempts?: number } = {}) {
  const sleep = jest.fn(async (_ms: number) => {});
  const backend = comprehendBackend({
    client: new ComprehendClient({ region: "us-east-1" }),
    endpointArn: ENDPOINT_ARN,
    sleep,
    random: () => 1,
    ...options,
  });
  return { backend, sleep };
}

beforeEach(() => {
  comprehend.reset();
});

describe("comprehendBackend", () => {
  it("sends the text to the endpoint and maps its classes to scores, best first", async () => {
    // Prepare
    comprehend.on(ClassifyDocumentCommand).resolves({
      Classes: [
        { Name: "GENERAL", Score: 0.05 },
        { Name: "IRA", Score: 0.9 },
        { Name: "529", Score: 0.05 },
      ],
    });
    const { backend } = setup();

    // Act
    const scores = await backend.classify("Roth question");

    // Assess
    expect(backend.name).toBe("comprehend");
    expect(scores).toEqual([
      { label: "IRA", score: 0.9 },
      { label: "GENERAL", score: 0.05 },
      { label: "529", score: 0.05 },
    ]);
    const calls = comprehend.commandCalls(ClassifyDocumentCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ EndpointArn: ENDPOINT_ARN, Text: "Roth question" });
  });

  it("drops classes without a name or a score", async () => {
    // Prepare
    comprehend.on(ClassifyDocumentCommand).resolves({ Classes: [{ Name: "IRA" }, { Score: 0.5 }, { Name: "529", Score: 0.7 }] });
    const { backend } = setup();

    // Act
    const scores = await backend.classify("College");

    // Assess
    expect(scores).toEqual([{ label: "529", score: 0.7 }]);
  });

  it("answers no scores when the response has no Classes", async () => {
    // Prepare
    comprehend.on(ClassifyDocumentCommand).resolves({});
    const { backend } = setup();

    // Act
    const scores = await backend.classify("College");

    // Assess
    expect(scores).toEqual([]);
  });

  it("retries ThrottlingException with growing backoff and succeeds on the third call", async () => {
    // Prepare
    comprehend
      .on(ClassifyDocumentCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ Classes: [{ Name: "IRA", Score: 0.9 }] });
    const { backend, sleep } = setup();

    // Act
    const scores = await backend.classify("Roth question");

    // Assess
    expect(scores).toEqual([{ label: "IRA", score: 0.9 }]);
    expect(comprehend.commandCalls(ClassifyDocumentCommand)).toHaveLength(3);
    expect(sleep.mock.calls).toEqual([[100], [200]]);
  });

  it("retries TooManyRequestsException", async () => {
    // Prepare
    comprehend
      .on(ClassifyDocumentCommand)
      .rejectsOnce(awsError("TooManyRequestsException", "Too many requests"))
      .resolves({ Classes: [{ Name: "529", Score: 0.8 }] });
    const { backend, sleep } = setup();

    // Act
    const scores = await backend.classify("College tuition");

    // Assess
    expect(scores).toEqual([{ label: "529", score: 0.8 }]);
    expect(comprehend.commandCalls(ClassifyDocumentCommand)).toHaveLength(2);
    expect(sleep.mock.calls).toEqual([[100]]);
  });

  it("does not retry ResourceUnavailableException (endpoint not ready) and rejects", async () => {
    // Prepare
    const notReady = awsError("ResourceUnavailableException", "Endpoint is not in service");
    comprehend.on(ClassifyDocumentCommand).rejects(notReady);
    const { backend, sleep } = setup();

    // Act
    const attempt = backend.classify("Roth question");

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ResourceUnavailableException" });
    expect(comprehend.commandCalls(ClassifyDocumentCommand)).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("lets classifyEmail turn an endpoint that is not ready into the fallback answer", async () => {
    // Prepare
    comprehend.on(ClassifyDocumentCommand).rejects(awsError("ResourceUnavailableException", "Endpoint is not in service"));
    const { backend } = setup();

    // Act
    const result = await classifyEmail({ EmailSubject: "Roth question", EmailBody: "Can I convert?" }, backend, {
      confidenceThreshold: 0.75,
      topicQueues: { IRA: "IRA" },
    });

    // Assess
    expect(result.output).toEqual({ QueueName: "", Confidence: 0 });
    expect(result.outcome).toBe("backend-error");
    expect(result.error).toBe("ResourceUnavailableException: Endpoint is not in service");
  });

  it("gives up after maxAttempts and rethrows the last throttling error", async () => {
    // Prepare
    comprehend.on(ClassifyDocumentCommand).rejects(throttled());
    const { backend, sleep } = setup({ maxAttempts: 3 });

    // Act
    const attempt = backend.classify("Roth question");

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ThrottlingException", message: "Rate exceeded" });
    expect(comprehend.commandCalls(ClassifyDocumentCommand)).toHaveLength(3);
    expect(sleep.mock.calls).toEqual([[100], [200]]);
  });

  it("makes four attempts by default, doubling the backoff bound each time", async () => {
    // Prepare
    comprehend.on(ClassifyDocumentCommand).rejects(throttled());
    const { backend, sleep } = setup();

    // Act
    const attempt = backend.classify("Roth question");

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(comprehend.commandCalls(ClassifyDocumentCommand)).toHaveLength(4);
    expect(sleep.mock.calls).toEqual([[100], [200], [400]]);
  });
});
