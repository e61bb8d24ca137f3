/**
 * The Genesys permission each API call of `GenesysClient` needs, next to the API it serves: the one
 * place the functions' role gets its permissions from (the org set-up script creates the role from it,
 * the doctor checks the role against it).
 *
 * Source of every requirement: the Genesys Platform API reference as published in the JavaScript
 * platform SDK docs (MyPureCloud/platform-client-sdk-javascript 259.0.0, `build/docs/<Api>.md`, the
 * "Requires ANY/ALL/NO permissions" line of each operation). Where the reference accepts ANY of several
 * permissions, the narrowest is granted and the others are listed as alternatives (a role built by hand
 * with one of them also works).
 *
 * "Requires NO permissions" is what the reference says; whether Genesys applies a further runtime rule
 * for a client-credentials token (a division or participant check) is UNCONFIRMED: confirm it in a
 * sandbox with the least-privilege role (docs/genesys-setup.md, sandbox checklist).
 *
 * This module has no runtime dependencies: constructs and scripts import it at synth time.
 */
import type { GenesysClient } from "./client";

/** A Genesys permission as a role's permission policy names it: `domain:entityName:action`. */
export interface GenesysPermission {
  readonly domain: string;
  readonly entityName: string;
  readonly action: string;
}

export interface GenesysApiOperation {
  readonly method: "GET" | "POST" | "PATCH";
  readonly path: string;
  /** The narrowest permission the reference accepts; absent when it "Requires NO permissions". */
  readonly permission?: GenesysPermission;
  /** Other permissions the reference accepts instead ("Requires ANY permissions"). */
  readonly alternatives?: readonly GenesysPermission[];
  /** Where the requirement is documented. */
  readonly source: string;
}

/** The public methods of GenesysClient: every one must say which permission it needs. */
export type GenesysApiOperationName = {
  [K in keyof GenesysClient]: GenesysClient[K] extends (...args: never[]) => unknown ? K : never;
}[keyof GenesysClient];

const permission = (domain: string, entityName: string, action: string): GenesysPermission => ({ domain, entityName, action });

export const GENESYS_API_OPERATIONS = {
  getEmailConversation: {
    method: "GET",
    path: "/api/v2/conversations/emails/{conversationId}",
    source: "ConversationsApi.md getConversationsEmail: Requires NO permissions",
  },
  listEmailMessages: {
    method: "GET",
    path: "/api/v2/conversations/emails/{conversationId}/messages",
    source: "ConversationsApi.md getConversationsEmailMessages: Requires NO permissions",
  },
  getEmailMessage: {
    method: "GET",
    path: "/api/v2/conversations/emails/{conversationId}/messages/{messageId}",
    source: "ConversationsApi.md getConversationsEmailMessage: Requires NO permissions",
  },
  downloadAttachment: {
    // The attachment's contentUri is /api/v2/downloads/{downloadId}, which redirects to a signed URL
    // that takes no Genesys authorization at all.
    method: "GET",
    path: "/api/v2/downloads/{downloadId}",
    source: "DownloadsApi.md getDownload: Requires NO permissions",
  },
  patchParticipantAttributes: {
    // Plain participant attributes. (conversation:participant:attributesedit exists, but only for
    // .../secureattributes; "attributesEdit" with a capital E is not a documented action.)
    method: "PATCH",
    path: "/api/v2/conversations/{conversationId}/participants/{participantId}/attributes",
    source: "ConversationsApi.md patchConversationParticipantAttributes: Requires NO permissions",
  },
  replaceParticipantWithQueue: {
    method: "POST",
    path: "/api/v2/conversations/{conversationId}/participants/{participantId}/replace/queue",
    permission: permission("conversation", "communication", "blindTransferQueue"),
    alternatives: [permission("conversation", "communication", "blindTransfer")],
    source: "ConversationsApi.md postConversationParticipantReplaceQueue: Requires ANY of conversation:communication:blindTransfer, conversation:communication:blindTransferQueue",
  },
  sendAgentlessEmail: {
    method: "POST",
    path: "/api/v2/conversations/emails/agentless",
    permission: permission("conversation", "agentlessEmail", "send"),
    alternatives: [permission("conversation", "email", "create")],
    source: "ConversationsApi.md postConversationsEmailsAgentless: Requires ANY of conversation:email:create, conversation:agentlessEmail:send",
  },
} as const satisfies { readonly [K in GenesysApiOperationName]: GenesysApiOperation };

export const GENESYS_API_OPERATION_NAMES = Object.keys(GENESYS_API_OPERATIONS) as GenesysApiOperationName[];

/** `domain:entityName:action`. */
export function permissionName(p: GenesysPermission): string {
  return `${p.domain}:${p.entityName}:${p.action}`;
}

/** Parses `domain:entityName:action`; throws on anything else. */
export function parsePermission(name: string): GenesysPermission {
  const parts = name.split(":");
  if (parts.length !== 3 || parts.some((p) => p === "")) throw new Error(`"${name}" is not a permission of the form domain:entity:action`);
  return permission(parts[0]!, parts[1]!, parts[2]!);
}

/** The permissions a set of API operations needs: deduplicated, sorted by name. */
export function permissionsFor(operations: Iterable<GenesysApiOperationName>): GenesysPermission[] {
  const byName = new Map<string, GenesysPermission>();
  for (const name of operations) {
    const operation: GenesysApiOperation = GENESYS_API_OPERATIONS[name];
    if (operation === undefined) throw new Error(`unknown Genesys API operation "${String(name)}"`);
    if (operation.permission) byName.set(permissionName(operation.permission), operation.permission);
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p);
}

/** Role permission policies as Genesys takes them: one policy per domain and entity, actions merged. */
export function permissionPolicies(permissions: Iterable<GenesysPermission>): Array<{ domain: string; entityName: string; actionSet: string[] }> {
  const policies = new Map<string, { domain: string; entityName: string; actionSet: string[] }>();
  for (const p of permissions) {
    const key = `${p.domain}:${p.entityName}`;
    const policy = policies.get(key) ?? { domain: p.domain, entityName: p.entityName, actionSet: [] };
    if (!policy.actionSet.includes(p.action)) policy.actionSet.push(p.action);
    policies.set(key, policy);
  }
  return [...policies.values()]
    .map((p) => ({ ...p, actionSet: [...p.actionSet].sort() }))
    .sort((a, b) => `${a.domain}:${a.entityName}`.localeCompare(`${b.domain}:${b.entityName}`));
}

/** A role permission policy as Genesys returns it (domain, entity and actions may be `*`). */
export interface PermissionPolicyLike {
  readonly domain?: string;
  readonly entityName?: string;
  readonly actionSet?: readonly string[];
}

/** Whether the policies grant `wanted`. Names are matched exactly and case-sensitively, as the provider does. */
export function policiesGrant(policies: readonly PermissionPolicyLike[], wanted: GenesysPermission): boolean {
  return policies.some(
    (p) =>
      (p.domain === wanted.domain || p.domain === "*") &&
      (p.entityName === wanted.entityName || p.entityName === "*") &&
      (p.actionSet ?? []).some((a) => a === wanted.action || a === "*"),
  );
}

/** Whether the policies satisfy an operation's requirement (its permission or any alternative). */
export function policiesAllow(policies: readonly PermissionPolicyLike[], operation: GenesysApiOperationName): boolean {
  const op: GenesysApiOperation = GENESYS_API_OPERATIONS[operation];
  if (!op.permission) return true;
  return [op.permission, ...(op.alternatives ?? [])].some((p) => policiesGrant(policies, p));
}
