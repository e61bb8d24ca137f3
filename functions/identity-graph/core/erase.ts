import { assertTimeLeft } from "../../shared/deadline";
import { IdentifierHasher, normalizeEmail, normalizePhone, PERSONAL_TYPES, typeOfKey } from "./identifiers";
import { IdentitySettings } from "./settings";
import { CallOptions, ConflictError, IdentityStore } from "./store";

export type ErasureRequest = { email: string; phone?: undefined } | { phone: string; email?: undefined };

export interface ErasureResult {
  readonly erased: boolean;
  readonly profileId?: string;
  readonly identifiers: number;
  readonly conversations: number;
  /** Identifier hashes now on the suppression list. */
  readonly suppressed: number;
}

/** A request that can never be erased (the identifier does not normalize): the reason names what is wrong. */
export class InvalidErasureRequestError extends Error {
  override readonly name = "InvalidErasureRequestError";
}

export interface ErasureDependencies {
  readonly store: IdentityStore;
  readonly hasher: IdentifierHasher;
  readonly settings: IdentitySettings;
  /** Attempts when a resolver changes the profile meanwhile (default 5). */
  readonly maxAttempts?: number;
}

/**
 * GDPR erasure: deletes the profile that owns an email or phone, with every identifier and conversation
 * it holds, and puts the profile's personal identifier hashes (and the one asked for) on the suppression
 * list in the same transactions, so later events carrying them never match or recreate it. An unknown
 * identifier is still suppressed. It wins any race with a resolver: a resolution planned on the profile
 * or on an unsuppressed identifier fails its conditions and is planned again, finding the suppression.
 */
export async function eraseIdentity(request: ErasureRequest, deps: ErasureDependencies, options: CallOptions = {}): Promise<ErasureResult> {
  const normalized = request.email !== undefined ? normalizeEmail(request.email) : normalizePhone(request.phone, deps.settings.defaultPhoneRegion);
  if (!normalized.ok) throw new InvalidErasureRequestError(`cannot erase: ${normalized.reason}`);
  const { key } = deps.hasher.identify({ type: request.email !== undefined ? "email" : "phone", value: normalized.value });
  const { store } = deps;
  const maxAttempts = deps.maxAttempts ?? 5;

  for (let attempt = 1; ; attempt++) {
    assertTimeLeft(options.deadline, "erasing an identity");
    try {
      const owner = await store.ownerOf(key, options);
      if (!owner) {
        await store.suppressUnowned(key, options);
        return { erased: false, identifiers: 0, conversations: 0, suppressed: 1 };
      }
      const contents = (await store.profiles([owner.profileId], options)).get(owner.profileId);
      if (!contents || contents.state === "merged") throw new ConflictError("the profile was merged or erased since its identifier was read");
      await store.eraseProfile(contents, key, options);
      const personal = contents.identifierKeys.filter((k) => PERSONAL_TYPES.includes(typeOfKey(k)));
      return {
        erased: true,
        profileId: contents.profileId,
        identifiers: contents.identifierKeys.length,
        conversations: contents.conversations.length,
        suppressed: new Set([key, ...personal]).size,
      };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= maxAttempts) throw error;
      const delayMs = Math.floor(Math.random() * Math.min(400, 20 * 2 ** attempt));
      assertTimeLeft(options.deadline, "retrying an erasure", delayMs + 1);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** Finishes the erasure of a profile found marked `erasing` (its erasure was cut off). Returns the round trips made. */
export async function finishErasure(store: IdentityStore, profileId: string, options: CallOptions = {}): Promise<number> {
  const contents = (await store.profiles([profileId], options)).get(profileId);
  if (contents?.state !== "erasing") return 1;
  await store.eraseProfile(contents, undefined, options);
  return 2;
}
