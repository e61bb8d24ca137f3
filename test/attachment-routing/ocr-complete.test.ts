import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { Block, GetDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { mockClient } from "aws-sdk-client-mock";
import { makeHandler } from "../../functions/attachment-routing/ocr-complete/handler";
import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { LocalS3, startS3rver } from "../support/s3rver";
import { allLogs, awsError, CONVERSATION_ID, LocalTokenTable, recorders, recordingDeadLetters, startTokenTable } from "./harness";

const BUCKET = "documents";
const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAA${"t".repeat(600)}`;
const ATTACHMENT_ID = "att-scan-1";
/** OCR'd text: it must never reach a log line. */
const SECRET_LINE = "Policy number DP9927323 zq7";

function completion(jobId: string, status: string) {
  const message = {
    JobId: jobId,
    Status: status,
    API: "StartDocumentTextDetection",
    JobTag: ATTACHMENT_ID,
    Timestamp: 1767607210000,
    DocumentLocation: { S3ObjectName: documentKeys(CONVERSATION_ID, ATTACHMENT_ID).ocr, S3Bucket: BUCKET },
  };
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: "arn:aws:sns:us-east-1:123456789012:gcx-dev-ocr-done:sub-1",
        Sns: { Type: "Notification", MessageId: "msg-1", TopicArn: "arn:aws:sns:us-east-1:123456789012:gcx-dev-ocr-done", Message: JSON.stringify(message) },
      },
    ],
  };
}

const line = (text: string, page: number): Block => ({ BlockType: "LINE", Text: text, Page: page });
const word = (text: string, page: number): Block => ({ BlockType: "WORD", Text: text, Page: page });

describe("attachment-ocr-complete", () => {
  const textract = mockClient(TextractClient);
  const sfn = mockClient(SFNClient);
  let table: LocalTokenTable;
  let s3: LocalS3;

  beforeEach(async () => {
    textract.reset();
    sfn.reset();
    s3 = await startS3rver([BUCKET]);
    table = await startTokenTable();
    await table.store.put({ jobId: "job-1", taskToken: TASK_TOKEN, conversationId: CONVERSATION_ID, attachmentId: ATTACHMENT_ID, expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  });
  afterEach(async () => {
    await table.close();
    await s3.close();
  });

  function setup() {
    const { logger, metrics } = recorders();
    const { deadLetters, sent } = recordingDeadLetters();
    const sleeps: number[] = [];
    const handler = makeHandler({
      textract: new TextractClient({ region: "us-east-1" }),
      sfn: new SFNClient({ region: "us-east-1" }),
      tokens: table.store,
      store: s3DocumentStore(s3.client, BUCKET),
      deadLetters,
      logger,
      metrics,
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    });
    return { handler, logger, deadLettered: sent, sleeps };
  }

  it("joins LINE text across result pages into ocr.txt, resumes the task with an OcrResult and forgets the token", async () => {
    // Arrange
    textract
      .on(GetDocumentTextDetectionCommand)
      .resolvesOnce({
        JobStatus: "SUCCEEDED",
        DocumentMetadata: { Pages: 2 },
        Blocks: [{ BlockType: "PAGE", Page: 1 }, line("Homeowners Claim Form", 1), word("Homeowners", 1), line(SECRET_LINE, 1)],
        NextToken: "page-2",
      })
      .resolvesOnce({ JobStatus: "SUCCEEDED", Blocks: [{ BlockType: "PAGE", Page: 2 }, line("Estimated amount of damage $1,800.00", 2)] });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { handler, logger } = setup();

    // Act
    const result = await handler(completion("job-1", "SUCCEEDED"));

    // Assess
    expect(result).toEqual({ outcomes: ["succeeded"] });
    const textKey = `conversations/${CONVERSATION_ID}/${ATTACHMENT_ID}/ocr.txt`;
    expect(await s3.getText(BUCKET, textKey)).toBe(`Homeowners Claim Form\n${SECRET_LINE}\nEstimated amount of damage $1,800.00`);
    expect(textract.commandCalls(GetDocumentTextDetectionCommand).map((c) => c.args[0].input)).toEqual([
      { JobId: "job-1", MaxResults: 1000 },
      { JobId: "job-1", MaxResults: 1000, NextToken: "page-2" },
    ]);
    const [success] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(success!.args[0].input).toEqual({ taskToken: TASK_TOKEN, output: JSON.stringify({ attachmentId: ATTACHMENT_ID, textKey }) });
    await expect(table.store.get("job-1")).resolves.toBeUndefined();
    expect(allLogs(logger)).not.toContain(SECRET_LINE);
    expect(allLogs(logger)).not.toContain(TASK_TOKEN);
  });

  it("fails the task with TextractFailed and Textract's StatusMessage when the job failed", async () => {
    // Arrange
    textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: "FAILED", StatusMessage: "Unsupported document format" });
    sfn.on(SendTaskFailureCommand).resolves({});
    const { handler } = setup();

    // Act
    const result = await handler(completion("job-1", "FAILED"));

    // Assess
    expect(result).toEqual({ outcomes: ["failed"] });
    const [failure] = sfn.commandCalls(SendTaskFailureCommand);
    expect(failure!.args[0].input).toEqual({ taskToken: TASK_TOKEN, error: "TextractFailed", cause: "Textract job ended FAILED: Unsupported document format" });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await s3.listKeys(BUCKET)).toEqual([]);
    await expect(table.store.get("job-1")).resolves.toBeUndefined();
  });

  it("fails the task when a PARTIAL_SUCCESS found no text", async () => {
    // Arrange
    textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: "PARTIAL_SUCCESS", StatusMessage: "Some pages could not be read", Blocks: [{ BlockType: "PAGE", Page: 1 }] });
    sfn.on(SendTaskFailureCommand).resolves({});
    const { handler } = setup();

    // Act
    await handler(completion("job-1", "PARTIAL_SUCCESS"));

    // Assess
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toMatchObject({ error: "TextractFailed", cause: "Some pages could not be read" });
  });

  it("ignores a late result: Step Functions answers TaskTimedOut", async () => {
    // Arrange
    textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: "SUCCEEDED", Blocks: [line("Invoice No. INV-20931", 1)] });
    sfn.on(SendTaskSuccessCommand).rejects(awsError("TaskTimedOut", "Task Timed Out"));
    const { handler, logger } = setup();

    // Act
    const result = await handler(completion("job-1", "SUCCEEDED"));

    // Assess
    expect(result).toEqual({ outcomes: ["late"] });
    expect(logger.info).toHaveBeenCalledWith(expect.stringMatching(/late OCR result ignored/), expect.objectContaining({ jobId: "job-1", error: "TaskTimedOut" }));
    await expect(table.store.get("job-1")).resolves.toBeUndefined();
  });

  it("ignores a job no task waits for (unknown, or its token already used)", async () => {
    // Arrange
    const { handler, logger } = setup();

    // Act
    const result = await handler(completion("job-unknown", "SUCCEEDED"));

    // Assess
    expect(result).toEqual({ outcomes: ["unknown-job"] });
    expect(textract.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/no task waits/), expect.objectContaining({ jobId: "job-unknown" }));
  });

  it("retries Textract throttling within the invocation, inside the OCR wait, and then resumes the task", async () => {
    // Arrange
    textract
      .on(GetDocumentTextDetectionCommand)
      .rejectsOnce(awsError("ProvisionedThroughputExceededException"))
      .rejectsOnce(awsError("ThrottlingException"))
      .resolves({ JobStatus: "SUCCEEDED", Blocks: [line("Invoice No. INV-20931", 1)] });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { handler, sleeps } = setup();

    // Act
    const result = await handler(completion("job-1", "SUCCEEDED"));

    // Assess
    expect(result).toEqual({ outcomes: ["succeeded"] });
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it("waits for a job Textract still reports IN_PROGRESS, within the invocation", async () => {
    // Arrange
    textract
      .on(GetDocumentTextDetectionCommand)
      .resolvesOnce({ JobStatus: "IN_PROGRESS" })
      .resolves({ JobStatus: "SUCCEEDED", Blocks: [line("Invoice No. INV-20931", 1)] });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { handler } = setup();

    // Act / Assess
    await expect(handler(completion("job-1", "SUCCEEDED"))).resolves.toEqual({ outcomes: ["succeeded"] });
  });

  it("fails the task at once with OcrResultUnavailable when the result cannot be collected even with retries", async () => {
    // Arrange
    textract.on(GetDocumentTextDetectionCommand).rejects(awsError("ProvisionedThroughputExceededException"));
    sfn.on(SendTaskFailureCommand).resolves({});
    const { handler } = setup();

    // Act
    const result = await handler(completion("job-1", "SUCCEEDED"));

    // Assess: the execution goes on now (the document counts as unreadable), not after the OCR timeout.
    expect(result).toEqual({ outcomes: ["result-unavailable"] });
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(4);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toMatchObject({ taskToken: TASK_TOKEN, error: "OcrResultUnavailable" });
    await expect(table.store.get("job-1")).resolves.toBeUndefined();
  });

  it("fails the invocation (Lambda retries, then the on-failure queue) only when the task cannot be answered at all, keeping the token", async () => {
    // Arrange
    textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: "SUCCEEDED", Blocks: [line("Invoice", 1)] });
    sfn.on(SendTaskSuccessCommand).rejects(awsError("ThrottlingException"));
    const { handler } = setup();

    // Act / Assess
    await expect(handler(completion("job-1", "SUCCEEDED"))).rejects.toMatchObject({ name: "TransientAwsError" });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(4);
    await expect(table.store.get("job-1")).resolves.toMatchObject({ taskToken: TASK_TOKEN });
  });

  it("dead-letters at once, with the reason, events that are not Textract completions", async () => {
    // Arrange
    const { handler, deadLettered } = setup();
    const notJson = { Records: [{ Sns: { MessageId: "m-1", Message: "not json" } }] };
    const noJobId = { Records: [{ Sns: { MessageId: "m-2", Message: JSON.stringify({ Status: "SUCCEEDED" }) } }] };

    // Act
    const results = [await handler(notJson), await handler(noJobId), await handler({ hello: "world" })];

    // Assess
    expect(results).toEqual([{ outcomes: ["dead-lettered"] }, { outcomes: ["dead-lettered"] }, { outcomes: ["dead-lettered"] }]);
    expect(deadLettered.map((d) => [d.entryPoint, d.error.name])).toEqual([
      ["attachment-routing/ocr-complete", "InvalidOcrCompletionError"],
      ["attachment-routing/ocr-complete", "InvalidOcrCompletionError"],
      ["attachment-routing/ocr-complete", "InvalidOcrCompletionError"],
    ]);
    expect(deadLettered[0]!.event).toEqual(notJson.Records[0]);
    expect(deadLettered[2]!.error.message).toContain("Records");
    expect(sfn.calls()).toHaveLength(0);
  });
});
