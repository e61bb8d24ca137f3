import { Envelope, parseEnvelope } from "../../shared/genesys/event-envelope";
import { extractIdentifiers, IDENTITY_TOPIC_NAMES, IDENTITY_TOPICS } from "./events";
import { DETERMINISTIC_TYPES, Identifier, IdentifierHasher, IdentifierType, PERSONAL_TYPES, PROBABILISTIC_TYPES, STRONG_TYPES } from "./identifiers";
import { IdentitySettings, WRITE_BACK_KEYS } from "./settings";
import { ConflictError, EventOutcome, IdentityStore, Lookup, ProfileContents, Tier, WriteBackState } from "./store";

export interface ResolverDependencies {
  readonly store: IdentityStore;
  readonly hasher: IdentifierHasher;
  readonly settings: IdentitySettings;
  readonly newProfileId?: () => string;
  readonly now?: () => Date;
  /** Attempts when concurrent writers conflict. Default 4. */
  readonly maxAttempts?: number;
}

export interface Resolution extends EventOutcome {
  readonly eventId: string;
  readonly conversationId?: string;
  /** Attributes to write onto the customer participant, only when they differ from what was last written. */
  readonly writeBack?: WriteBackState;
  /** Identifiers dropped as invalid or suppressed, by type and reason (no values). */
  readonly dropped: ReadonlyArray<{ type: IdentifierType; reason: string }>;
  /** Storage round trips this event took. */
  readonly roundTrips: number;
}

const TIER_RANK: Record<Tier, number> = { deterministic: 2, probabilistic: 1, anonymous: 0 };
const isDeterministic = (id: Identifier) => (DETERMINISTIC_TYPES as readonly string[]).includes(id.type);
const isProbabilistic = (id: Identifier) => (PROBABILISTIC_TYPES as readonly string[]).includes(id.type);
const isStrong = (id: Identifier) => STRONG_TYPES.includes(id.type);

function desiredWriteBack(outcome: EventOutcome, participantId: string | undefined, previous: WriteBackState | undefined): WriteBackState | undefined {
  if (!participantId || !outcome.profileId || !outcome.tier) return undefined;
  const [resolvedCustomerId, identityTier, identityConfidence] = WRITE_BACK_KEYS;
  const attributes = {
    [resolvedCustomerId]: outcome.profileId,
    [identityTier]: outcome.tier,
    [identityConfidence]: (outcome.confidence ?? 0).toFixed(2),
  };
  const unchanged = previous?.participantId === participantId && Object.entries(attributes).every(([k, v]) => previous.attributes[k] === v);
  return unchanged ? undefined : { participantId, attributes };
}

/** The merge survivor: the best-resolved profile, then the oldest. */
function survivorOf(profiles: readonly ProfileContents[]): ProfileContents {
  return [...profiles].sort(
    (a, b) => TIER_RANK[b.tier] - TIER_RANK[a.tier] || a.createdAt.localeCompare(b.createdAt) || a.profileId.localeCompare(b.profileId),
  )[0]!;
}

/**
 * Resolves one Genesys identity event to a profile: deterministic identifiers first (and a merge
 * when they name two profiles), then device fingerprint + IP scored against a threshold (never
 * merging), then a new anonymous profile. Suppressed identifiers are stripped before anything
 * else; a redelivered event is a no-op.
 */
