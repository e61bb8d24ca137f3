import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClassScore, SoftmaxModel } from "./model";
import { embeddedBackend } from "./embedded";
import type { ClassifierBackendName } from "./environment";

/** Something that scores a text against labels, best first: the embedded model or a Comprehend endpoint. */
export interface ClassifierBackend {
  readonly name: string;
  classify(text: string): Promise<ClassScore[]>;
}

/** The embedded model's file, written next to a classifier's bundle by its bundle-artifacts.ts. */
export const MODEL_FILE = "model.json";

/**
 * The Comprehend backend, whose module (with the AWS SDK's Comprehend client, about 450 KB) is
 * imported on the first classification: in a bundle it is a lazy chunk, so a function on the
 * embedded backend never reads it. A failed import is tried again on the next call.
 */
function lazyComprehendBackend(endpointArn: string): ClassifierBackend {
  let loading: Promise<ClassifierBackend> | undefined;
  return {
    name: "comprehend",
    async classify(text: string): Promise<ClassScore[]> {
      loading ??= import("./comprehend").then(
        (m) => m.comprehendEndpointBackend(endpointArn),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return (await loading).classify(text);
    },
  };
}

/**
 * The backend an environment chooses, made on first use so a cold start does not pay for one it may
 * not need: the embedded model from `bundleDir`, or the Comprehend endpoint (retries are the backend's own).
 */
export function lazyClassifierBackend(
  env: { CLASSIFIER_BACKEND: ClassifierBackendName; COMPREHEND_ENDPOINT_ARN?: string | undefined },
  bundleDir: string,
): () => ClassifierBackend {
  let backend: ClassifierBackend | undefined;
  return () =>
    (backend ??=
      env.CLASSIFIER_BACKEND === "comprehend"
        ? lazyComprehendBackend(env.COMPREHEND_ENDPOINT_ARN!)
        : embeddedBackend(JSON.parse(readFileSync(join(bundleDir, MODEL_FILE), "utf8")) as SoftmaxModel));
}
