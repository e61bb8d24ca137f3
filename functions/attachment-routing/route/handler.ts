import { GenesysClient } from "../../shared/genesys/client";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import { RoutingDecision, routeRequest } from "../core/contracts";
import { targetQueueId } from "../core/decide";
import { describeError, parseStepInput, toStepError } from "../core/errors";
import { InvocationContext, invocationDeadline } from "../core/invocation";
import { ROUTE_ATTRIBUTES } from "../core/participant-data";
import { recordTriageExit, triageExitOf } from "../core/triage-exit";

/** What the customer receives when a document needs a password: the agentless email's fixed parts. */
export interface ResendRequest {
  readonly fromAddress: string;
  readonly fromName: string;
  readonly subject: string;
  readonly body: string;
}

export interface AttachmentRouteDependencies {
  readonly genesys: Pick<GenesysClient, "getEmailConversation" | "patchParticipantAttributes" | "replaceParticipantWithQueue" | "sendAgentlessEmail">;
  /** Queue name -> queue id: the document-type queues and the text-intent queues. */
  readonly queueIds: Readonly<Record<string, string>>;
  readonly fallbackQueueId: string;
  readonly resend: ResendRequest;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

/** The route attributes of a decision, as participant data (strings only). */
function routeAttributes(decision: RoutingDecision): Record<string, string> {
  return {
    [ROUTE_ATTRIBUTES.documentType]: decision.documentType,
    [ROUTE_ATTRIBUTES.documentConfidence]: decision.documentConfidence.toFixed(2),
    [ROUTE_ATTRIBUTES.processingStatus]: decision.processingStatus,
    ...(decision.processingReason === undefined ? {} : { [ROUTE_ATTRIBUTES.processingReason]: decision.processingReason }),
  };
}

/**
 * The last step: asks the customer to resend a password-protected document (an agentless email stitched
 * into the conversation), writes documentType, documentConfidence and processingStatus (and
 * processingReason when the decision has one) onto the customer participant, then moves the email out of the triage queue with replace/queue to the decided
 * queue (the fallback queue when the name is empty or unknown). Attributes are written before the move,
 * so the agent who gets the email sees them. Every call runs within the invocation's deadline; transient
 * failures surface under the names the state machine retries, anything else routes the email through the
 * fallback step, and an ended conversation ends the execution.
 */
export function makeHandler(deps: AttachmentRouteDependencies) {
  return async function handler(event: unknown, context?: InvocationContext): Promise<{ queueId: string; resendSent: boolean }> {
    const deadline = invocationDeadline(context, "route");
    const call = { deadline };
    const { email, decision } = parseStepInput(routeRequest, event, "attachment-route");
    const { conversationId } = email;
    const facts = { conversationId, processingStatus: decision.processingStatus, documentType: decision.documentType };
    try {
      let resendSent = false;
      if (decision.requestResend && email.customerAddress) {
        // A retried route (the move failed after the attributes were written) must not email the customer twice.
        const conversation = await deps.genesys.getEmailConversation(conversationId, call);
        const customer = conversation.participants.find((p) => p.id === email.customerParticipantId);
        if (customer?.attributes?.[ROUTE_ATTRIBUTES.processingStatus] === decision.processingStatus) {
          deps.logger.info("resend request already sent by an earlier attempt; not sent again", facts);
        } else {
          const sent = await deps.genesys.sendAgentlessEmail(
            {
              senderType: "Outbound",
              fromAddress: { email: deps.resend.fromAddress, name: deps.resend.fromName },
              toAddresses: [{ email: email.customerAddress }],
              subject: deps.resend.subject,
              textBody: deps.resend.body,
              conversationId,
            },
            call,
          );
          resendSent = true;
          deps.logger.info("asked the customer to resend without a password", { ...facts, messageId: sent.id, stitched: sent.conversationId === conversationId });
          deps.metrics.addMetric("ResendRequests", MetricUnit.Count, 1);
        }
      } else if (decision.requestResend) {
        deps.logger.warn("a resend is needed but the customer's address is unknown; no email sent", facts);
      }

      await deps.genesys.patchParticipantAttributes(conversationId, email.customerParticipantId, routeAttributes(decision), call);

      const name = decision.targetQueueName;
      const { queueId, known } = targetQueueId(name, deps.queueIds, deps.fallbackQueueId);
      if (name !== "" && !known) deps.logger.warn("no queue id for the decided queue name; using the fallback queue", { ...facts, targetQueueName: name });
      await deps.genesys.replaceParticipantWithQueue(conversationId, email.acdParticipantId, queueId, call);

      deps.logger.info("email moved out of the triage queue", { ...facts, targetQueueName: name, queueId, fallback: !known });
      deps.metrics.addDimension("ProcessingStatus", decision.processingStatus);
      deps.metrics.addMetric("EmailsRouted", MetricUnit.Count, 1);
      return { queueId, resendSent };
    } catch (error) {
      const exit = triageExitOf(error);
      if (exit !== undefined) recordTriageExit(deps, "route", exit, conversationId);
      else deps.logger.error("routing the email failed", { ...facts, error: describeError(error) });
      throw toStepError(error);
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
