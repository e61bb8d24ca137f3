import * as z from "zod/mini";
import { lambdaContract } from "../../shared/env";

export const ATTACHMENT_OCR_START = lambdaContract(
  "attachment-routing/ocr-start",
  z.object({
    DOCUMENTS_BUCKET: z.string().check(z.minLength(3)),
    TASK_TOKEN_TABLE_NAME: z.string().check(z.minLength(3)),
    TEXTRACT_TOPIC_ARN: z.string().check(z.startsWith("arn:")),
    TEXTRACT_ROLE_ARN: z.string().check(z.startsWith("arn:")),
  }),
);
