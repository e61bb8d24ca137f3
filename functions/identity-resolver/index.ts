import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import * as z from "zod";
import { GENESYS_REGIONS } from "../../config/genesys-regions";
import { GenesysClient, GenesysCredentials } from "../shared/genesys/client";
import { resolveEvent } from "../shared/identity/resolve";
import { parseEnvironment } from "../shared/env";
import { identityEnvironmentSchema, identityRuntime } from "../shared/identity/runtime";
import { createTelemetry } from "../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  identityEnvironmentSchema.extend({
    GENESYS_REGION: z.enum(GENESYS_REGIONS),
    GENESYS_CREDENTIALS_SECRET_ARN: z.string().startsWith("arn:"),
    DEAD_LETTER_QUEUE_URL: z.string().url(),
    /** This instance's share of the Genesys per-token rate limit. */
    WRITE_BACK_REQUESTS_PER_MINUTE: z.coerce.number().int().positive(),
  }),
  process.env,
  "identity-resolver",
);
const runtime = identityRuntime(env);
const { logger, metrics } = createTelemetry("identity-resolver");
const sqs = new SQSClient({});
const genesys = new GenesysClient({
  region: env.GENESYS_REGION,
  requestsPerMinute: env.WRITE_BACK_REQUESTS_PER_MINUTE,
  credentials: async () => (await getSecret<GenesysCredentials>(env.GENESYS_CREDENTIALS_SECRET_ARN, { transform: "json", maxAge: 300 }))!,
});

export const handler = makeHandler({
  resolve: async (event) => resolveEvent(event, { store: runtime.store, hasher: await runtime.hasher(), settings: runtime.settings }),
  writeBack: (conversationId, state) => genesys.patchParticipantAttributes(conversationId, state.participantId, { ...state.attributes }),
  saveWriteBack: (conversationId, state) => runtime.store.saveWriteBack(conversationId, state),
  deadLetter: async (record, reason) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: env.DEAD_LETTER_QUEUE_URL,
        MessageBody: record.body,
        MessageAttributes: {
          failureReason: { DataType: "String", StringValue: reason.slice(0, 1024) },
          sourceMessageId: { DataType: "String", StringValue: record.messageId },
        },
      }),
    );
  },
  logger,
  metrics,
});
