import * as z from "zod/mini";
import { jsonVariable, lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";

export const ATTACHMENT_ROUTE = lambdaContract(
  "attachment-routing/route",
  z.object({
    ...genesysVariables,
    QUEUE_IDS: jsonVariable(z.record(z.string(), z.string().check(z.minLength(1))), "an object of queue name to queue id"),
    FALLBACK_QUEUE_ID: z.string().check(z.minLength(1)),
    RESEND_FROM_ADDRESS: z.email(),
    RESEND_FROM_NAME: z.string().check(z.minLength(1)),
    RESEND_SUBJECT: z.string().check(z.minLength(1)),
    RESEND_BODY: z.string().check(z.minLength(1)),
  }),
);
