import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { abortSignalWithin } from "../../shared/deadline";
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
  resolve: async (event, { deadline }) => resolveEvent(event, { store: runtime.store, hasher: await runtime.hasher(deadline), settings: runtime.settings }, { deadline }),
  writeBack: (conversationId, state, { deadline }) => genesys.patchParticipantAttributes(conversationId, state.participantId, { ...state.attributes }, { deadline }),
  saveWriteBacks: (entries, { deadline }) => runtime.store.saveWriteBacks(entries, { deadline }),
  deadLetter: async (record, reason, { deadline }) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: env.DEAD_LETTER_QUEUE_URL,
        MessageBody: record.body,
        MessageAttributes: {
          failureReason: { DataType: "String", StringValue: reason.slice(0, 1024) },
          sourceMessageId: { DataType: "String", StringValue: record.messageId },
        },
      }),
      // Out of time: the send is abandoned and the record returned to SQS, which delivers it again.
      { abortSignal: abortSignalWithin(deadline, 5_000) },
    );
  },
  logger,
  metrics,
});
