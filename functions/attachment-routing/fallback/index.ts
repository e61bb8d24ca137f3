import { parseLambdaEnvironment } from "../../shared/env";
import { genesysClientFromEnvironment } from "../../shared/genesys/runtime";
import { createTelemetry } from "../../shared/telemetry";
import { ATTACHMENT_FALLBACK } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_FALLBACK);
const { logger, metrics } = createTelemetry("attachment-fallback");

export const handler = makeHandler({
  genesys: genesysClientFromEnvironment(env),
  queueIds: env.QUEUE_IDS,
  fallbackQueueId: env.FALLBACK_QUEUE_ID,
  logger,
  metrics,
});
