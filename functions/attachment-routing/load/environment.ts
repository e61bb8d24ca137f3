import * as z from "zod";
import { jsonVariable, lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";
import { TEXTRACT_ASYNC_MAX_PAGES, TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES } from "../core/documents/limits";

const positiveInteger = z.number().int().positive();

export const ATTACHMENT_LOAD = lambdaContract(
  "attachment-routing/load",
  z.object({
    ...genesysVariables,
    DOCUMENTS_BUCKET: z.string().min(3),
    DOCUMENT_LIMITS: jsonVariable(
      z.strictObject({
        maxDownloadBytes: positiveInteger.optional(),
        // Over Textract's hard limits: refused when the function reads its environment, naming the field (and for
        // every configured environment by test/infrastructure/lambda-environments.synth.test.ts).
        maxBytes: positiveInteger.max(TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES).optional(),
        maxPages: positiveInteger.max(TEXTRACT_ASYNC_MAX_PAGES).optional(),
        classificationPages: positiveInteger.optional(),
        minTextChars: z.number().int().nonnegative().optional(),
      }),
      "an object of document limits {maxDownloadBytes, maxBytes, maxPages, classificationPages, minTextChars}",
    ).default({}),
  }),
);
