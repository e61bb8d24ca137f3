import * as z from "zod";
import { jsonVariable, lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";

const positiveInteger = z.number().int().positive();

export const ATTACHMENT_LOAD = lambdaContract(
  "attachment-routing/load",
  z.object({
    ...genesysVariables,
    DOCUMENTS_BUCKET: z.string().min(3),
    DOCUMENT_LIMITS: jsonVariable(
      z.strictObject({
        maxDownloadBytes: positiveInteger.optional(),
        maxBytes: positiveInteger.optional(),
        maxPages: positiveInteger.optional(),
        classificationPages: positiveInteger.optional(),
        minTextChars: z.number().int().nonnegative().optional(),
      }),
      "an object of document limits {maxDownloadBytes, maxBytes, maxPages, classificationPages, minTextChars}",
    ).default({}),
  }),
);
