import { S3Client } from "@aws-sdk/client-s3";
import { genesysClientFromEnvironment } from "../../shared/genesys/runtime";
import { s3DocumentStore } from "../core/storage";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { ATTACHMENT_LOAD } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_LOAD);
const { logger, metrics } = createTelemetry("attachment-load");

export const handler = makeHandler({
  genesys: genesysClientFromEnvironment(env),
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  limits: env.DOCUMENT_LIMITS,
  logger,
  metrics,
});
