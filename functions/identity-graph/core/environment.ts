import * as z from "zod/mini";
import { jsonVariable } from "../../shared/env";
import { identitySettingsSchema } from "./settings";

/** Variables shared by the identity functions: the graph's table, the identifier hashing key and the resolution settings. */
export const identityVariables = {
  TABLE_NAME: z.string().check(z.minLength(3)),
  HMAC_KEY_SECRET_ARN: z.string().check(z.startsWith("arn:")),
  IDENTITY_SETTINGS: jsonVariable(identitySettingsSchema, "identity settings"),
};
