import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Deadline } from "../../shared/deadline";
import { awsCallOptions } from "./invocation";

/**
 * Where an asynchronously invoked entry point puts an event it will never be able to process (a poison
 * event), at once and with the reason. It is the same queue Lambda's on-failure destination uses for
 * events that kept failing, and the record has the same shape, so one redrive reads both:
 * `{version, timestamp, requestContext: {condition, ...}, requestPayload, responsePayload: {errorType, errorMessage}}`.
 */
export interface DeadLetters {
  send(rejected: RejectedEvent, options?: { deadline?: Deadline }): Promise<void>;
}

export interface RejectedEvent {
  /** The function that rejected the event, e.g. attachment-routing/start. */
  readonly entryPoint: string;
  /** The error that names why (its name and message are recorded, never a stack). */
  readonly error: Error;
  readonly event: unknown;
}

/** SQS' message limit is 256 KiB; the record stays under it with room to spare. */
const MAX_RECORD_BYTES = 240 * 1024;

/** The longest prefix of `text` within `maxBytes` of UTF-8, never splitting a character. */
function prefixWithin(text: string, maxBytes: number): string {
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

/** The dead-letter record of a rejected event, as JSON that fits one SQS message (the event cut short if it must be). */
function deadLetterRecord(rejected: RejectedEvent, now: Date = new Date()): string {
  const record = {
    version: "1.0",
    timestamp: now.toISOString(),
    requestContext: { condition: "RejectedByHandler", entryPoint: rejected.entryPoint, approximateInvokeCount: 1 },
    requestPayload: rejected.event as unknown,
    responsePayload: { errorType: rejected.error.name, errorMessage: prefixWithin(rejected.error.message, 4_096) },
  };
  let whole: string | undefined;
  try {
    whole = JSON.stringify(record);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined && Buffer.byteLength(whole) <= MAX_RECORD_BYTES) return whole;
  let payload: string;
  try {
    payload = JSON.stringify(rejected.event) ?? String(rejected.event);
  } catch {
    payload = String(rejected.event);
  }
  // Escaping can grow the text when it is embedded: halve the budget until the record fits.
  for (let budget = MAX_RECORD_BYTES - 1_024; ; budget = Math.floor(budget / 2)) {
    const cut = JSON.stringify({ ...record, requestPayload: prefixWithin(payload, budget), requestPayloadTruncated: true });
    if (Buffer.byteLength(cut) <= MAX_RECORD_BYTES) return cut;
  }
}

export function sqsDeadLetters(client: Pick<SQSClient, "send">, queueUrl: string): DeadLetters {
  return {
    async send(rejected, options = {}) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: deadLetterRecord(rejected) }), awsCallOptions(options.deadline));
    },
  };
}
