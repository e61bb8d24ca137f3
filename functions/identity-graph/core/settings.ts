import { isSupportedCountry } from "libphonenumber-js";
import * as z from "zod";

/**
 * Identity resolution settings, defined once: the environment configuration embeds this schema
 * and the resolver Lambda parses the same JSON from its environment.
 */
export const identitySettingsSchema = z.strictObject({
  /** Region for phone numbers written without a country code (ISO 3166-1 alpha-2). */
  defaultPhoneRegion: z
    .string()
    .refine((code) => /^[A-Z]{2}$/.test(code) && isSupportedCountry(code), "must be an ISO 3166-1 alpha-2 country code with a telephone numbering plan, such as US")
    .default("US"),
  /** Names of the participant attributes that carry identifiers. */
  attributeKeys: z
    .strictObject({
      email: z.string().min(1).default("email"),
      phone: z.string().min(1).default("phone"),
      crmId: z.string().min(1).default("crmId"),
      deviceFingerprint: z.string().min(1).default("deviceFingerprint"),
      ipAddress: z.string().min(1).default("ipAddress"),
    })
    .prefault({}),
  /** Device fingerprint plus IP: weights of each signal and the score needed to match a profile. */
  probabilistic: z
    .strictObject({
      threshold: z.number().gt(0).max(1).default(0.8),
      fingerprintWeight: z.number().min(0).max(1).default(0.7),
      ipWeight: z.number().min(0).max(1).default(0.3),
    })
    .prefault({}),
});

export type IdentitySettings = z.output<typeof identitySettingsSchema>;
export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = identitySettingsSchema.parse({});

/** Participant attributes the resolver writes back; seeing only these on the attributes topic is our own echo. */
export const WRITE_BACK_KEYS = ["resolvedCustomerId", "identityTier", "identityConfidence"] as const;
