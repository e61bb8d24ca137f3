import { DETERMINISTIC_TYPES, Identifier, IdentifierType, PERSONAL_TYPES, PROBABILISTIC_TYPES, STRONG_TYPES, typeOfKey } from "./identifiers";
import { IdentitySettings } from "./settings";
import { ConflictError, EventOutcome, GraphChange, Lookup, ProfileContents, Tier } from "./store";

/** One event, parsed and hashed: what planning needs besides the graph. */
export interface PlanningEvent {
  readonly eventId: string;
  readonly conversationId: string;
  readonly participantId?: string;
  readonly isCustomerStart: boolean;
  /** Hashed identifiers, the conversation's among them. */
  readonly identifiers: readonly Identifier[];
}

export interface PlanningContext {
  readonly settings: IdentitySettings;
  readonly newProfileId: () => string;
  readonly now: () => Date;
}

export type Plan =
  /** The outcome, and the change to commit (none when the graph already says it all). */
  | {
      readonly kind: "resolved";
      readonly outcome: EventOutcome;
      /** The change to commit, with the event. */
      readonly change?: GraphChange;
      /**
       * Nothing changes, but the event is recorded: its redelivery, maybe after the graph moved on (a device
       * seen with someone else since), must be recognized as a duplicate rather than resolved again.
       * False when a redelivery would change nothing either: nothing is written.
       */
      readonly record?: boolean;
      readonly dropped: Dropped;
    }
  /** A merge: the profiles' contents are needed (one more read), then plan again. */
  | { readonly kind: "read-profiles"; readonly profileIds: readonly string[] };

export type Dropped = ReadonlyArray<{ type: IdentifierType; reason: string }>;

const TIER_RANK: Record<Tier, number> = { deterministic: 2, probabilistic: 1, anonymous: 0 };
const isDeterministic = (id: Identifier) => (DETERMINISTIC_TYPES as readonly string[]).includes(id.type);
const isProbabilistic = (id: Identifier) => (PROBABILISTIC_TYPES as readonly string[]).includes(id.type);
const isStrong = (id: Identifier) => STRONG_TYPES.includes(id.type);
const isPersonal = (id: Identifier) => PERSONAL_TYPES.includes(id.type);

/** True when storage cannot change the outcome: an attributes or contact event that names nobody is ignored unread. */
export function isIgnorable(event: PlanningEvent): boolean {
  return !event.isCustomerStart && !event.identifiers.some(isPersonal);
}

/** The merge survivor: the best-resolved profile, then the oldest. */
export function survivorOf(profiles: readonly ProfileContents[]): ProfileContents {
  return [...profiles].sort(
    (a, b) => TIER_RANK[b.tier] - TIER_RANK[a.tier] || a.createdAt.localeCompare(b.createdAt) || a.profileId.localeCompare(b.profileId),
  )[0]!;
}

/**
 * Resolution as a pure step: the event, what the lookup read (and, for a merge, the profiles' contents)
 * -> the outcome and the change that records it. Deterministic identifiers first (a merge when they name
 * two profiles), then device fingerprint + IP scored against a threshold (never merging two profiles that
 * hold a person's deterministic identifiers), then a new anonymous profile. Suppressed identifiers are
 * stripped first. Throws ConflictError when the profiles read contradict the lookup (a concurrent change).
 */
