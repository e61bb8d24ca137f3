import { SFNClient } from "@aws-sdk/client-sfn";
import * as z from "zod";
import { parseEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  z.object({
    STATE_MACHINE_ARN: z.string().startsWith("arn:"),
    TRIAGE_QUEUE_ID: z.string().min(1),
  }),
  process.env,
  "attachment-start",
);
const { logger, metrics } = createTelemetry("attachment-start");

export const handler = makeHandler({
  sfn: new SFNClient({}),
  stateMachineArn: env.STATE_MACHINE_ARN,
  triageQueueId: env.TRIAGE_QUEUE_ID,
  logger,
  metrics,
});
