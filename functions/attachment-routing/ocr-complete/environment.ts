import * as z from "zod/mini";
import { lambdaContract } from "../../shared/env";

export const ATTACHMENT_OCR_COMPLETE = lambdaContract(
  "attachment-routing/ocr-complete",
  z.object({
    DOCUMENTS_BUCKET: z.string().check(z.minLength(3)),
    TASK_TOKEN_TABLE_NAME: z.string().check(z.minLength(3)),
    /** The on-failure queue of this function: messages that are not Textract completions go there at once. */
    DEAD_LETTER_QUEUE_URL: z.url(),
  }),
);
