import { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { s3DocumentStore } from "../core/storage";
import { classifierBackendEnvironment, lazyClassifierBackend, requireEndpointForComprehend } from "../../shared/classifier/backend";
import { jsonVariable, parseEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  requireEndpointForComprehend(
    z.object({
      ...classifierBackendEnvironment,
      DOCUMENTS_BUCKET: z.string().min(3),
      CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1),
      DOCUMENT_QUEUES: jsonVariable(z.record(z.string(), z.string()), "an object of document type to queue name"),
    }),
  ),
  process.env,
  "attachment-classify",
);
const { logger, metrics } = createTelemetry("attachment-classify");

export const handler = makeHandler({
  backend: lazyClassifierBackend(env, __dirname),
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  policy: { documentQueues: env.DOCUMENT_QUEUES, confidenceThreshold: env.CONFIDENCE_THRESHOLD },
  logger,
  metrics,
});
