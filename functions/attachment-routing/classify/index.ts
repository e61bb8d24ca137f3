import { S3Client } from "@aws-sdk/client-s3";
import { s3DocumentStore } from "../core/storage";
import { lazyClassifierBackend } from "../../shared/classifier/backend";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { ATTACHMENT_CLASSIFY } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_CLASSIFY);
const { logger, metrics } = createTelemetry("attachment-classify");

export const handler = makeHandler({
  backend: lazyClassifierBackend(env, __dirname),
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  policy: { documentQueues: env.DOCUMENT_QUEUES, confidenceThreshold: env.CONFIDENCE_THRESHOLD },
  logger,
  metrics,
});
