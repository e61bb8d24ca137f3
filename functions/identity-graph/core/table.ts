/**
 * The identity graph's DynamoDB table: keys and item shapes, defined once for the store, the construct
 * and the tests. No SDK import (the construct reads TABLE_KEYS during synth).
 *
 *   pk               sk          item
 *   ID#<key>         OWNER       the identifier's owner: profileId; on conversation keys also tier, confidence
 *   PROFILE#<id>     #PROFILE    the profile item: tier, createdAt, version; mergedInto (merged away) or erasing
 *   PROFILE#<id>     ID#<key>    index entry of an identifier the profile owns; on conversation keys
 *                                conversationId, participantId
 *   SUPPRESS#<key>   SUPPRESS    an erased identifier (suppressedAt)
 *   EVENT#<id>       EVENT       outcome of an event that changed the graph (expiresAt: TTL)
 *   CONV#<id>        WRITEBACK   participantId, attributes last written back to the conversation
 *
 * `<key>` is `<type>#<base64url HMAC-SHA256>` of the normalized identifier: no identifier is stored in
 * clear text. The profile item's sort key `#PROFILE` sorts before every `ID#` entry, so a Query of a
 * profile reads it first (see `version` below).
 *
 * Invariants (hold after every committed transaction; tested by test/support/identity-invariants.ts):
 *
 *  I1. Every identifier is owned by exactly one live profile: each OWNER item names a profile whose
 *      profile item exists and is neither merged away nor (but for a running erasure) being erased.
 *  I2. The index is exact: PROFILE#p / ID#k exists if and only if ID#k / OWNER names p. So no conversation
 *      (nor any identifier) is owned by a merged-away profile: a merged profile keeps only its profile
 *      item, with `mergedInto` naming the survivor.
 *  I3. An erased identifier is never matched or recreated: no OWNER item exists for a key that has a
 *      SUPPRESS item. Every transaction that gives a personal key an owner checks, in the same
 *      transaction, that the key is not suppressed; an erasure suppresses and deletes in one.
 *  I4. Every profile has its profile item: created in the transaction that gives the profile its first
 *      identifier, deleted only in the transaction that deletes its last.
 *  I5. Duplicates are no-ops: an event that changes the graph writes its EVENT item in the same
 *      transaction, on condition that it does not exist; a redelivery reads it and writes nothing. An
 *      event that would change nothing writes nothing, but for its EVENT item (on condition that its
 *      profile is live) when a later redelivery could change the graph: one that carries a device
 *      fingerprint or IP (seen with someone else since) or names no person (its conversation freed by an
 *      erasure). A person's identifiers move only with their whole profile (a merge) or are suppressed
 *      with it (an erasure), so an event of them alone finds the graph as it left it, or them suppressed.
 *  I6. Every live profile owns at least one conversation (profiles are created for a conversation, and
 *      conversations move only with merges).
 *
 * How the writes keep them: every change of the graph is one TransactWriteItems (all or nothing), whose
 * conditions re-check everything the resolution was planned on: the profile it resolves to is live
 * (`attribute_exists(pk) AND attribute_not_exists(mergedInto) AND attribute_not_exists(erasing)`), each
 * claimed key is unowned and not suppressed, each moved key is still owned by the profile it moves from,
 * and each profile whose identifiers were read for a merge or an erasure still has the `version` that was
 * read. `version` is raised by every transaction that changes a profile's identifiers. A crash leaves the
 * graph as before or after a transaction, never between. A merge or erasure too large for one transaction
 * (DynamoDB allows 100 actions) is a sequence of transactions, each leaving a graph that satisfies I1-I6:
 * a merge moves identifiers from the merged profile to the survivor in chunks, both staying live, and
 * marks the merged profile last; an erasure first marks the profile `erasing` (no resolver writes to it
 * from then on), then suppresses and deletes its identifiers in chunks, and deletes the profile item last.
 * A resolver that meets an `erasing` profile finishes that erasure before it goes on.
 */

export const TABLE_KEYS = { partition: "pk", sort: "sk", ttl: "expiresAt" } as const;

/** How long an event's outcome is kept to recognize its redelivery (SQS keeps a message at most 14 days). */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

/** DynamoDB's limit of actions in one TransactWriteItems (and items in one TransactGetItems). */
export const MAX_TRANSACTION_ITEMS = 100;

/** Sort key of the profile item. */
export const PROFILE_ITEM = "#PROFILE";

export type Key = { readonly pk: string; readonly sk: string };

export const ownerKey = (identifierKey: string): Key => ({ pk: `ID#${identifierKey}`, sk: "OWNER" });
export const profileKey = (profileId: string): Key => ({ pk: `PROFILE#${profileId}`, sk: PROFILE_ITEM });
export const indexKey = (profileId: string, identifierKey: string): Key => ({ pk: `PROFILE#${profileId}`, sk: `ID#${identifierKey}` });
export const suppressionKey = (identifierKey: string): Key => ({ pk: `SUPPRESS#${identifierKey}`, sk: "SUPPRESS" });
export const eventKey = (eventId: string): Key => ({ pk: `EVENT#${eventId}`, sk: "EVENT" });
export const writeBackKey = (conversationId: string): Key => ({ pk: `CONV#${conversationId}`, sk: "WRITEBACK" });

/** The partition of a profile (its profile item and index entries). */
export const profilePartition = (profileId: string) => `PROFILE#${profileId}`;

/** The condition a profile item meets while the profile is live. */
export const LIVE_PROFILE = "attribute_exists(pk) AND attribute_not_exists(mergedInto) AND attribute_not_exists(erasing)";
