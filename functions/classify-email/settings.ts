import * as z from "zod";
import { jsonVariable, parseEnvironment } from "../shared/env";

/** The function's configuration, from its Lambda environment. No secrets live here. */
const settingsSchema = z
  .object({
    CLASSIFIER_BACKEND: z.enum(["embedded", "comprehend"]),
    CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1),
    TOPIC_QUEUES: jsonVariable(z.record(z.string(), z.string()), "an object of label to queue name"),
    COMPREHEND_ENDPOINT_ARN: z.string().startsWith("arn:").optional(),
  })
  .refine((s) => s.CLASSIFIER_BACKEND !== "comprehend" || s.COMPREHEND_ENDPOINT_ARN, {
    message: "is required when CLASSIFIER_BACKEND is comprehend",
    path: ["COMPREHEND_ENDPOINT_ARN"],
  });

export type ClassifierSettings = z.output<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined>): ClassifierSettings {
  return parseEnvironment(settingsSchema, env, "classify-email");
}
