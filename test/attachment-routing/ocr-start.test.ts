import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { StartDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { mockClient } from "aws-sdk-client-mock";
import { makeHandler } from "../../functions/attachment-routing/ocr-start/handler";
import { DocumentRef, OcrRequest } from "../../functions/attachment-routing/core/contracts";
import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { allLogs, awsError, CONVERSATION_ID, LocalTokenTable, recorders, startTokenTable } from "./harness";

const BUCKET = "gcx-dev-documents-123456789012-us-east-1";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:gcx-dev-ocr-done";
const ROLE_ARN = "arn:aws:iam::123456789012:role/gcx-dev-textract-notify";
/** Task tokens are long (up to ~2 KB): far over Textract's 64-character JobTag. */
const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAA${"x".repeat(900)}`;
const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

const scannedClaim = (attachmentId = "att-7f3/scan 1"): DocumentRef => ({
  attachmentId,
  fileName: "scanned-claim.pdf",
  status: "readable",
  objectKey: documentKeys(CONVERSATION_ID, attachmentId).original,
  ocrKey: documentKeys(CONVERSATION_ID, attachmentId).ocr,
  needsOcr: true,
  pagesTotal: 1,
  pagesAnalyzed: 1,
  truncated: false,
});
const request = (document: DocumentRef = scannedClaim()): OcrRequest => ({ taskToken: TASK_TOKEN, conversationId: CONVERSATION_ID, document });

describe("attachment-ocr-start", () => {
  const textract = mockClient(TextractClient);
  let table: LocalTokenTable;

  beforeEach(async () => {
    textract.reset();
    table = await startTokenTable();
  });
  afterEach(() => table.close());

  function setup() {
    const { logger, metrics } = recorders();
    const handler = makeHandler({
      textract: new TextractClient({ region: "us-east-1" }),
      tokens: table.store,
      bucket: BUCKET,
      topicArn: TOPIC_ARN,
      roleArn: ROLE_ARN,
      now: () => NOW,
      logger,
      metrics,
    });
    return { handler, logger };
  }

  it("starts text detection of the ocr object with the completion topic and role, and parks the task token under the JobId", async () => {
    // Arrange
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-1" });
    const { handler, logger } = setup();

    // Act
    const result = await handler(request());

    // Assess
    expect(result).toEqual({ jobId: "job-1" });
    const [call] = textract.commandCalls(StartDocumentTextDetectionCommand);
    const input = call!.args[0].input;
    expect(input.DocumentLocation).toEqual({ S3Object: { Bucket: BUCKET, Name: `conversations/${CONVERSATION_ID}/att-7f3%2Fscan%201/ocr` } });
    expect(input.NotificationChannel).toEqual({ SNSTopicArn: TOPIC_ARN, RoleArn: ROLE_ARN });
    expect(input.ClientRequestToken).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(input.JobTag).toMatch(/^[A-Za-z0-9_.\-:]{1,64}$/);
    const item = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { jobId: { S: "job-1" } } }));
    expect(item.Item).toEqual({
      jobId: { S: "job-1" },
      taskToken: { S: TASK_TOKEN },
      conversationId: { S: CONVERSATION_ID },
      attachmentId: { S: "att-7f3/scan 1" },
      expiresAt: { N: String(NOW / 1000 + 86_400) },
    });
    expect(allLogs(logger)).not.toContain(TASK_TOKEN);
  });

  it("uses the same idempotency token when the step is retried, and different ones for different attachments", async () => {
    // Arrange
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-1" });
    const { handler } = setup();

    // Act
    await handler(request());
    await handler(request());
    await handler(request(scannedClaim("att-other")));

    // Assess
    const tokens = textract.commandCalls(StartDocumentTextDetectionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it.each(["ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException", "InternalServerError"])(
    "throws Textract's %s as TransientAwsError, the name the state machine retries, parking nothing",
    async (name) => {
      // Arrange
      textract.on(StartDocumentTextDetectionCommand).rejects(awsError(name));
      const { handler } = setup();

      // Act / Assess
      await expect(handler(request())).rejects.toMatchObject({ name: "TransientAwsError", message: expect.stringContaining(name) });
      await expect(table.store.get("job-1")).resolves.toBeUndefined();
    },
  );

  it("throws a permanent Textract refusal under its own name, so the state machine does not retry it", async () => {
    // Arrange
    textract.on(StartDocumentTextDetectionCommand).rejects(awsError("InvalidS3ObjectException"));
    const { handler } = setup();

    // Act / Assess
    await expect(handler(request())).rejects.toMatchObject({ name: "InvalidS3ObjectException" });
  });

  it("refuses input that breaks the contract or has nothing to OCR", async () => {
    // Arrange
    const { handler } = setup();
    const { ocrKey: _ocrKey, ...withoutOcrKey } = scannedClaim();

    // Act / Assess
    await expect(handler({ conversationId: CONVERSATION_ID, document: scannedClaim() })).rejects.toMatchObject({ name: "InvalidStepInputError" });
    await expect(handler(request(withoutOcrKey))).rejects.toMatchObject({ name: "InvalidStepInputError" });
    await expect(handler(request({ ...scannedClaim(), status: "encrypted" }))).rejects.toMatchObject({ name: "InvalidStepInputError" });
    expect(textract.commandCalls(StartDocumentTextDetectionCommand)).toHaveLength(0);
  });
});

