import { genesysClientFromEnvironment } from "../../shared/genesys/runtime";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { ATTACHMENT_ROUTE } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_ROUTE);
const { logger, metrics } = createTelemetry("attachment-route");

export const handler = makeHandler({
  genesys: genesysClientFromEnvironment(env),
  queueIds: env.QUEUE_IDS,
  fallbackQueueId: env.FALLBACK_QUEUE_ID,
  resend: { fromAddress: env.RESEND_FROM_ADDRESS, fromName: env.RESEND_FROM_NAME, subject: env.RESEND_SUBJECT, body: env.RESEND_BODY },
  logger,
  metrics,
});
