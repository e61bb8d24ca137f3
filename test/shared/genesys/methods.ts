import { GenesysClient, RequestOptions } from "../../../functions/shared/genesys/client";
import { GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID } from "./harness";

/** One public GenesysClient method, called against the fake's `triageEmail()` conversation. */
export interface MethodUnderTest {
  name: string;
  /** The route its (first) request goes to, as a fake matcher `"METHOD /path"`. */
  route: string;
  /** Calls it for the seeded conversation. */
  call: (client: GenesysClient, fake: GenesysFake, options?: RequestOptions) => Promise<unknown>;
  /** Safe to send twice (everything but agentless email). */
  idempotent: boolean;
  /** Belongs to a conversation: a 404 means the conversation is gone. */
  conversationScoped: boolean;
}

const CONVERSATION = `/api/v2/conversations/emails/${CONVERSATION_ID}`;
const PARTICIPANTS = `/api/v2/conversations/${CONVERSATION_ID}/participants`;

export const ACKNOWLEDGEMENT = {
  senderType: "Outbound" as const,
  fromAddress: { email: "support@acme.mypurecloud.com" },
  toAddresses: [{ email: "customer@example.com" }] as [{ email: string }],
  subject: "We received your documents",
  textBody: "Thank you.",
};

export const METHODS: MethodUnderTest[] = [
  {
    name: "getEmailConversation",
    route: `GET ${CONVERSATION}`,
    call: (client, _fake, options) => client.getEmailConversation(CONVERSATION_ID, options),
    idempotent: true,
    conversationScoped: true,
  },
  {
    name: "listEmailMessages",
    route: `GET ${CONVERSATION}/messages`,
    call: (client, _fake, options) => client.listEmailMessages(CONVERSATION_ID, options),
    idempotent: true,
    conversationScoped: true,
  },
  {
    name: "getEmailMessage",
    route: `GET ${CONVERSATION}/messages/m-1`,
    call: (client, _fake, options) => client.getEmailMessage(CONVERSATION_ID, "m-1", options),
    idempotent: true,
    conversationScoped: true,
  },
  {
    name: "downloadAttachment",
    route: "GET /api/v2/downloads/a-pdf",
    call: (client, fake, options) => client.downloadAttachment(fake.contentUriOf("a-pdf"), 1_000_000, options),
    idempotent: true,
    conversationScoped: false,
  },
  {
    name: "patchParticipantAttributes",
    route: `PATCH ${PARTICIPANTS}/p-customer/attributes`,
    call: (client, _fake, options) => client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { resolvedCustomerId: "cust-1" }, options),
    idempotent: true,
    conversationScoped: true,
  },
  {
    name: "replaceParticipantWithQueue",
    route: `POST ${PARTICIPANTS}/p-acd/replace/queue`,
    call: (client, _fake, options) => client.replaceParticipantWithQueue(CONVERSATION_ID, "p-acd", "q-billing", options),
    idempotent: true,
    conversationScoped: true,
  },
  {
    name: "sendAgentlessEmail",
    route: "POST /api/v2/conversations/emails/agentless",
    call: (client, _fake, options) => client.sendAgentlessEmail(ACKNOWLEDGEMENT, options),
    idempotent: false,
    conversationScoped: false,
  },
];
