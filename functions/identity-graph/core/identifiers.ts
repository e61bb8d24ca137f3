import { createHmac } from "node:crypto";
import { parsePhoneNumberFromString, CountryCode } from "libphonenumber-js";

/** Deterministic identifiers link with certainty; probabilistic ones only score a match. */
export const DETERMINISTIC_TYPES = ["ext", "crm", "email", "phone", "session", "conv"] as const;
export const PROBABILISTIC_TYPES = ["fp", "ip"] as const;
export type IdentifierType = (typeof DETERMINISTIC_TYPES)[number] | (typeof PROBABILISTIC_TYPES)[number];

/** Deterministic identifiers of a person (every deterministic type but the conversation). */
export const STRONG_TYPES: readonly IdentifierType[] = ["ext", "crm", "email", "phone", "session"];

/** The type part of a stored key `<type>#<hmac>`. */
export const typeOfKey = (key: string) => key.slice(0, key.indexOf("#")) as IdentifierType;

/** Identifiers that name a person (what erasure suppresses); `conv` only names a conversation. */
export const PERSONAL_TYPES: readonly IdentifierType[] = ["ext", "crm", "email", "phone", "session", "fp", "ip"];

export interface RawIdentifier {
  readonly type: IdentifierType;
  readonly value: string;
}

export interface Identifier extends RawIdentifier {
  /** `<type>#<hmac>`: the only form stored; the clear value never leaves the process. */
  readonly key: string;
}

export type Normalized = { ok: true; value: string } | { ok: false; reason: string };

/** Longest identifier value accepted (trimmed); longer values are dropped before any parsing. */
export const MAX_IDENTIFIER_LENGTH = 256;
/** RFC 5321: a path is at most 256 octets including the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

const WHITESPACE = /\s/;

/**
 * Lower-cased address with one `@`, a non-empty local part and a domain with a dot inside it, no white
 * space. Checked in linear time on a bounded length (a backtracking pattern spent 31.7 s on a crafted
 * 240 KB value).
 */
export function normalizeEmail(raw: string): Normalized {
  const value = raw.trim().replace(/^mailto:/i, "").toLowerCase();
  if (value.length > MAX_EMAIL_LENGTH) return { ok: false, reason: `email is longer than ${MAX_EMAIL_LENGTH} characters` };
  const at = value.indexOf("@");
  const domain = value.slice(at + 1);
  const dot = domain.indexOf(".", 1);
  const valid = at > 0 && value.indexOf("@", at + 1) === -1 && dot !== -1 && dot < domain.length - 1 && !WHITESPACE.test(value);
  return valid ? { ok: true, value } : { ok: false, reason: "email is not a valid address" };
}

export function normalizePhone(raw: string, defaultRegion: string): Normalized {
  const trimmed = raw.trim();
  if (trimmed.length > MAX_IDENTIFIER_LENGTH) return { ok: false, reason: `phone is longer than ${MAX_IDENTIFIER_LENGTH} characters` };
  const cleaned = trimmed.replace(/^tel:/i, "").replace(/^sip:/i, "").split(/[;@]/)[0] ?? "";
  const phone = parsePhoneNumberFromString(cleaned, defaultRegion as CountryCode);
  return phone?.isValid() ? { ok: true, value: phone.number } : { ok: false, reason: "phone is not a valid number" };
}

/** Normalizes an identifier's value for its type, or says why it is dropped. */
export function normalizeIdentifier(type: IdentifierType, raw: string, defaultPhoneRegion: string): Normalized {
  switch (type) {
    case "email":
      return normalizeEmail(raw);
    case "phone":
      return normalizePhone(raw, defaultPhoneRegion);
    default: {
      const value = raw.trim();
      if (!value) return { ok: false, reason: `${type} is empty` };
      if (value.length > MAX_IDENTIFIER_LENGTH) return { ok: false, reason: `${type} is longer than ${MAX_IDENTIFIER_LENGTH} characters` };
      return { ok: true, value: type === "ip" ? value.toLowerCase() : value };
    }
  }
}

/** Keyed hashing of identifiers (HMAC-SHA256 with a secret key), so the graph stores no clear PII. */
export class IdentifierHasher {
  constructor(private readonly key: string | Buffer) {
    if (!key || key.length < 16) throw new Error("the identifier hashing key must be at least 16 bytes");
  }

  identify(raw: RawIdentifier): Identifier {
    const digest = createHmac("sha256", this.key).update(`${raw.type}:${raw.value}`).digest("base64url");
    return { ...raw, key: `${raw.type}#${digest}` };
  }
}
