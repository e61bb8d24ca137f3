import * as z from "zod";
import { genesysClientFromEnvironment, genesysEnvironment } from "../../shared/genesys/runtime";
import { jsonVariable, parseEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  z.object({
    ...genesysEnvironment,
    QUEUE_IDS: jsonVariable(z.record(z.string(), z.string().min(1)), "an object of queue name to queue id"),
    FALLBACK_QUEUE_ID: z.string().min(1),
    RESEND_FROM_ADDRESS: z.email(),
    RESEND_FROM_NAME: z.string().min(1),
    RESEND_SUBJECT: z.string().min(1),
    RESEND_BODY: z.string().min(1),
  }),
  process.env,
  "attachment-route",
);
const { logger, metrics } = createTelemetry("attachment-route");

export const handler = makeHandler({
  genesys: genesysClientFromEnvironment(env),
  queueIds: env.QUEUE_IDS,
  fallbackQueueId: env.FALLBACK_QUEUE_ID,
  resend: { fromAddress: env.RESEND_FROM_ADDRESS, fromName: env.RESEND_FROM_NAME, subject: env.RESEND_SUBJECT, body: env.RESEND_BODY },
  logger,
  metrics,
});
