import type { EmailConversation, EmailParticipant } from "../../shared/genesys/client";
import { intentQueueNameOf } from "./participant-data";

/** Participant states after which a participant no longer waits anywhere. */
const INACTIVE_STATES: ReadonlySet<string> = new Set(["disconnected", "terminated"]);

const isActiveParticipant = (p: EmailParticipant): boolean => p.state === undefined || !INACTIVE_STATES.has(p.state.toLowerCase());

/** Who is who in an email conversation held in the triage queue. */
export interface TriageParticipants {
  /** The customer participant (its attributes hold the text intent); undefined when there is none. */
  readonly customer: EmailParticipant | undefined;
  /** The participant to move with replace/queue; undefined when there is none to move. */
  readonly waiting: EmailParticipant | undefined;
  /** The email has left the triage queue: it had an ACD participant there, and none is active any more. */
  readonly leftTriage: boolean;
  /** The text intent's queue name, "" for the fallback queue. */
  readonly intentQueueName: string;
}

/**
 * The customer, the participant waiting in the triage queue, and the text intent.
 *
 * UNCONFIRMED: replace/queue is expected to take the ACD participant waiting in the queue; the API
 * reference (ConversationsApi, `POST .../participants/{participantId}/replace/queue`) does not say which
 * participant of an email waiting in a queue to name. With no ACD participant in the triage queue at all the customer participant is used
 * instead; with only inactive ones, the latest (load) or none, since the email has moved on (fallback).
 */
export function triageParticipants(conversation: EmailConversation, triageQueueId: string): TriageParticipants {
  const customer = conversation.participants.find((p) => p.purpose === "customer");
  const inTriage = conversation.participants.filter((p) => p.purpose === "acd" && p.queue?.id === triageQueueId);
  const active = inTriage.find(isActiveParticipant);
  const leftTriage = inTriage.length > 0 && active === undefined;
  return {
    customer,
    waiting: active ?? (leftTriage ? inTriage.at(-1) : customer),
    leftTriage,
    intentQueueName: intentQueueNameOf(customer?.attributes),
  };
}
