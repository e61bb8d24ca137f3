import { assertTimeLeft, Deadline, DeadlineExceededError } from "../../shared/deadline";
import { finishErasure } from "./erase";
import { extractIdentifiers, IDENTITY_TOPIC_NAMES, IDENTITY_TOPICS, parseIdentityEnvelope } from "./events";
import { IdentifierHasher, IdentifierType, PERSONAL_TYPES } from "./identifiers";
import { isIgnorable, Plan, planResolution, PlanningEvent } from "./plan";
import { IdentitySettings, WRITE_BACK_KEYS } from "./settings";
import { ConflictError, EventOutcome, IdentityStore, WriteBackState } from "./store";

export interface ResolverDependencies {
  readonly store: IdentityStore;
  readonly hasher: IdentifierHasher;
  readonly settings: IdentitySettings;
  readonly newProfileId?: () => string;
  readonly now?: () => Date;
  /** Attempts when concurrent writers conflict (default 5). */
  readonly maxAttempts?: number;
  /** Waits between attempts (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the backoff's jitter (default Math.random). */
  readonly random?: () => number;
}

export interface ResolveOptions {
  /** No storage call starts or outlives it; an attempt that would is a DeadlineExceededError (retriable). */
  readonly deadline?: Deadline;
}

export interface Resolution extends EventOutcome {
  readonly eventId: string;
  readonly conversationId?: string;
  /** Attributes to write onto the customer participant, only when they differ from what was last written. */
  readonly writeBack?: WriteBackState;
  /** Identifiers dropped as invalid or suppressed, by type and reason (no values). */
  readonly dropped: ReadonlyArray<{ type: IdentifierType; reason: string }>;
  /** Storage round trips this event took (reads and transactions made one after another). */
  readonly roundTrips: number;
}

const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 400;

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

/**
 * Resolves one Genesys identity event to a profile: one batched read of everything the event needs, the
 * pure planning step (./plan.ts), and one transactional write of the change; a merge reads the profiles
 * it folds in between. When a concurrent writer changed what the plan was based on, the transaction
 * fails as a whole and the event is read and planned again (a few times, with jittered backoff, within
 * the deadline). An attributes event naming nobody, or our own write-back echoed back, touches no storage.
 */
export async function resolveEvent(candidate: unknown, deps: ResolverDependencies, options: ResolveOptions = {}): Promise<Resolution> {
  const envelope = parseIdentityEnvelope(candidate);
  const eventId = envelope.id;
  const conversationId = envelope.detail.eventBody.conversationId;
  const participantId = envelope.detail.eventBody.participantId;
  const base = { eventId, conversationId, dropped: [] as Resolution["dropped"], roundTrips: 0 };
  if (!IDENTITY_TOPIC_NAMES.includes(envelope["detail-type"])) return { ...base, action: "ignored" };

  const extraction = extractIdentifiers(envelope, deps.settings);
  if (extraction.echoOnly) return { ...base, action: "ignored", dropped: extraction.dropped };
  const event: PlanningEvent = {
    eventId,
    conversationId,
    participantId,
    isCustomerStart: envelope["detail-type"] === IDENTITY_TOPICS.customerStart,
    identifiers: extraction.identifiers.map((raw) => deps.hasher.identify(raw)),
  };
  if (isIgnorable(event)) return { ...base, action: "ignored", dropped: extraction.dropped };

  const { store } = deps;
  const { deadline } = options;
  const context = {
    settings: deps.settings,
    newProfileId: deps.newProfileId ?? (() => crypto.randomUUID()),
    now: deps.now ?? (() => new Date()),
  };
  const keys = event.identifiers.map((id) => id.key);
  const personalKeys = event.identifiers.filter((id) => PERSONAL_TYPES.includes(id.type)).map((id) => id.key);
  const maxAttempts = deps.maxAttempts ?? 5;
  let roundTrips = 0;

  for (let attempt = 1; ; attempt++) {
    assertTimeLeft(deadline, "resolving an identity event");
    const lookup = await store.lookup(eventId, conversationId, keys, personalKeys, { deadline });
    roundTrips++;
    try {
      let plan: Plan = planResolution(event, lookup, context);
      if (plan.kind === "read-profiles") {
        const profiles = await store.profiles(plan.profileIds, { deadline });
        roundTrips++;
        plan = planResolution(event, lookup, context, profiles);
        if (plan.kind === "read-profiles") throw new Error("planning asked for the profiles it was given");
      }
      if (plan.change) roundTrips += await store.commit(plan.change, { deadline });
      else if (plan.record) {
        await store.recordOutcome(eventId, plan.outcome, { deadline });
        roundTrips++;
      }
      // A redelivery may come after newer events of its conversation: write back how the conversation
      // stands now (its owner), never the redelivered event's older outcome.
      const conversationOwner = lookup.owners.get(event.identifiers.find((id) => id.type === "conv")?.key ?? "");
      const current = plan.outcome.action === "duplicate" ? { ...plan.outcome, ...conversationOwner } : plan.outcome;
      const writeBack = plan.outcome.action === "duplicate" && !conversationOwner ? undefined : desiredWriteBack(current, participantId, lookup.writeBack);
      return { ...base, ...plan.outcome, dropped: [...extraction.dropped, ...plan.dropped], roundTrips, ...(writeBack ? { writeBack } : {}) };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      for (const profileId of error.erasingProfiles) {
        try {
          roundTrips += await finishErasure(store, profileId, { deadline });
        } catch (finishing) {
          // Another writer (the erasure itself, or another resolver) is finishing it: read again.
          if (!(finishing instanceof ConflictError)) throw finishing;
        }
      }
      if (attempt >= maxAttempts) throw error;
      const delayMs = Math.floor((deps.random ?? Math.random)() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
      if (deadline && deadline.remainingMs() <= delayMs) throw new DeadlineExceededError(`no time left to retry after: ${error.message}`);
      await (deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(delayMs);
    }
  }
}
