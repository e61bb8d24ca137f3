/**
 * The identity graph's invariants (functions/identity-graph/core/table.ts, I1-I6) checked on a scan of the
 * whole table, and a canonical form of the graph for comparing two runs up to profile id naming.
 */
import { STRONG_TYPES, typeOfKey } from "../../functions/identity-graph/core/identifiers";
import { PROFILE_ITEM } from "../../functions/identity-graph/core/table";

type Item = Record<string, unknown>;

interface Parsed {
  owners: Map<string, Item>;
  heads: Map<string, Item>;
  index: Map<string, Set<string>>;
  suppressed: Set<string>;
}

function parse(items: readonly Item[]): Parsed {
  const parsed: Parsed = { owners: new Map(), heads: new Map(), index: new Map(), suppressed: new Set() };
  for (const item of items) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (sk === "OWNER") parsed.owners.set(pk.slice("ID#".length), item);
    else if (sk === "SUPPRESS") parsed.suppressed.add(pk.slice("SUPPRESS#".length));
    else if (pk.startsWith("PROFILE#") && sk === PROFILE_ITEM) parsed.heads.set(pk.slice("PROFILE#".length), item);
    else if (pk.startsWith("PROFILE#") && sk.startsWith("ID#")) {
      const profileId = pk.slice("PROFILE#".length);
      parsed.index.set(profileId, (parsed.index.get(profileId) ?? new Set()).add(sk.slice(3)));
    }
  }
  return parsed;
}

const isLive = (head: Item | undefined) => !!head && !head.mergedInto && !head.erasing;

/** Every violation of I1-I6 on the table (empty when the graph is sound), each naming the items involved. */
export function invariantViolations(items: readonly Item[], options: { allowUnfinishedErasure?: boolean } = {}): string[] {
  const { owners, heads, index, suppressed } = parse(items);
  const violations: string[] = [];
  for (const [key, owner] of owners) {
    const profileId = String(owner.profileId);
    const head = heads.get(profileId);
    if (!head) violations.push(`I1/I4: ${key} is owned by ${profileId}, which has no profile item`);
    else if (head.mergedInto) violations.push(`I1/I2: ${key} is owned by ${profileId}, merged into ${String(head.mergedInto)}`);
    else if (head.erasing && !options.allowUnfinishedErasure) violations.push(`I1: ${key} is owned by ${profileId}, left being erased`);
    if (!index.get(profileId)?.has(key)) violations.push(`I2: ${key} is owned by ${profileId} but missing from its index`);
    if (suppressed.has(key)) violations.push(`I3: ${key} is suppressed but owned by ${profileId}`);
    if (key.startsWith("conv#") && (owner.tier === undefined || owner.confidence === undefined)) violations.push(`conversation ${key} has no resolution`);
  }
  for (const [profileId, keys] of index) {
    if (!heads.has(profileId)) violations.push(`I4: profile ${profileId} holds ${keys.size} index entries but no profile item`);
    for (const key of keys) {
      const owner = owners.get(key)?.profileId;
      if (owner !== profileId) violations.push(`I2: ${profileId}'s index lists ${key}, owned by ${owner === undefined ? "nobody" : String(owner)}`);
    }
  }
  for (const [profileId, head] of heads) {
    if (isLive(head) && ![...(index.get(profileId) ?? [])].some((key) => key.startsWith("conv#"))) violations.push(`I6: live profile ${profileId} owns no conversation`);
  }
  return violations;
}

/**
 * The graph up to profile ids: each live profile as its tier and sorted identifier keys (conversations with
 * their resolution), the profiles sorted; and the suppressed keys.
 */
export function canonicalGraph(items: readonly Item[]): { profiles: string[]; suppressed: string[] } {
  const { owners, heads, index, suppressed } = parse(items);
  const profiles = [...heads]
    .filter(([, head]) => isLive(head))
    .map(([profileId, head]) => {
      const keys = [...(index.get(profileId) ?? [])].sort();
      const tier = keys.some((key) => STRONG_TYPES.includes(typeOfKey(key))) ? "deterministic" : String(head.tier);
      const described = keys.map((key) => (key.startsWith("conv#") ? `${key}=${String(owners.get(key)?.tier)}/${String(owners.get(key)?.confidence)}` : key));
      return `${tier}: ${described.join(" ")}`;
    })
    .sort();
  return { profiles, suppressed: [...suppressed].sort() };
}
