import * as z from "zod/mini";
import { jsonVariable, lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";

export const ATTACHMENT_FALLBACK = lambdaContract(
  "attachment-routing/fallback",
  z.object({
    ...genesysVariables,
    /** Queue name -> queue id of the queues the text intent can name. */
    QUEUE_IDS: jsonVariable(z.record(z.string(), z.string().check(z.minLength(1))), "an object of queue name to queue id"),
    FALLBACK_QUEUE_ID: z.string().check(z.minLength(1)),
  }),
);
