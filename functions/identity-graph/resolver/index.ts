import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { genesysClientFromEnvironment } from "../../shared/genesys/runtime";
import { resolveEvent } from "../core/resolve";
import { parseLambdaEnvironment } from "../../shared/env";
import { identityRuntime } from "../core/runtime";
import { IDENTITY_RESOLVER } from "./environment";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const env = parseLambdaEnvironment(IDENTITY_RESOLVER);
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
