import * as z from "zod/mini";
import "../zod-messages";

/** The EventBridge envelope Genesys' partner event source delivers. */
export const envelopeSchema = z.object({
  id: z.string().check(z.minLength(1)),
  "detail-type": z.string().check(z.minLength(1)),
  source: z.string().check(z.minLength(1)),
  time: z.optional(z.string()),
  detail: z.object({
    topicName: z.optional(z.string()),
    eventBody: z.looseObject({
      conversationId: z.string().check(z.minLength(1)),
      participantId: z.optional(z.string()),
    }),
    metadata: z.optional(z.looseObject({ CorrelationId: z.optional(z.string()) })),
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
