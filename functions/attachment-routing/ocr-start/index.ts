import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { TextractClient } from "@aws-sdk/client-textract";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { dynamoTaskTokenStore } from "../core/token-store";
import { ATTACHMENT_OCR_START } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_OCR_START);
const { logger, metrics } = createTelemetry("attachment-ocr-start");

export const handler = makeHandler({
  // Throttling is retried by the state machine with backoff and jitter; one SDK attempt keeps the task short.
  textract: new TextractClient({ maxAttempts: 1 }),
  tokens: dynamoTaskTokenStore(new DynamoDBClient({}), env.TASK_TOKEN_TABLE_NAME),
  bucket: env.DOCUMENTS_BUCKET,
  topicArn: env.TEXTRACT_TOPIC_ARN,
  roleArn: env.TEXTRACT_ROLE_ARN,
  logger,
  metrics,
});
