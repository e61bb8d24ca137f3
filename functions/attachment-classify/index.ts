import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { comprehendBackend } from "../classify-email/backends/comprehend";
import { embeddedBackend } from "../classify-email/backends/embedded";
import type { ClassifierBackend } from "../classify-email/classify";
import { s3DocumentStore } from "../shared/attachments/storage";
import { jsonVariable, parseEnvironment } from "../shared/env";
import { createTelemetry } from "../shared/telemetry";
import { SoftmaxModel } from "../shared/text-classifier/model";
import { makeHandler } from "./handler";

/** Written next to the bundle by bundle-artifacts.ts: the document-types model. */
export const MODEL_FILE = "model.json";

const env = parseEnvironment(
  z
    .object({
      DOCUMENTS_BUCKET: z.string().min(3),
      CLASSIFIER_BACKEND: z.enum(["embedded", "comprehend"]),
      CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1),
      DOCUMENT_QUEUES: jsonVariable(z.record(z.string(), z.string()), "an object of document type to queue name"),
      COMPREHEND_ENDPOINT_ARN: z.string().startsWith("arn:").optional(),
    })
    .refine((s) => s.CLASSIFIER_BACKEND !== "comprehend" || s.COMPREHEND_ENDPOINT_ARN, {
      message: "is required when CLASSIFIER_BACKEND is comprehend",
      path: ["COMPREHEND_ENDPOINT_ARN"],
    }),
  process.env,
  "attachment-classify",
);
const { logger, metrics } = createTelemetry("attachment-classify");

let backend: ClassifierBackend | undefined;
function resolveBackend(): ClassifierBackend {
  backend ??=
    env.CLASSIFIER_BACKEND === "comprehend"
      ? comprehendBackend({ client: new ComprehendClient({ maxAttempts: 1 }), endpointArn: env.COMPREHEND_ENDPOINT_ARN! })
      : embeddedBackend(JSON.parse(readFileSync(join(__dirname, MODEL_FILE), "utf8")) as SoftmaxModel);
  return backend;
}

export const handler = makeHandler({
  backend: resolveBackend,
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  policy: { documentQueues: env.DOCUMENT_QUEUES, confidenceThreshold: env.CONFIDENCE_THRESHOLD },
  logger,
  metrics,
});
