import { lazyClassifierBackend } from "../../shared/classifier/backend";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";
import { readSettings } from "./environment";

const settings = readSettings(process.env);
const { logger, metrics } = createTelemetry("classify-email");

export const handler = makeHandler({
  backend: lazyClassifierBackend(settings, __dirname),
  policy: { confidenceThreshold: settings.CONFIDENCE_THRESHOLD, topicQueues: settings.TOPIC_QUEUES },
  logger,
  metrics,
});
