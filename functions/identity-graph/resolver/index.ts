import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as z from "zod";
import { genesysClientFromEnvironment, genesysEnvironment } from "../../shared/genesys/runtime";
import { resolveEvent } from "../core/resolve";
import { parseEnvironment } from "../../shared/env";
import { identityEnvironmentSchema, identityRuntime } from "../core/runtime";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseEnvironment(
  identityEnvironmentSchema.extend({
    ...genesysEnvironment,
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
const genesys = genesysClientFromEnvironment(env, { requestsPerMinute: env.WRITE_BACK_REQUESTS_PER_MINUTE });

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
