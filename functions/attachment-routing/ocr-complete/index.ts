import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { TextractClient } from "@aws-sdk/client-textract";
import { s3DocumentStore } from "../core/storage";
import { dynamoTaskTokenStore } from "../core/token-store";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { ATTACHMENT_OCR_COMPLETE } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_OCR_COMPLETE);
const { logger, metrics } = createTelemetry("attachment-ocr-complete");

export const handler = makeHandler({
  textract: new TextractClient({}),
  sfn: new SFNClient({}),
  tokens: dynamoTaskTokenStore(new DynamoDBClient({}), env.TASK_TOKEN_TABLE_NAME),
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  logger,
  metrics,
});
