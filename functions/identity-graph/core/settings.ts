import { isSupportedCountry } from "libphonenumber-js";
import * as z from "zod/mini";

/**
 * Identity resolution settings, defined once: the environment configuration embeds this schema
 * and the resolver Lambda parses the same JSON from its environment.
 */
export const identitySettingsSchema = z.strictObject({
  /** Region for phone numbers written without a country code (ISO 3166-1 alpha-2). */
  defaultPhoneRegion: z._default(
    z.string().check(z.refine((code) => /^[A-Z]{2}$/.test(code) && isSupportedCountry(code), "must be an ISO 3166-1 alpha-2 country code with a telephone numbering plan, such as US")),
    "US",
  ),
  /** Names of the participant attributes that carry identifiers. */
  attributeKeys: z.prefault(
    z.strictObject({
      email: z._default(z.string().check(z.minLength(1)), "email"),
      phone: z._default(z.string().check(z.minLength(1)), "phone"),
      crmId: z._default(z.string().check(z.minLength(1)), "crmId"),
      deviceFingerprint: z._default(z.string().check(z.minLength(1)), "deviceFingerprint"),
      ipAddress: z._default(z.string().check(z.minLength(1)), "ipAddress"),
    }),
    {},
  ),
  /** Device fingerprint plus IP: weights of each signal and the score needed to match a profile. */
  probabilistic: z.prefault(
    z.strictObject({
      threshold: z._default(z.number().check(z.gt(0), z.maximum(1)), 0.8),
      fingerprintWeight: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.7),
      ipWeight: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.3),
    }),
    {},
  ),
});

export type IdentitySettings = z.output<typeof identitySettingsSchema>;
export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = identitySettingsSchema.parse({});

/** Participant attributes the resolver writes back; seeing only these on the attributes topic is our own echo. */
export const WRITE_BACK_KEYS = ["resolvedCustomerId", "identityTier", "identityConfidence"] as const;