export function planResolution(event: PlanningEvent, lookup: Lookup, context: PlanningContext, profiles?: ReadonlyMap<string, ProfileContents>): Plan {
  if (lookup.processed) return { kind: "resolved", outcome: { ...lookup.processed, action: "duplicate" }, dropped: [] };

  const suppressed = event.identifiers.filter((id) => lookup.suppressed.has(id.key));
  const dropped = suppressed.map((id) => ({ type: id.type, reason: `${id.type} is suppressed (erased)` }));
  const usable = event.identifiers.filter((id) => !lookup.suppressed.has(id.key));
  const personal = usable.filter(isPersonal);
  if (personal.length === 0 && (suppressed.length > 0 || !event.isCustomerStart)) {
    return { kind: "resolved", outcome: { action: suppressed.length > 0 ? "suppressed" : "ignored" }, dropped };
  }

  const ownerOf = (id: Identifier) => lookup.owners.get(id.key)?.profileId;
  const conversation = usable.find((id) => id.type === "conv")!;
  const viaConversation = lookup.owners.get(conversation.key);
  const deterministic = usable.filter(isDeterministic);
  const strong = deterministic.filter(isStrong);
  const probabilistic = usable.filter(isProbabilistic);
  const owners = [...new Set(deterministic.flatMap((id) => ownerOf(id) ?? []))];
  const probable = strong.length === 0 ? bestProbabilisticMatch(probabilistic, lookup, context.settings) : undefined;

  const contentsOf = (ids: readonly string[]): ProfileContents[] | undefined => {
    if (!profiles) return undefined;
    return ids.map((profileId) => {
      const contents = profiles.get(profileId);
      if (contents?.state === "erasing") throw new ConflictError("a profile of the event is being erased", [profileId]);
      if (!contents || contents.state !== "live") throw new ConflictError("a profile of the event was merged or erased since it was read");
      return contents;
    });
  };

  let profileId: string;
  let outcome: EventOutcome;
  let newProfile: GraphChange["newProfile"];
  let merge: ProfileContents[] = [];
  let relied: GraphChange["relied"] = [];
  if (owners.length === 0 && probable) {
    profileId = probable.profileId;
    outcome = { action: "matched", profileId, tier: "probabilistic", confidence: probable.score };
    relied = probable.keys.map((key) => ({ key, profileId }));
  } else if (owners.length === 0) {
    profileId = context.newProfileId();
    const tier: Tier = strong.length ? "deterministic" : "anonymous";
    newProfile = { tier, createdAt: context.now().toISOString() };
    outcome = { action: "created", profileId, tier, confidence: strong.length ? 1 : 0 };
  } else if (owners.length === 1 && probable && probable.profileId !== owners[0] && viaConversation?.tier === "anonymous") {
    // The conversation's placeholder profile is anonymous: fold it into the probable match, unless it
    // has come to hold a person's deterministic identifier (probabilistic evidence never merges those).
    const placeholder = contentsOf(owners);
    if (!placeholder) return { kind: "read-profiles", profileIds: owners };
    if (placeholder[0]!.tier === "deterministic") {
      profileId = owners[0]!;
      outcome = { action: "matched", profileId, tier: viaConversation.tier, confidence: viaConversation.confidence ?? 0 };
    } else {
      profileId = probable.profileId;
      merge = placeholder;
      outcome = { action: "matched", profileId, tier: "probabilistic", confidence: probable.score };
      relied = probable.keys.filter((key) => !placeholder[0]!.identifierKeys.includes(key)).map((key) => ({ key, profileId }));
    }
  } else if (owners.length === 1) {
    profileId = owners[0]!;
    const tier: Tier = strong.length ? "deterministic" : (viaConversation?.tier ?? "anonymous");
    outcome = { action: "matched", profileId, tier, confidence: strong.length ? 1 : (viaConversation?.confidence ?? 0) };
  } else {
    const contents = contentsOf(owners);
    if (!contents) return { kind: "read-profiles", profileIds: owners };
    profileId = survivorOf(contents).profileId;
    merge = contents.filter((c) => c.profileId !== profileId);
    outcome = { action: "merged", profileId, tier: "deterministic", confidence: 1 };
  }

  const moved = new Set(merge.flatMap((m) => m.identifierKeys));
  const mergedAway = new Set(merge.map((m) => m.profileId));
  const claims = usable.filter((id) => (isDeterministic(id) || isProbabilistic(id)) && !ownerOf(id) && !moved.has(id.key)).map((id) => id.key);
  const observe = probabilistic
    .filter((id) => !moved.has(id.key) && ownerOf(id) !== undefined && ownerOf(id) !== profileId && !mergedAway.has(ownerOf(id)!))
    .map((id) => ({ key: id.key, from: ownerOf(id)! }));
  const refresh = viaConversation?.profileId === profileId && (viaConversation.tier !== outcome.tier || viaConversation.confidence !== outcome.confidence);
  if (!newProfile && claims.length === 0 && observe.length === 0 && merge.length === 0 && !refresh) {
    // Everything the event says is already in the graph. A person's identifiers stay together with their
    // profile (a merge moves them all) or are suppressed with it (an erasure), so a redelivery finds them so
    // and changes nothing. It could change the graph only through a device or IP seen with someone else
    // since, or, naming no person, through its conversation freed by an erasure: only then is it recorded.
    return { kind: "resolved", outcome, dropped, record: probabilistic.length > 0 || strong.length === 0 };
  }
  const change: GraphChange = {
    eventId: event.eventId,
    outcome,
    profileId,
    newProfile,
    claims,
    observe,
    relied,
    merge,
    evidence: usable.filter((id) => moved.has(id.key)).map((id) => id.key),
    conversation: {
      key: conversation.key,
      conversationId: event.conversationId,
      participantId: event.participantId,
      tier: outcome.tier!,
      confidence: outcome.confidence ?? 0,
      refresh,
      ...(viaConversation?.profileId === profileId ? { read: { tier: viaConversation.tier, confidence: viaConversation.confidence } } : {}),
    },
    unsuppressed: [...claims, ...observe.map((o) => o.key)].filter((key) => PERSONAL_TYPES.includes(typeOfKey(key))),
  };
  return { kind: "resolved", outcome, change, dropped };
}

/** The profile the device fingerprint and IP point to with a score at or over the threshold. */
function bestProbabilisticMatch(probabilistic: readonly Identifier[], lookup: Lookup, settings: IdentitySettings) {
  const scores = new Map<string, { score: number; keys: string[] }>();
  for (const id of probabilistic) {
    const owner = lookup.owners.get(id.key)?.profileId;
    if (!owner) continue;
    const weight = id.type === "fp" ? settings.probabilistic.fingerprintWeight : settings.probabilistic.ipWeight;
    const entry = scores.get(owner) ?? { score: 0, keys: [] };
    scores.set(owner, { score: entry.score + weight, keys: [...entry.keys, id.key] });
  }
  const [best] = [...scores].sort(([a, x], [b, y]) => y.score - x.score || a.localeCompare(b));
  if (!best || best[1].score < settings.probabilistic.threshold) return undefined;
  return { profileId: best[0], score: Math.min(1, Math.round(best[1].score * 100) / 100), keys: best[1].keys };
}
