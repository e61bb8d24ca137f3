import * as z from "zod";
import { lambdaContract } from "../../shared/env";

export const ATTACHMENT_START = lambdaContract(
  "attachment-routing/start",
  z.object({
    STATE_MACHINE_ARN: z.string().startsWith("arn:"),
    TRIAGE_QUEUE_ID: z.string().min(1),
    /** The on-failure queue of this function: events that are not acd.start events go there at once. */
    DEAD_LETTER_QUEUE_URL: z.url(),
  }),
);
