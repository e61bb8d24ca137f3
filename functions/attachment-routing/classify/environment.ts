import * as z from "zod/mini";
import { classifierBackendVariables, requireEndpointForComprehend } from "../../shared/classifier/environment";
import { jsonVariable, lambdaContract } from "../../shared/env";

export const ATTACHMENT_CLASSIFY = lambdaContract(
  "attachment-routing/classify",
  requireEndpointForComprehend(
    z.object({
      ...classifierBackendVariables,
      DOCUMENTS_BUCKET: z.string().check(z.minLength(3)),
      CONFIDENCE_THRESHOLD: z.coerce.number().check(z.minimum(0), z.maximum(1)),
      DOCUMENT_QUEUES: jsonVariable(z.record(z.string(), z.string()), "an object of document type to queue name"),
    }),
  ),
);
