import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { DynamoIdentityStore } from "./dynamodb-store";
import { IdentifierHasher } from "./identifiers";
import { IdentitySettings } from "./settings";

export interface IdentityRuntime {
  readonly store: DynamoIdentityStore;
  readonly settings: IdentitySettings;
  /** The hashing key is read from Secrets Manager once per container (cached by Powertools). */
  hasher(): Promise<IdentifierHasher>;
}

export function identityRuntime(env: { TABLE_NAME: string; HMAC_KEY_SECRET_ARN: string; IDENTITY_SETTINGS: IdentitySettings }): IdentityRuntime {
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
