import * as z from "zod/mini";

/** The classifier backends an environment can choose: the model bundled with the function, or a Comprehend endpoint. */
export const CLASSIFIER_BACKENDS = ["embedded", "comprehend"] as const;
export type ClassifierBackendName = (typeof CLASSIFIER_BACKENDS)[number];

/** The environment variables that choose a classifier's backend. */
export const classifierBackendVariables = {
  CLASSIFIER_BACKEND: z.enum(CLASSIFIER_BACKENDS),
  COMPREHEND_ENDPOINT_ARN: z.optional(z.string().check(z.startsWith("arn:"))),
};

/** Adds to a function's environment schema the rule that the comprehend backend needs its endpoint. */
export function requireEndpointForComprehend<T extends z.ZodMiniObject<typeof classifierBackendVariables>>(schema: T): T {
  return schema.check(
    z.refine((s) => s.CLASSIFIER_BACKEND !== "comprehend" || s.COMPREHEND_ENDPOINT_ARN, {
      message: "is required when CLASSIFIER_BACKEND is comprehend",
      path: ["COMPREHEND_ENDPOINT_ARN"],
    }),
  );
}
