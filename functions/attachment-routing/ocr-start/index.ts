import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { TextractClient } from "@aws-sdk/client-textract";
import * as z from "zod";
import { dynamoTaskTokenStore } from "../core/token-store";
import { parseEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  z.object({
    DOCUMENTS_BUCKET: z.string().min(3),
    TASK_TOKEN_TABLE_NAME: z.string().min(3),
    TEXTRACT_TOPIC_ARN: z.string().startsWith("arn:"),
    TEXTRACT_ROLE_ARN: z.string().startsWith("arn:"),
  }),
  process.env,
  "attachment-ocr-start",
);
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
