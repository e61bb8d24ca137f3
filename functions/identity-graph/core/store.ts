/** What the resolver needs from storage, in as few round trips as the design allows. */

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

export interface Lookup {
  /** Set when this EventBridge event id was already processed: what it resolved to. */
  readonly processed?: EventOutcome;
  /** Identifier keys on the suppression list (erased customers). */
  readonly suppressed: ReadonlySet<string>;
  /** Identifier key -> the profile that owns it. */
  readonly owners: ReadonlyMap<string, Owner>;
  /** What was last written back to this conversation. */
  readonly writeBack?: WriteBackState;
}

export interface ProfileContents {
  readonly profileId: string;
  readonly tier: Tier;
  readonly createdAt: string;
  readonly identifierKeys: readonly string[];
  readonly conversations: ReadonlyArray<{ conversationId: string; participantId?: string }>;
}

export interface Commit {
  readonly eventId: string;
  readonly outcome: EventOutcome;
  readonly profileId: string;
  /** Present when the event creates the profile. */
  readonly newProfile?: { tier: Tier; createdAt: string };
  /**
   * Deterministic keys to take for the profile, each with one conditional write that succeeds only
   * if the key is still unowned (or already the profile's). A lost race is a ConflictError: the
   * event is resolved again and finds the other owner (a match, or a merge).
   */
  readonly claim: readonly string[];
  /** Keys of the event the profile already owns; their index entries are rewritten (healing an interrupted commit). */
  readonly keep: readonly string[];
  /** Probabilistic keys (device fingerprint, IP): the latest profile seen with them. */
  readonly observe: readonly string[];
  /** Profiles folded into `profileId`, with everything they hold. */
  readonly merge: readonly ProfileContents[];
  /**
   * The event's conversation; its owner entry carries how that conversation's customer was resolved.
   * `refresh`: the profile already owns it, but the resolution changed.
   */
  readonly conversation: { conversationId: string; key: string; participantId?: string; tier: Tier; confidence: number; refresh: boolean };
}

/** A concurrent writer changed what this commit was based on: resolve again. */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
}

/**
 * Storage of the identity graph. Implementations use single-item conditional writes (DynamoDB, and
 * dynalite locally, which has no transactions), ordered so a crash part-way leaves nothing a
 * redelivery of the event cannot finish: ownership is claimed first, the event marker written last.
 */
export interface IdentityStore {
  /** One read: the event marker, every identifier's owner and suppression entry, and the conversation's write-back state. */
  lookup(eventId: string, identifierKeys: readonly string[], conversationId: string): Promise<Lookup>;
  /** Everything a profile holds (for merges and erasure). */
  profileContents(profileId: string): Promise<ProfileContents | undefined>;
  /** Records the event's effect on the graph, then the event. Returns the requests it made. */
  commit(commit: Commit): Promise<number>;
  /** Records the event only (suppressed or ignored events), so a redelivery is a duplicate. */
  markProcessed(eventId: string, outcome: EventOutcome): Promise<void>;
  saveWriteBack(conversationId: string, state: WriteBackState): Promise<void>;
  /** The owner of one identifier key. */
  ownerOf(identifierKey: string): Promise<Owner | undefined>;
  /** Deletes a profile with its identifiers and links, and suppresses the given keys. */
  erase(contents: ProfileContents | undefined, suppress: readonly string[]): Promise<void>;
}