export async function resolveEvent(candidate: unknown, deps: ResolverDependencies): Promise<Resolution> {
  const envelope: Envelope = parseEnvelope(candidate);
  const eventId = envelope.id;
  const conversationId = envelope.detail.eventBody.conversationId;
  const participantId = envelope.detail.eventBody.participantId;
  const base = { eventId, conversationId, dropped: [] as Resolution["dropped"], roundTrips: 0 };
  if (!IDENTITY_TOPIC_NAMES.includes(envelope["detail-type"])) return { ...base, action: "ignored" };

  const extraction = extractIdentifiers(envelope, deps.settings);
  if (extraction.echoOnly) return { ...base, action: "ignored", dropped: extraction.dropped };
  const identifiers = extraction.identifiers.map((raw) => deps.hasher.identify(raw));
  const conversation = identifiers.find((id) => id.type === "conv")!;
  const { store } = deps;
  const maxAttempts = deps.maxAttempts ?? 4;
  let roundTrips = 0;

  for (let attempt = 1; ; attempt++) {
    const lookup: Lookup = await store.lookup(eventId, identifiers.map((id) => id.key), conversationId);
    roundTrips++;
    if (lookup.processed) {
      const writeBack = desiredWriteBack(lookup.processed, participantId, lookup.writeBack);
      return { ...base, ...lookup.processed, action: "duplicate", writeBack, roundTrips, dropped: extraction.dropped };
    }

    const suppressed = identifiers.filter((id) => lookup.suppressed.has(id.key));
    const dropped = [...extraction.dropped, ...suppressed.map((id) => ({ type: id.type, reason: `${id.type} is suppressed (erased)` }))];
    const usable = identifiers.filter((id) => !lookup.suppressed.has(id.key));
    const personal = usable.filter((id) => PERSONAL_TYPES.includes(id.type));
    const record = async (outcome: EventOutcome): Promise<Resolution> => {
      await store.markProcessed(eventId, outcome);
      return { ...base, ...outcome, dropped, roundTrips: roundTrips + 1 };
    };
    if (suppressed.length > 0 && personal.length === 0) return record({ action: "suppressed" });

    const deterministic = usable.filter(isDeterministic);
    const owned = deterministic.filter((id) => lookup.owners.has(id.key));
    const owners = [...new Set(owned.map((id) => lookup.owners.get(id.key)!.profileId))];
    const strong = deterministic.filter(isStrong);
    const probabilistic = usable.filter(isProbabilistic);
    const isCustomerStart = envelope["detail-type"] === IDENTITY_TOPICS.customerStart;
    if (personal.length === 0 && !isCustomerStart) return record({ action: "ignored" });

    const bestProbabilisticMatch = (): { profileId: string; score: number } | undefined => {
      const scores = new Map<string, number>();
      for (const id of probabilistic) {
        const owner = lookup.owners.get(id.key);
        const weight = id.type === "fp" ? deps.settings.probabilistic.fingerprintWeight : deps.settings.probabilistic.ipWeight;
        if (owner) scores.set(owner.profileId, (scores.get(owner.profileId) ?? 0) + weight);
      }
      const [best] = [...scores].sort(([, a], [, b]) => b - a);
      return best && best[1] >= deps.settings.probabilistic.threshold ? { profileId: best[0], score: Math.min(1, Math.round(best[1] * 100) / 100) } : undefined;
    };
    /** What a profile holds, plus any of this event's keys it owns that its index lacks. */
    const contentsOf = (ids: readonly string[]): Promise<ProfileContents[]> =>
      Promise.all(
        ids.map(async (profileId) => {
          const owned = usable.filter((id) => lookup.owners.get(id.key)?.profileId === profileId).map((id) => id.key);
          let contents = await store.profileContents(profileId);
          roundTrips++;
          if (!contents) {
            // Merged away since the lookup (resolve again), or keys claimed by a commit that was cut
            // off before writing anything else: an empty profile that owns them.
            const owners = await Promise.all(owned.map((key) => store.ownerOf(key)));
            roundTrips += owned.length;
            if (!owners.some((o) => o?.profileId === profileId)) throw new ConflictError("a profile was merged away meanwhile");
            contents = { profileId, tier: "anonymous", createdAt: "", identifierKeys: [], conversations: [] };
          }
          return { ...contents, identifierKeys: [...new Set([...contents.identifierKeys, ...owned])] };
        }),
      );

    let outcome: EventOutcome;
    try {
      let profileId: string;
      let newProfile: { tier: Tier; createdAt: string } | undefined;
      let merge: ProfileContents[] = [];
      const probable = strong.length === 0 ? bestProbabilisticMatch() : undefined;
      const viaConversation = lookup.owners.get(conversation.key);

      if (owners.length === 0 && probable) {
        profileId = probable.profileId;
        outcome = { action: "matched", profileId, tier: "probabilistic", confidence: probable.score };
      } else if (owners.length === 0) {
        profileId = (deps.newProfileId ?? (() => crypto.randomUUID()))();
        const tier: Tier = strong.length ? "deterministic" : "anonymous";
        newProfile = { tier, createdAt: (deps.now ?? (() => new Date()))().toISOString() };
        outcome = { action: "created", profileId, tier, confidence: strong.length ? 1 : 0 };
      } else if (owners.length === 1 && probable && probable.profileId !== owners[0] && viaConversation?.tier === "anonymous") {
        // The conversation's placeholder profile is anonymous: fold it into the probable match.
        // Probabilistic evidence never merges two profiles that carry deterministic identifiers.
        profileId = probable.profileId;
        merge = await contentsOf(owners);
        outcome = { action: "matched", profileId, tier: "probabilistic", confidence: probable.score };
      } else if (owners.length === 1) {
        profileId = owners[0]!;
        const tier: Tier = strong.length ? "deterministic" : (viaConversation?.tier ?? "anonymous");
        outcome = { action: "matched", profileId, tier, confidence: strong.length ? 1 : (viaConversation?.confidence ?? 0) };
      } else {
        const contents = await contentsOf(owners);
        const survivor = survivorOf(contents);
        profileId = survivor.profileId;
        merge = contents.filter((c) => c.profileId !== profileId);
        outcome = { action: "merged", profileId, tier: "deterministic", confidence: 1 };
      }

      const movedKeys = new Set(merge.flatMap((m) => m.identifierKeys));
      roundTrips += await store.commit({
        eventId,
        outcome,
        profileId,
        newProfile,
        claim: deterministic.filter((id) => !lookup.owners.has(id.key) && !movedKeys.has(id.key)).map((id) => id.key),
        keep: usable.filter((id) => lookup.owners.get(id.key)?.profileId === profileId).map((id) => id.key),
        observe: probabilistic.map((id) => id.key).filter((key) => !movedKeys.has(key)),
        merge,
        conversation: {
          conversationId,
          key: conversation.key,
          participantId,
          tier: outcome.tier!,
          confidence: outcome.confidence ?? 0,
          refresh: viaConversation?.profileId === profileId && (viaConversation.tier !== outcome.tier || viaConversation.confidence !== outcome.confidence),
        },
      });
    } catch (error) {
      if (error instanceof ConflictError && attempt < maxAttempts) continue;
      throw error;
    }
    return { ...base, ...outcome, dropped, roundTrips, writeBack: desiredWriteBack(outcome, participantId, lookup.writeBack) };
  }
}
