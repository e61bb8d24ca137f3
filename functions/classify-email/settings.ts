import { z } from "zod";

/** The function's configuration, from its Lambda environment. No secrets live here. */
const settingsSchema = z
  .object({
    CLASSIFIER_BACKEND: z.enum(["embedded", "comprehend"]),
    CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1),
    TOPIC_QUEUES: z.string().transform((s, ctx) => {
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a JSON object of label to queue name" });
        return z.NEVER;
      }
    }),
    COMPREHEND_ENDPOINT_ARN: z.string().startsWith("arn:").optional(),
  })
  .refine((s) => s.CLASSIFIER_BACKEND !== "comprehend" || s.COMPREHEND_ENDPOINT_ARN, {
    message: "is required when CLASSIFIER_BACKEND is comprehend",
    path: ["COMPREHEND_ENDPOINT_ARN"],
  });

export type ClassifierSettings = z.output<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined>): ClassifierSettings {
  const result = settingsSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid classify-email configuration: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
