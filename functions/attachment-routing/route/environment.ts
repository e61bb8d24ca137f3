import * as z from "zod";
import { jsonVariable, lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";

export const ATTACHMENT_ROUTE = lambdaContract(
  "attachment-routing/route",
  z.object({
    ...genesysVariables,
    QUEUE_IDS: jsonVariable(z.record(z.string(), z.string().min(1)), "an object of queue name to queue id"),
    FALLBACK_QUEUE_ID: z.string().min(1),
    RESEND_FROM_ADDRESS: z.email(),
    RESEND_FROM_NAME: z.string().min(1),
    RESEND_SUBJECT: z.string().min(1),
    RESEND_BODY: z.string().min(1),
  }),
);
