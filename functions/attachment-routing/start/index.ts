import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { parseLambdaEnvironment } from "../../shared/env";
import { createTelemetry } from "../../shared/telemetry";
import { sqsDeadLetters } from "../core/dead-letters";
import { ATTACHMENT_START } from "./environment";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(ATTACHMENT_START);
const { logger, metrics } = createTelemetry("attachment-start");

export const handler = makeHandler({
  sfn: new SFNClient({}),
  stateMachineArn: env.STATE_MACHINE_ARN,
  triageQueueId: env.TRIAGE_QUEUE_ID,
  deadLetters: sqsDeadLetters(new SQSClient({}), env.DEAD_LETTER_QUEUE_URL),
  logger,
  metrics,
});
