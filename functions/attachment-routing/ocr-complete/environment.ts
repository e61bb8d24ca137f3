import * as z from "zod";
import { lambdaContract } from "../../shared/env";

export const ATTACHMENT_OCR_COMPLETE = lambdaContract(
  "attachment-routing/ocr-complete",
  z.object({
    DOCUMENTS_BUCKET: z.string().min(3),
    TASK_TOKEN_TABLE_NAME: z.string().min(3),
  }),
);
