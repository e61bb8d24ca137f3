import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { createTelemetry } from "../telemetry";
import { makeHandler } from "./handler";

const { logger } = createTelemetry("comprehend-endpoint-manager");

export const handler = makeHandler({
  client: new ComprehendClient({}),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  logger,
});
