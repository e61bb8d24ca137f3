/** Real-shaped Genesys EventBridge envelopes, for tests and the benchmark (the shape of samples/identity/). */
export const SOURCE = "aws.partner/genesys.com/cloud/3f0c6a3e-0000-4a51-9c1d-6a9b8f2e1d10/gcx-test";

/** An envelope for `v2.detail.events.conversation.{id}.<topic>`. */
export function conversationEvent(id: string, topic: string, eventBody: Record<string, unknown>) {
  const conversationId = eventBody.conversationId as string;
  return {
    version: "0",
    id,
    "detail-type": `v2.detail.events.conversation.{id}.${topic}`,
    source: SOURCE,
    account: "111111111111",
    time: "2026-11-21T09:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: {
      topicName: `v2.detail.events.conversation.${conversationId}.${topic}`,
      version: "2",
      eventBody: { eventTime: 1795270000000, ...eventBody },
      metadata: { CorrelationId: `corr-${id}` },
      timestamp: "2026-11-21T09:00:00Z",
    },
  };
}

export function customerStart(id: string, conversationId: string, participantId: string, fields: Record<string, unknown>) {
  return conversationEvent(id, "customer.start", { conversationId, participantId, direction: "INBOUND", ...fields });
}

export function attributesEvent(id: string, conversationId: string, participantId: string, attributes: Record<string, unknown>) {
  return conversationEvent(id, "attributes", { conversationId, participantId, attributes });
}
