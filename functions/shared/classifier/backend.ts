import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { ClassScore, SoftmaxModel } from "./model";
import { comprehendBackend } from "./comprehend";
import { embeddedBackend } from "./embedded";

/** Something that scores a text against labels, best first: the embedded model or a Comprehend endpoint. */
export interface ClassifierBackend {
  readonly name: string;
  classify(text: string): Promise<ClassScore[]>;
}

/** The embedded model's file, written next to a classifier's bundle by its bundle-artifacts.ts. */
export const MODEL_FILE = "model.json";

/**
 * The backend an environment chooses, made on first use so a cold start does not pay for one it may
 * not need: the embedded model from `bundleDir`, or the Comprehend endpoint (retries are the backend's own).
 */
export function lazyClassifierBackend(
  env: { CLASSIFIER_BACKEND: "embedded" | "comprehend"; COMPREHEND_ENDPOINT_ARN?: string | undefined },
  bundleDir: string,
): () => ClassifierBackend {
  let backend: ClassifierBackend | undefined;
  return () =>
    (backend ??=
      env.CLASSIFIER_BACKEND === "comprehend"
        ? comprehendBackend({ client: new ComprehendClient({ maxAttempts: 1 }), endpointArn: env.COMPREHEND_ENDPOINT_ARN! })
        : embeddedBackend(JSON.parse(readFileSync(join(bundleDir, MODEL_FILE), "utf8")) as SoftmaxModel));
}
