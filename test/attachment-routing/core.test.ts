import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { sqsDeadLetters } from "../../functions/attachment-routing/core/dead-letters";
import { isTransientAwsError, isTransientError, toStepError, TransientAwsError } from "../../functions/attachment-routing/core/errors";
import { invocationDeadline, retryTransient, settleWithin } from "../../functions/attachment-routing/core/invocation";
import { FALLBACK_INTENT, INTENT_ATTRIBUTE, intentQueueNameOf } from "../../functions/attachment-routing/core/participant-data";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";
import { deadlineIn } from "../../functions/shared/deadline";
import { GenesysConversationEndedError, GenesysRateLimitError } from "../../functions/shared/genesys/errors";
import { awsError, lambdaContext } from "./harness";

describe("participant data shared with the inbound flow", () => {
  it("reads the flow's intent: a queue name, or the fallback queue for the fallback value, blank or over-long values", () => {
    expect(intentQueueNameOf({ [INTENT_ATTRIBUTE]: " IRA " })).toBe("IRA");
    expect(intentQueueNameOf({ [INTENT_ATTRIBUTE]: FALLBACK_INTENT })).toBe("");
    expect(intentQueueNameOf({ [INTENT_ATTRIBUTE]: FALLBACK_INTENT.toUpperCase() })).toBe("");
    expect(intentQueueNameOf({ [INTENT_ATTRIBUTE]: "q".repeat(121) })).toBe("");
    expect(intentQueueNameOf({})).toBe("");
    expect(intentQueueNameOf(undefined)).toBe("");
  });
});

describe("transient or permanent", () => {
  it("tells AWS throttling, 5xx, network faults and aborts from permanent refusals", () => {
    for (const transient of [
      awsError("ThrottlingException"),
      awsError("ProvisionedThroughputExceededException"),
      awsError("SlowDown"),
      Object.assign(awsError("InternalError"), { $fault: "server" }),
      Object.assign(awsError("Whatever"), { $metadata: { httpStatusCode: 503 } }),
      Object.assign(awsError("Whatever"), { $retryable: { throttling: true } }),
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      Object.assign(new Error("Request aborted"), { name: "AbortError" }),
    ]) {
      expect({ name: transient.name, transient: isTransientAwsError(transient) }).toEqual({ name: transient.name, transient: true });
      expect(toStepError(transient)).toMatchObject({ name: "TransientAwsError", message: expect.stringContaining(transient.name) });
    }
    for (const permanent of [awsError("AccessDeniedException"), awsError("InvalidS3ObjectException"), new TypeError("x"), "a string", null]) {
      expect(isTransientAwsError(permanent)).toBe(false);
      expect(toStepError(permanent)).toBe(permanent);
    }
  });

  it("keeps transient Genesys and deadline errors under their own names, and permanent ones untouched", () => {
    const details = { method: "GET", path: "/x", attempts: 1 };
    const limited = new GenesysRateLimitError(details, 40, "limit");
    const ended = new GenesysConversationEndedError({ ...details, status: 404 }, "c-1");
    expect(isTransientError(limited)).toBe(true);
    expect(toStepError(limited)).toBe(limited);
    expect(isTransientError(ended)).toBe(false);
    expect(toStepError(ended)).toBe(ended);
    expect(new TransientAwsError("x")).toMatchObject({ name: "TransientAwsError", transient: true });
  });
});

describe("time budgets", () => {
  it("takes the deadline from Lambda's context, or the function's deployed timeout without one", () => {
    expect(invocationDeadline(lambdaContext(10_000), "route").remainingMs()).toBeLessThanOrEqual(8_000);
    expect(invocationDeadline(lambdaContext(10_000), "route").remainingMs()).toBeGreaterThan(7_000);
    const local = invocationDeadline(undefined, "load").remainingMs();
    expect(local).toBeLessThanOrEqual(STEP_TIMEOUT_SECONDS.load * 1000);
    expect(local).toBeGreaterThan(STEP_TIMEOUT_SECONDS.load * 1000 - 3_000);
  });

  it("retries transient failures with backoff while time is left, and permanent ones not at all", async () => {
    const sleeps: number[] = [];
    const options = { deadline: deadlineIn(60_000), sleep: async (ms: number) => void sleeps.push(ms), random: () => 1 };
    let calls = 0;
    await expect(retryTransient(async () => (++calls < 3 ? Promise.reject(awsError("ThrottlingException")) : "done"), options)).resolves.toBe("done");
    expect([calls, sleeps]).toEqual([3, [200, 400]]);

    calls = 0;
    await expect(retryTransient(async () => (++calls, Promise.reject(awsError("AccessDeniedException"))), options)).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(calls).toBe(1);

    calls = 0;
    await expect(retryTransient(async () => (++calls, Promise.reject(awsError("ThrottlingException"))), options)).rejects.toMatchObject({ name: "TransientAwsError" });
    expect(calls).toBe(4);

    calls = 0;
    await expect(retryTransient(async () => (++calls, Promise.reject(awsError("ThrottlingException"))), { ...options, deadline: deadlineIn(500) })).rejects.toMatchObject({ name: "TransientAwsError" });
    expect(calls).toBe(1);
  });

  it("abandons work that takes no abort signal once the deadline passes", async () => {
    await expect(settleWithin(new Promise(() => undefined), deadlineIn(20), "the classifier")).rejects.toMatchObject({
      name: "DeadlineExceededError",
      message: "the classifier did not finish within the invocation's deadline",
    });
    await expect(settleWithin(Promise.resolve(7), deadlineIn(1_000), "x")).resolves.toBe(7);
  });
});

describe("dead letters", () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it("records a rejected event as Lambda's on-failure destination does, with the reason", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
    const deadLetters = sqsDeadLetters(new SQSClient({ region: "us-east-1" }), "https://sqs.us-east-1.amazonaws.com/1/q");

    await deadLetters.send({ entryPoint: "attachment-routing/start", error: Object.assign(new Error("no queueId"), { name: "InvalidEventError" }), event: { id: "e-1" } });

    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call!.args[0].input.QueueUrl).toBe("https://sqs.us-east-1.amazonaws.com/1/q");
    expect(JSON.parse(call!.args[0].input.MessageBody!)).toEqual({
      version: "1.0",
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestContext: { condition: "RejectedByHandler", entryPoint: "attachment-routing/start", approximateInvokeCount: 1 },
      requestPayload: { id: "e-1" },
      responsePayload: { errorType: "InvalidEventError", errorMessage: "no queueId" },
    });
  });

  it("keeps a record within SQS' 256 KiB message limit, whatever the event", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
    const deadLetters = sqsDeadLetters(new SQSClient({ region: "us-east-1" }), "https://sqs.us-east-1.amazonaws.com/1/q");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    await deadLetters.send({ entryPoint: "e", error: new Error("too big"), event: { blob: "é".repeat(300 * 1024) } });
    await deadLetters.send({ entryPoint: "e", error: new Error("cyclic"), event: cyclic });

    for (const call of sqs.commandCalls(SendMessageCommand)) {
      const body = call.args[0].input.MessageBody!;
      expect(Buffer.byteLength(body)).toBeLessThan(256 * 1024);
      expect(JSON.parse(body)).toMatchObject({ requestPayloadTruncated: true });
    }
  });
});
