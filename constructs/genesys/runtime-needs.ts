import { Environment } from "../../config/environment";
import { IDENTITY_TOPIC_NAMES } from "../../functions/identity-graph/core/events";
import { GENESYS_API_OPERATION_NAMES, GenesysApiOperationName, GenesysPermission, permissionsFor } from "../../functions/shared/genesys/permissions";
import { ACD_START_TOPIC } from "../../functions/attachment-routing/core/events";
import { Naming } from "../naming";

/**
 * What a capability needs from Genesys at run time: the event topics streamed to it and the Platform
 * API operations its functions call (permissions follow from the operations, see
 * functions/shared/genesys/permissions.ts). test/infrastructure/genesys-access.synth.test.ts checks each
 * declaration against the calls the capability's functions really make.
 */
export interface GenesysRuntimeNeeds {
  readonly topics: readonly string[];
  readonly apiOperations: readonly GenesysApiOperationName[];
}

/** Identity graph: identity events in, the resolved reference written back onto the participant. */
export const IDENTITY_GRAPH_GENESYS_NEEDS: GenesysRuntimeNeeds = {
  topics: IDENTITY_TOPIC_NAMES,
  apiOperations: ["patchParticipantAttributes"],
};

/** Attachment routing: `acd.start` on the triage queue in; read the email, download, write, move, reply. */
export const ATTACHMENT_ROUTING_GENESYS_NEEDS: GenesysRuntimeNeeds = {
  topics: [ACD_START_TOPIC],
  apiOperations: [
    "getEmailConversation",
    "listEmailMessages",
    "getEmailMessage",
    "downloadAttachment",
    "patchParticipantAttributes",
    "replaceParticipantWithQueue",
    "sendAgentlessEmail",
  ],
};

/** The union of several capabilities' needs, deduplicated and in a stable order. */
export function unionOfNeeds(needs: readonly GenesysRuntimeNeeds[]): GenesysRuntimeNeeds {
  const operations = new Set(needs.flatMap((n) => n.apiOperations));
  return {
    topics: [...new Set(needs.flatMap((n) => n.topics))].sort(),
    apiOperations: GENESYS_API_OPERATION_NAMES.filter((name) => operations.has(name)),
  };
}

/** The needs of the capabilities an environment enables. */
export function environmentGenesysNeeds(environment: Pick<Environment, "identityGraph" | "attachmentRouting">): GenesysRuntimeNeeds {
  return unionOfNeeds([
    ...(environment.identityGraph.enabled ? [IDENTITY_GRAPH_GENESYS_NEEDS] : []),
    ...(environment.attachmentRouting.enabled ? [ATTACHMENT_ROUTING_GENESYS_NEEDS] : []),
  ]);
}

/**
 * How the functions reach the Genesys API in one environment: the OAuth client the stack creates, and
 * the role it holds, which the one-time org set-up (`npm run genesys:setup -- <env>`) creates with
 * exactly `permissions` and grants to Terraform's own OAuth client (see docs/genesys-setup.md).
 */
export interface FunctionsApiAccess {
  /** `none`: no enabled capability calls the API; `existing-client`: genesys.apiClientSecretArn names one. */
  readonly kind: "none" | "existing-client" | "managed-client";
  readonly clientName: string;
  readonly roleName: string;
  readonly operations: readonly GenesysApiOperationName[];
  readonly permissions: readonly GenesysPermission[];
}

export function functionsApiAccess(environment: Environment): FunctionsApiAccess {
  const naming = new Naming(environment.namePrefix, environment.name);
  const operations = environmentGenesysNeeds(environment).apiOperations;
  const name = naming.name("functions");
  return {
    kind: operations.length === 0 ? "none" : environment.genesys.apiClientSecretArn ? "existing-client" : "managed-client",
    clientName: name,
    roleName: name,
    operations,
    permissions: permissionsFor(operations),
  };
}
