import * as z from "zod";

/** The EventBridge envelope Genesys' partner event source delivers. */
export const envelopeSchema = z.object({
  id: z.string().min(1),
  "detail-type": z.string().min(1),
  source: z.string().min(1),
  time: z.string().optional(),
  detail: z.object({
    topicName: z.string().optional(),
    eventBody: z.looseObject({
      conversationId: z.string().min(1),
      participantId: z.string().optional(),
    }),
    metadata: z.looseObject({ CorrelationId: z.string().optional() }).optional(),
  }),
});
export type Envelope = z.output<typeof envelopeSchema>;

export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
}

/** Parses an EventBridge envelope or throws InvalidEventError naming what is wrong. */
export function parseEnvelope(candidate: unknown): Envelope {
  const parsed = envelopeSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new InvalidEventError(`not a Genesys EventBridge event: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
