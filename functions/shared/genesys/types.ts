// zod/mini: the same zod 4 validators without the chaining API, so a Lambda bundle of this client stays
// small (about 17 KB of zod instead of about 450 KB for `import { z } from "zod"`).
import * as z from "zod/mini";

/**
 * The slices of Genesys Cloud's models this client depends on (platform SDK `EmailConversation`,
 * `EmailMediaParticipant`, `EmailMessagePreview`, `EmailMessage`, `Attachment`,
 * `AgentlessEmailSendRequestDto`). Response schemas are lenient: unknown fields pass through, and only
 * the fields below are checked.
 */

export interface GenesysCredentials {
  clientId: string;
  clientSecret: string;
}

/** `EmailMediaParticipant`: `purpose` is e.g. "customer", "acd", "agent"; `queue.id` is the participant's current queue. */
export interface EmailParticipant {
  id: string;
  purpose: string;
  state?: string;
  queue?: { id: string };
  /** Participant attributes ("participant data"): string to string. */
  attributes?: Record<string, string>;
}

export interface EmailConversation {
  id: string;
  participants: EmailParticipant[];
}

export interface EmailAttachment {
  attachmentId: string;
  name: string;
  /** MIME type. */
  contentType: string;
  /** Size in bytes. */
  contentLength: number;
  /** Opaque download location: pass it to `downloadAttachment`. */
  contentUri: string;
  inlineImage?: boolean;
}

export interface EmailMessagePreview {
  id: string;
  subject?: string;
  attachments?: EmailAttachment[];
  textBodyPreview?: string;
  /** ISO-8601 timestamp. */
  time?: string;
}

export interface EmailMessage extends EmailMessagePreview {
  textBody: string;
  htmlBody?: string;
}

export interface EmailAddress {
  email: string;
  name?: string;
}

/** `AgentlessEmailSendRequestDto`. Genesys accepts exactly one recipient. */
export interface AgentlessEmail {
  senderType: "Outbound" | "Inbound" | "Integration";
  fromAddress: EmailAddress;
  toAddresses: [EmailAddress];
  replyToAddress?: EmailAddress;
  subject: string;
  textBody?: string;
  htmlBody?: string;
  /** An existing email conversation to stitch the message into. */
  conversationId?: string;
}

export interface AgentlessEmailResult {
  id: string;
  conversationId?: string;
}

const participantSchema = z.looseObject({
  id: z.string(),
  purpose: z.string(),
  state: z.optional(z.string()),
  queue: z.optional(z.looseObject({ id: z.string() })),
  attributes: z.optional(z.record(z.string(), z.string())),
});

export const emailConversationSchema: z.ZodMiniType<EmailConversation> = z.looseObject({
  id: z.string(),
  participants: z.array(participantSchema),
});

const attachmentSchema = z.looseObject({
  attachmentId: z.string(),
  name: z.string(),
  contentType: z.string(),
  contentLength: z.number(),
  contentUri: z.string(),
  inlineImage: z.optional(z.boolean()),
});

const previewFields = {
  id: z.string(),
  subject: z.optional(z.string()),
  attachments: z.optional(z.array(attachmentSchema)),
  textBodyPreview: z.optional(z.string()),
  time: z.optional(z.string()),
};

/** `EmailMessagePreviewListing`: only `entities` is read; a missing list means no messages. */
export const emailMessageListingSchema: z.ZodMiniType<{ entities: EmailMessagePreview[] }> = z.looseObject({
  entities: z._default(z.array(z.looseObject(previewFields)), []),
});

export const emailMessageSchema: z.ZodMiniType<EmailMessage> = z.looseObject({
  ...previewFields,
  textBody: z.string(),
  htmlBody: z.optional(z.string()),
});

export const agentlessEmailResultSchema: z.ZodMiniType<AgentlessEmailResult> = z.looseObject({
  id: z.string(),
  conversationId: z.optional(z.string()),
});

/** Token endpoint response (client-credentials grant). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.positive()),
});

/** An optional string that turns into undefined when it is anything else. */
const lenientString = () => z.catch(z.optional(z.string()), undefined);

/** Genesys `ErrorBody`, every field optional; the token endpoint uses OAuth's `error`/`error_description`. */
export const errorBodySchema = z.looseObject({
  message: lenientString(),
  code: lenientString(),
  contextId: lenientString(),
  limit: z.catch(z.optional(z.looseObject({ key: lenientString() })), undefined),
  error: lenientString(),
  error_description: lenientString(),
  description: lenientString(),
});
