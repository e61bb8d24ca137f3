import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { Deadline, DeadlineExceededError } from "../../shared/deadline";
import { DynamoIdentityStore } from "./dynamodb-store";
import { IdentifierHasher } from "./identifiers";
import { IdentitySettings } from "./settings";

export interface IdentityRuntime {
  readonly store: DynamoIdentityStore;
  readonly settings: IdentitySettings;
  /**
   * The hashing key, read from Secrets Manager once per container (cached by Powertools). With a
   * deadline, waiting for it ends when the deadline passes (DeadlineExceededError, retriable).
   */
  hasher(deadline?: Deadline): Promise<IdentifierHasher>;
}

export function identityRuntime(env: { TABLE_NAME: string; HMAC_KEY_SECRET_ARN: string; IDENTITY_SETTINGS: IdentitySettings }): IdentityRuntime {
  const store = new DynamoIdentityStore(env.TABLE_NAME, new DynamoDBClient({}));
  let hasher: Promise<IdentifierHasher> | undefined;
  const load = () => {
    hasher ??= getSecret<string>(env.HMAC_KEY_SECRET_ARN, { maxAge: 3600 }).then((key) => {
      if (typeof key !== "string") throw new Error("the identifier hashing key secret is empty");
      return new IdentifierHasher(key);
    });
    hasher.catch(() => (hasher = undefined));
    return hasher;
  };
  return {
    store,
    settings: env.IDENTITY_SETTINGS,
    hasher: (deadline) => (deadline ? withinDeadline(load(), deadline, "reading the identifier hashing key") : load()),
  };
}

/** `work`, or DeadlineExceededError when the deadline passes first (the work itself goes on, its result cached for the next call). */
export async function withinDeadline<T>(work: Promise<T>, deadline: Deadline, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`no time left for ${what}`)), deadline.remainingMs());
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
