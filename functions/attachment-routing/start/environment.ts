import * as z from "zod/mini";
import { lambdaContract } from "../../shared/env";

export const ATTACHMENT_START = lambdaContract(
  "attachment-routing/start",
  z.object({
    STATE_MACHINE_ARN: z.string().check(z.startsWith("arn:")),
    TRIAGE_QUEUE_ID: z.string().check(z.minLength(1)),
    /** The on-failure queue of this function: events that are not acd.start events go there at once. */
    DEAD_LETTER_QUEUE_URL: z.url(),
  }),
);
