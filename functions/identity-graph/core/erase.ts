import { IdentifierHasher, normalizeEmail, normalizePhone, PERSONAL_TYPES } from "./identifiers";
import { IdentitySettings } from "./settings";
import { IdentityStore } from "./store";

export type ErasureRequest = { email: string; phone?: undefined } | { phone: string; email?: undefined };

export interface ErasureResult {
  readonly erased: boolean;
  readonly profileId?: string;
  readonly identifiers: number;
  readonly conversations: number;
  /** Identifier hashes now on the suppression list. */
  readonly suppressed: number;
}

/**
 * GDPR erasure: deletes the profile that owns an email or phone, with its identifiers and
 * conversation links, and puts every personal identifier hash of it on the suppression list so
 * later events carrying them never recreate it. An unknown identifier is still suppressed.
 */
export async function eraseIdentity(
  request: ErasureRequest,
  deps: { store: IdentityStore; hasher: IdentifierHasher; settings: IdentitySettings },
): Promise<ErasureResult> {
  const normalized = request.email !== undefined ? normalizeEmail(request.email) : normalizePhone(request.phone, deps.settings.defaultPhoneRegion);
  if (!normalized.ok) throw new Error(`cannot erase: ${normalized.reason}`);
  const { key } = deps.hasher.identify({ type: request.email !== undefined ? "email" : "phone", value: normalized.value });
  const owner = await deps.store.ownerOf(key);
  const contents = owner ? await deps.store.profileContents(owner.profileId) : undefined;
  const personal = (contents?.identifierKeys ?? []).filter((k) => PERSONAL_TYPES.some((type) => k.startsWith(`${type}#`)));
  const suppress = [...new Set([key, ...personal])];
  await deps.store.erase(contents, suppress);
  return {
    erased: contents !== undefined,
    profileId: contents?.profileId,
    identifiers: contents?.identifierKeys.length ?? 0,
    conversations: contents?.conversations.length ?? 0,
    suppressed: suppress.length,
  };
}
