import * as z from "zod";

/** The environment variables that choose a classifier's backend. */
export const classifierBackendEnvironment = {
  CLASSIFIER_BACKEND: z.enum(["embedded", "comprehend"]),
  COMPREHEND_ENDPOINT_ARN: z.string().startsWith("arn:").optional(),
};

/** Adds to a function's environment schema the rule that the comprehend backend needs its endpoint. */
export function requireEndpointForComprehend<T extends z.ZodObject<typeof classifierBackendEnvironment>>(schema: T): T {
  return schema.refine((s) => s.CLASSIFIER_BACKEND !== "comprehend" || s.COMPREHEND_ENDPOINT_ARN, {
    message: "is required when CLASSIFIER_BACKEND is comprehend",
    path: ["COMPREHEND_ENDPOINT_ARN"],
  });
}
