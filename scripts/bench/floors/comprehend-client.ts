/** The cold-require reference: the Comprehend client alone, bundled like every Lambda (see bundles.ts). */
export { ClassifyDocumentCommand, ComprehendClient } from "@aws-sdk/client-comprehend";
