import * as z from "zod/mini";
import { jsonVariable, lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";
import { TEXTRACT_ASYNC_MAX_PAGES, TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES } from "../core/documents/limits";

const positiveInteger = z.int().check(z.positive());

export const ATTACHMENT_LOAD = lambdaContract(
  "attachment-routing/load",
  z.object({
    ...genesysVariables,
    DOCUMENTS_BUCKET: z.string().check(z.minLength(3)),
    DOCUMENT_LIMITS: z._default(
      jsonVariable(
        z.strictObject({
          maxDownloadBytes: z.optional(positiveInteger),
          // Over Textract's hard limits: refused when the function reads its environment, naming the field (and for
          // every configured environment by test/infrastructure/lambda-environments.synth.test.ts).
          maxBytes: z.optional(positiveInteger.check(z.maximum(TEXTRACT_ASYNC_PDF_TIFF_MAX_BYTES))),
          maxPages: z.optional(positiveInteger.check(z.maximum(TEXTRACT_ASYNC_MAX_PAGES))),
          classificationPages: z.optional(positiveInteger),
          minTextChars: z.optional(z.int().check(z.nonnegative())),
        }),
        "an object of document limits {maxDownloadBytes, maxBytes, maxPages, classificationPages, minTextChars}",
      ),
      {},
    ),
  }),
);
