/**
 * Genesys permissions the project's own OAuth client needs, as role permission policies
 * (domain, entity, actions), one entry per API the functions call. The exact permission names for
 * some endpoints are not documented (marked UNCONFIRMED): this table is the one place to correct
 * them after a sandbox test.
 */
export interface GenesysPermission {
  readonly domain: string;
  readonly entityName: string;
  readonly actions: readonly string[];
}

export const GENESYS_PERMISSIONS = {
  /** PATCH .../participants/{pid}/attributes. UNCONFIRMED: the SDK lists no permission for plain attributes. */
  editParticipantAttributes: { domain: "conversation", entityName: "participant", actions: ["attributesEdit"] },
  /** GET /api/v2/conversations/emails/{id} and its messages. UNCONFIRMED name. */
  viewEmailConversations: { domain: "conversation", entityName: "email", actions: ["view"] },
  /** POST .../participants/{pid}/replace/queue (conversation:communication:blindTransferQueue). */
  blindTransferToQueue: { domain: "conversation", entityName: "communication", actions: ["blindTransferQueue"] },
  /** POST /api/v2/conversations/emails/agentless (conversation:agentlessEmail:send). */
  sendAgentlessEmail: { domain: "conversation", entityName: "agentlessEmail", actions: ["send"] },
} as const satisfies Record<string, GenesysPermission>;

export type GenesysPermissionName = keyof typeof GENESYS_PERMISSIONS;
