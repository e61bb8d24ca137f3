import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { ACD_START_TOPIC } from "../../functions/attachment-routing/core/events";
import { executionName, makeHandler } from "../../functions/attachment-routing/start/handler";
import { awsError, CONVERSATION_ID, recorders, recordingDeadLetters, TRIAGE_QUEUE_ID } from "./harness";

const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:gcx-dev-attachment-pipeline";

function acdStart(eventBody: Record<string, unknown>, detailType = ACD_START_TOPIC) {
  return {
    version: "0",
    id: "e-1",
    "detail-type": detailType,
    source: "aws.partner/genesys.com/cloud/org-1/gcx-dev",
    time: "2026-01-05T10:00:01Z",
    detail: {
      topicName: `v2.detail.events.conversation.${String(eventBody.conversationId)}.acd.start`,
      eventBody: { eventTime: 1767607201000, conversationId: CONVERSATION_ID, participantId: "p-acd", mediaType: "EMAIL", queueId: TRIAGE_QUEUE_ID, ...eventBody },
      metadata: { CorrelationId: "corr-1" },
    },
  };
}

describe("attachment-start", () => {
  const sfn = mockClient(SFNClient);

  beforeEach(() => sfn.reset());

  function setup() {
    const { logger, metrics } = recorders();
    const { deadLetters, sent } = recordingDeadLetters();
    const handler = makeHandler({ sfn: new SFNClient({ region: "us-east-1" }), stateMachineArn: STATE_MACHINE_ARN, triageQueueId: TRIAGE_QUEUE_ID, deadLetters, logger, metrics });
    return { handler, logger, metrics, deadLettered: sent };
  }

  it("starts one execution named after the conversation, with the execution input", async () => {
    // Arrange
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE_ARN}:${CONVERSATION_ID}`, startDate: new Date() });
    const { handler } = setup();

    // Act
    const result = await handler(acdStart({}));

    // Assess
    expect(result).toEqual({ outcome: "started", executionName: CONVERSATION_ID });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: CONVERSATION_ID,
      input: JSON.stringify({ conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID }),
    });
  });

  it("treats a second event for the same conversation (ExecutionAlreadyExists) as a duplicate, not an error", async () => {
    // Arrange
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: "arn:1", startDate: new Date() }).rejects(awsError("ExecutionAlreadyExists", "Execution Already Exists"));
    const { handler, logger, metrics } = setup();

    // Act
    const first = await handler(acdStart({}));
    const second = await handler({ ...acdStart({}), id: "e-2" });

    // Assess
    expect(first.outcome).toBe("started");
    expect(second).toEqual({ outcome: "duplicate", executionName: CONVERSATION_ID });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([CONVERSATION_ID, CONVERSATION_ID]);
    expect(logger.info).toHaveBeenCalledWith(expect.stringMatching(/duplicate/), expect.objectContaining({ conversationId: CONVERSATION_ID, eventId: "e-2" }));
    expect(metrics.addDimension).toHaveBeenLastCalledWith("Outcome", "duplicate");
  });

  it("ignores emails entering other queues and other media", async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const otherQueue = await handler(acdStart({ queueId: "q-billing" }));
    const voice = await handler(acdStart({ mediaType: "VOICE" }));
    const otherTopic = await handler(acdStart({}, "v2.detail.events.conversation.{id}.customer.start"));

    // Assess
    expect([otherQueue, voice, otherTopic]).toEqual([{ outcome: "ignored" }, { outcome: "ignored" }, { outcome: "ignored" }]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("starts an email whose event carries no mediaType", async () => {
    // Arrange
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:1", startDate: new Date() });
    const { handler } = setup();
    const event = acdStart({});
    delete (event.detail.eventBody as Record<string, unknown>).mediaType;

    // Act / Assess
    await expect(handler(event)).resolves.toMatchObject({ outcome: "started" });
  });

  it("dead-letters an event that is not a Genesys acd.start event at once, with the reason, starting nothing", async () => {
    // Arrange
    const { handler, deadLettered, metrics } = setup();
    const events = [{ id: "e-1", source: "x", "detail-type": ACD_START_TOPIC, detail: {} }, acdStart({ queueId: undefined }), "not an event", acdStart({ conversationId: "c".repeat(129) })];

    // Act
    const results = [];
    for (const event of events) results.push(await handler(event));

    // Assess
    expect(results).toEqual(events.map(() => ({ outcome: "dead-lettered" })));
    expect(deadLettered.map((d) => [d.entryPoint, d.error.name, d.event])).toEqual(events.map((event) => ["attachment-routing/start", "InvalidEventError", event]));
    expect(deadLettered[1]!.error.message).toContain("queueId");
    expect(metrics.addDimension).toHaveBeenLastCalledWith("Outcome", "dead-lettered");
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each(["ThrottlingException", "ServiceUnavailable", "StateMachineDoesNotExist"])(
    "throws when Step Functions answers %s, so Lambda retries the event and then keeps it in the on-failure queue",
    async (name) => {
      // Arrange
      sfn.on(StartExecutionCommand).rejects(awsError(name));
      const { handler, deadLettered } = setup();

      // Act / Assess
      await expect(handler(acdStart({}))).rejects.toMatchObject({ name });
      expect(deadLettered).toEqual([]);
    },
  );

  it("bounds StartExecution by the invocation's remaining time", async () => {
    // Arrange
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:1", startDate: new Date() });
    const { handler } = setup();

    // Act
    await handler(acdStart({}), { getRemainingTimeInMillis: () => 5_000 });

    // Assess: the SDK received an abort signal that has not fired yet.
    const options = (sfn.send.getCall(0).args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal).toBeDefined();
    expect(options?.abortSignal?.aborted).toBe(false);
  });

  it("makes a valid, distinct execution name from any conversation id", () => {
    const odd = ["conv/1 with spaces", "conv/1 with spaces!", "ü".repeat(100), "x".repeat(200)];
    const names = odd.map(executionName);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(new Set(names).size).toBe(odd.length);
    expect(executionName(CONVERSATION_ID)).toBe(CONVERSATION_ID);
    expect(executionName("conv/1 with spaces")).toBe(executionName("conv/1 with spaces"));
  });
});
