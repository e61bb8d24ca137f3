import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { TextractClient } from "@aws-sdk/client-textract";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { sqsDeadLetters } from "../core/dead-letters";
import { s3DocumentStore } from "../core/storage";
import { dynamoTaskTokenStore } from "../core/token-store";
import { ATTACHMENT_OCR_COMPLETE } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_OCR_COMPLETE);
const { logger, metrics } = createTelemetry("attachment-ocr-complete");

// One SDK attempt per call: the handler retries transient failures itself, within its deadline.
const single = { maxAttempts: 1 };
export const handler = makeHandler({
  textract: new TextractClient(single),
  sfn: new SFNClient(single),
  tokens: dynamoTaskTokenStore(new DynamoDBClient(single), env.TASK_TOKEN_TABLE_NAME),
  store: s3DocumentStore(new S3Client(single), env.DOCUMENTS_BUCKET),
  deadLetters: sqsDeadLetters(new SQSClient({}), env.DEAD_LETTER_QUEUE_URL),
  logger,
  metrics,
});
