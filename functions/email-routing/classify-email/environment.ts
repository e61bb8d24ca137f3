import * as z from "zod/mini";
import { classifierBackendVariables, requireEndpointForComprehend } from "../../shared/classifier/environment";
import { jsonVariable, lambdaContract } from "../../shared/env";

/** The email classifier's configuration. No secrets live here. */
export const CLASSIFY_EMAIL = lambdaContract(
  "email-routing/classify-email",
  requireEndpointForComprehend(
    z.object({
      ...classifierBackendVariables,
      CONFIDENCE_THRESHOLD: z.coerce.number().check(z.minimum(0), z.maximum(1)),
      TOPIC_QUEUES: jsonVariable(z.record(z.string(), z.string()), "an object of label to queue name"),
    }),
  ),
);

export type ClassifierSettings = z.output<typeof CLASSIFY_EMAIL.environment>;
