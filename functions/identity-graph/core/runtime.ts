import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import * as z from "zod";
import { jsonVariable } from "../../shared/env";
import { DynamoIdentityStore } from "./dynamodb-store";
import { IdentifierHasher } from "./identifiers";
import { IdentitySettings, identitySettingsSchema } from "./settings";

/** Configuration shared by the identity functions, from their Lambda environment. */
export const identityEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(3),
  HMAC_KEY_SECRET_ARN: z.string().startsWith("arn:"),
  IDENTITY_SETTINGS: jsonVariable(identitySettingsSchema, "identity settings"),
});

export interface IdentityRuntime {
  readonly store: DynamoIdentityStore;
  readonly settings: IdentitySettings;
  /** The hashing key is read from Secrets Manager once per container (cached by Powertools). */
  hasher(): Promise<IdentifierHasher>;
}

export function identityRuntime(env: z.output<typeof identityEnvironmentSchema>): IdentityRuntime {
  const store = new DynamoIdentityStore(env.TABLE_NAME, new DynamoDBClient({}));
  let hasher: Promise<IdentifierHasher> | undefined;
  return {
    store,
    settings: env.IDENTITY_SETTINGS,
    hasher: () => {
      hasher ??= getSecret<string>(env.HMAC_KEY_SECRET_ARN, { maxAge: 3600 }).then((key) => {
        if (typeof key !== "string") throw new Error("the identifier hashing key secret is empty");
        return new IdentifierHasher(key);
      });
      hasher.catch(() => (hasher = undefined));
      return hasher;
    },
  };
}
