import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { SoftmaxModel } from "../shared/text-classifier/model";
import { createTelemetry } from "../shared/telemetry";
import { ClassifierBackend } from "./classify";
import { comprehendBackend } from "./backends/comprehend";
import { embeddedBackend } from "./backends/embedded";
import { makeHandler } from "./handler";
import { readSettings } from "./settings";

/** Written next to the bundle by bundle-artifacts.ts. */
export const MODEL_FILE = "model.json";

const settings = readSettings(process.env);
const { logger, metrics } = createTelemetry("classify-email");

let backend: ClassifierBackend | undefined;
function resolveBackend(): ClassifierBackend {
  if (!backend) {
    backend =
      settings.CLASSIFIER_BACKEND === "comprehend"
        ? comprehendBackend({ client: new ComprehendClient({ maxAttempts: 1 }), endpointArn: settings.COMPREHEND_ENDPOINT_ARN! })
        : embeddedBackend(JSON.parse(readFileSync(join(__dirname, MODEL_FILE), "utf8")) as SoftmaxModel);
  }
  return backend;
}

export const handler = makeHandler({
  backend: resolveBackend,
  policy: { confidenceThreshold: settings.CONFIDENCE_THRESHOLD, topicQueues: settings.TOPIC_QUEUES },
  logger,
  metrics,
});
