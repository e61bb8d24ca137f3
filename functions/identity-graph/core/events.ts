import * as z from "zod/mini";
import { Envelope, InvalidEventError, parseEnvelope } from "../../shared/genesys/event-envelope";
import { IdentifierType, MAX_IDENTIFIER_LENGTH, normalizeIdentifier, RawIdentifier } from "./identifiers";
import { IdentitySettings, WRITE_BACK_KEYS } from "./settings";

/** Genesys detail-event topics (as EventBridge `detail-type` templates) the identity graph consumes. */
export const IDENTITY_TOPICS = {
  customerStart: "v2.detail.events.conversation.{id}.customer.start",
  attributes: "v2.detail.events.conversation.{id}.attributes",
  contact: "v2.detail.events.conversation.{id}.contact",
} as const;
export const IDENTITY_TOPIC_NAMES: readonly string[] = Object.values(IDENTITY_TOPICS);

/** Longest event, conversation and participant id accepted: they become table keys (Genesys and EventBridge ids are 36-character UUIDs). */
export const MAX_ID_LENGTH = 256;
/** External contact ids read from one event; more are dropped (each is one more key to read and write). */
export const MAX_EXTERNAL_CONTACT_IDS = 10;

/**
 * A Genesys EventBridge envelope the identity graph can key: InvalidEventError (sent to the dead-letter
 * queue at once) when it is not one or an id is too long for a table key.
 */
export function parseIdentityEnvelope(candidate: unknown): Envelope {
  const envelope = parseEnvelope(candidate);
  const ids: Array<[string, string | undefined]> = [
    ["id", envelope.id],
    ["detail.eventBody.conversationId", envelope.detail.eventBody.conversationId],
    ["detail.eventBody.participantId", envelope.detail.eventBody.participantId],
  ];
  if (!envelope.detail.eventBody.conversationId.trim()) throw new InvalidEventError("not a Genesys EventBridge event: detail.eventBody.conversationId: blank");
  const tooLong = ids.filter(([, value]) => value !== undefined && value.length > MAX_ID_LENGTH).map(([field]) => field);
  if (tooLong.length > 0) throw new InvalidEventError(`not a Genesys EventBridge event: ${tooLong.map((field) => `${field}: longer than ${MAX_ID_LENGTH} characters`).join("; ")}`);
  return envelope;
}

const stringOrNothing = z.catch(z.optional(z.string()), undefined);
const customerFields = z.looseObject({
  mediaType: stringOrNothing,
  ani: stringOrNothing,
  addressFrom: stringOrNothing,
  externalContactId: stringOrNothing,
  conversationExternalContactIds: z.catch(z.optional(z.array(z.string())), undefined),
  journeyContext: z.catch(z.optional(z.looseObject({ sessionId: stringOrNothing })), undefined),
});
const attributeFields = z.looseObject({ attributes: z.catch(z.optional(z.record(z.string(), z.unknown())), undefined) });

export interface Extraction {
  readonly identifiers: RawIdentifier[];
  /** Identifiers dropped during normalization, with the reason (never the value). */
  readonly dropped: Array<{ type: IdentifierType; reason: string }>;
  /** Attribute events that carry nothing but our own write-back keys. */
  readonly echoOnly: boolean;
}

/** Which field of `addressFrom` means what depends on the media: email for email, a phone number for voice and SMS-like messaging. */
function addressType(mediaType: string | undefined, address: string): IdentifierType | undefined {
  // Too long to be either: named by its shape only, normalization drops it for its length.
  if (address.length > MAX_IDENTIFIER_LENGTH) return address.includes("@") ? "email" : "phone";
  if (/@/.test(address) && !/^sip:/i.test(address)) return "email";
  if (mediaType === "VOICE" || mediaType === "CALLBACK" || mediaType === "MESSAGE" || /^(tel:)?\+?[\d\s().-]{7,}$/.test(address)) return "phone";
  return undefined;
}

/** The raw identifiers an identity event carries, normalized; anything invalid is dropped with a reason. */
export function extractIdentifiers(envelope: Envelope, settings: IdentitySettings): Extraction {
  const body = envelope.detail.eventBody;
  const candidates: Array<{ type: IdentifierType; raw: string }> = [{ type: "conv", raw: body.conversationId }];
  const overflow: Extraction["dropped"] = [];
  let echoOnly = false;

  if (envelope["detail-type"] === IDENTITY_TOPICS.attributes) {
    const attributes = attributeFields.parse(body).attributes ?? {};
    const keys = settings.attributeKeys;
    const byType: Array<[IdentifierType, string]> = [
      ["email", keys.email],
      ["phone", keys.phone],
      ["crm", keys.crmId],
      ["fp", keys.deviceFingerprint],
      ["ip", keys.ipAddress],
    ];
    for (const [type, key] of byType) {
      const value = attributes[key];
      if (typeof value === "string" && value.trim()) candidates.push({ type, raw: value });
    }
    const present = Object.keys(attributes);
    const identityKeys = new Set(byType.map(([, key]) => key));
    echoOnly = present.some((k) => (WRITE_BACK_KEYS as readonly string[]).includes(k)) && !present.some((k) => identityKeys.has(k));
  } else {
    const fields = customerFields.parse(body);
    if (fields.ani) candidates.push({ type: "phone", raw: fields.ani });
    if (fields.addressFrom) {
      const type = addressType(fields.mediaType, fields.addressFrom);
      if (type && !(type === "phone" && fields.ani)) candidates.push({ type, raw: fields.addressFrom });
    }
    const externalIds = [...new Set([fields.externalContactId, ...(fields.conversationExternalContactIds ?? [])])].filter((id): id is string => !!id);
    for (const id of externalIds.slice(0, MAX_EXTERNAL_CONTACT_IDS)) candidates.push({ type: "ext", raw: id });
    if (externalIds.length > MAX_EXTERNAL_CONTACT_IDS) overflow.push({ type: "ext", reason: `more than ${MAX_EXTERNAL_CONTACT_IDS} external contact ids: the rest ignored` });
    if (fields.journeyContext?.sessionId) candidates.push({ type: "session", raw: fields.journeyContext.sessionId });
  }

  const identifiers: RawIdentifier[] = [];
  const dropped: Extraction["dropped"] = [...overflow];
  const seen = new Set<string>();
  for (const { type, raw } of candidates) {
    const normalized = normalizeIdentifier(type, raw, settings.defaultPhoneRegion);
    if (!normalized.ok) {
      dropped.push({ type, reason: normalized.reason });
    } else if (!seen.has(`${type}:${normalized.value}`)) {
      seen.add(`${type}:${normalized.value}`);
      identifiers.push({ type, value: normalized.value });
    }
  }
  return { identifiers, dropped, echoOnly };
}
