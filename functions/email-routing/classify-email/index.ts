import { lazyClassifierBackend } from "../../shared/classifier/backend";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";
import { CLASSIFY_EMAIL } from "./environment";

const settings = parseLambdaEnvironment(CLASSIFY_EMAIL);
const { logger, metrics } = createTelemetry("classify-email");

export const handler = makeHandler({
  backend: lazyClassifierBackend(settings, __dirname),
  policy: { confidenceThreshold: settings.CONFIDENCE_THRESHOLD, topicQueues: settings.TOPIC_QUEUES },
  logger,
  metrics,
});
