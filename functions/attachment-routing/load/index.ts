import { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { genesysClientFromEnvironment, genesysEnvironment } from "../../shared/genesys/runtime";
import { s3DocumentStore } from "../core/storage";
import { jsonVariable, parseEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const positiveInteger = z.number().int().positive();
const env = parseEnvironment(
  z.object({
    ...genesysEnvironment,
    DOCUMENTS_BUCKET: z.string().min(3),
    DOCUMENT_LIMITS: jsonVariable(
      z.strictObject({
        maxBytes: positiveInteger.optional(),
        maxPages: positiveInteger.optional(),
        classificationPages: positiveInteger.optional(),
        minTextChars: z.number().int().nonnegative().optional(),
      }),
      "an object of document limits {maxBytes, maxPages, classificationPages, minTextChars}",
    ).default({}),
  }),
  process.env,
  "attachment-load",
);
const { logger, metrics } = createTelemetry("attachment-load");

export const handler = makeHandler({
  genesys: genesysClientFromEnvironment(env),
  store: s3DocumentStore(new S3Client({}), env.DOCUMENTS_BUCKET),
  limits: env.DOCUMENT_LIMITS,
  logger,
  metrics,
});
