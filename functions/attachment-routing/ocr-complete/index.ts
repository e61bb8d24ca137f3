import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { TextractClient } from "@aws-sdk/client-textract";
import * as z from "zod";
import { s3DocumentStore } from "../core/storage";
import { dynamoTaskTokenStore } from "../core/token-store";
import { parseEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  z.object({
    DOCUMENTS_BUCKET: z.string().min(3),
    TASK_TOKEN_TABLE_NAME: z.string().min(3),
  }),
  process.env,
  "attachment-ocr-complete",
);
const { logger, metrics } = createTelemetry("attachment-ocr-complete");

export const handler = makeHandler({
  textract: new TextractClient({}),
  sfn: new SFNClient({}),
  tokens: dynamoTaskTokenStore(new DynamoDBClient({}), env.TASK_TOKEN_TABLE_NAME),
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  logger,
  metrics,
});
