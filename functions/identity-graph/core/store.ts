/** What the resolver and the erasure need from storage (the table layout and its invariants: ./table.ts). */
import type { Deadline } from "../../shared/deadline";

export type Tier = "deterministic" | "probabilistic" | "anonymous";
export type Action = "created" | "matched" | "merged" | "duplicate" | "suppressed" | "ignored" | "invalid";

export interface Owner {
  readonly profileId: string;
  /** Kept on conversation owners: how that conversation's customer was resolved. */
  readonly tier?: Tier;
  readonly confidence?: number;
}

export interface EventOutcome {
  readonly action: Action;
  readonly profileId?: string;
  readonly tier?: Tier;
  readonly confidence?: number;
}

export interface WriteBackState {
  readonly participantId: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface CallOptions {
  /** Every request is abandoned (and fails as retriable) when the deadline passes. */
  readonly deadline?: Deadline;
}

/** Everything one event needs, read in one round trip. */
export interface Lookup {
  /** Set when this EventBridge event id already changed the graph: what it resolved to. */
  readonly processed?: EventOutcome;
  /** Identifier keys on the suppression list (erased customers). */
  readonly suppressed: ReadonlySet<string>;
  /** Identifier key -> the profile that owns it. */
  readonly owners: ReadonlyMap<string, Owner>;
  /** What was last written back to this conversation. */
  readonly writeBack?: WriteBackState;
}

export interface IndexEntry {
  readonly key: string;
  /** On conversation keys. */
  readonly conversationId?: string;
  readonly participantId?: string;
}

export interface ProfileContents {
  readonly profileId: string;
  readonly state: "live" | "merged" | "erasing";
  readonly mergedInto?: string;
  /** Deterministic when the profile holds a person's deterministic identifier, else as created. */
  readonly tier: Tier;
  readonly createdAt: string;
  /** Raised by every change of the profile's identifiers; merges and erasures condition on it. */
  readonly version: number;
  readonly entries: readonly IndexEntry[];
  readonly identifierKeys: readonly string[];
  readonly conversations: ReadonlyArray<{ conversationId: string; participantId?: string }>;
}

/** The event's conversation and how its customer was resolved (kept on the conversation's owner item). */
export interface ConversationResolution {
  readonly key: string;
  readonly conversationId: string;
  readonly participantId?: string;
  readonly tier: Tier;
  readonly confidence: number;
  /** The profile already owns the conversation but its resolution changed. */
  readonly refresh: boolean;
  /** The conversation's resolution as read, when the profile owned it: still so at commit. */
  readonly read?: { readonly tier?: Tier; readonly confidence?: number };
}

/** One event's change of the graph, committed atomically (conditions: ./table.ts). */
export interface GraphChange {
  readonly eventId: string;
  readonly outcome: EventOutcome;
  /** The profile the event resolves to. */
  readonly profileId: string;
  /** Present when the event creates the profile. */
  readonly newProfile?: { readonly tier: Tier; readonly createdAt: string };
  /** Keys read as unowned: the profile takes them, on condition that they still are. */
  readonly claims: readonly string[];
  /** Device fingerprint and IP keys another profile owns: they move to the profile (the latest seen with them). */
  readonly observe: ReadonlyArray<{ readonly key: string; readonly from: string }>;
  /** Keys whose owner the resolution relied on (a probabilistic match): still so at commit. */
  readonly relied: ReadonlyArray<{ readonly key: string; readonly profileId: string }>;
  /** Profiles folded into the profile, with everything they held when read. */
  readonly merge: readonly ProfileContents[];
  /**
   * The event's keys the folded profiles own: the evidence for the merge. A merge too large for one
   * transaction moves them last, so that until it completes the event (redelivered) still names both.
   */
  readonly evidence: readonly string[];
  readonly conversation: ConversationResolution;
  /** Personal keys the change gives an owner: still not suppressed at commit. */
  readonly unsuppressed: readonly string[];
}

/** A concurrent writer changed what a resolution or erasure was based on: read again and retry. */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
  readonly transient = true;
  constructor(
    message: string,
    /** Profiles found being erased: finish their erasure before retrying. */
    readonly erasingProfiles: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface IdentityStore {
  /** One read: the event marker, each identifier's owner and suppression entry, the conversation's write-back state. */
  lookup(eventId: string, conversationId: string, identifierKeys: readonly string[], personalKeys: readonly string[], options?: CallOptions): Promise<Lookup>;
  /** The named profiles, read in one round trip (absent: no profile item). */
  profiles(profileIds: readonly string[], options?: CallOptions): Promise<ReadonlyMap<string, ProfileContents>>;
  /** Commits one event's change; returns the transactions made (more than one only for very large merges). ConflictError when a condition fails. */
  commit(change: GraphChange, options?: CallOptions): Promise<number>;
  /** Records an event that changes nothing (so that its redelivery is recognized); ConflictError when already recorded or its profile is no longer live. */
  recordOutcome(eventId: string, outcome: EventOutcome, options?: CallOptions): Promise<void>;
  /** Remembers what was written back to conversations, so the same attributes are not written again. */
  saveWriteBacks(entries: ReadonlyArray<{ conversationId: string; state: WriteBackState }>, options?: CallOptions): Promise<void>;
  /** The owner of one identifier key. */
  ownerOf(identifierKey: string, options?: CallOptions): Promise<Owner | undefined>;
  /** Suppresses a key no profile owns (ConflictError if one does by now). */
  suppressUnowned(identifierKey: string, options?: CallOptions): Promise<void>;
  /**
   * Erases a profile as read: suppresses its personal keys (and `requestedKey`), deletes its identifiers
   * and its profile item. Resumes an erasure that was cut off. ConflictError when the profile changed.
   */
  eraseProfile(contents: ProfileContents, requestedKey: string | undefined, options?: CallOptions): Promise<void>;
}
