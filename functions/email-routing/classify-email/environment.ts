import * as z from "zod";
import { classifierBackendEnvironment, requireEndpointForComprehend } from "../../shared/classifier/backend";
import { jsonVariable, parseEnvironment } from "../../shared/env";

/** The function's configuration, from its Lambda environment. No secrets live here. */
const settingsSchema = requireEndpointForComprehend(
  z.object({
    ...classifierBackendEnvironment,
    CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1),
    TOPIC_QUEUES: jsonVariable(z.record(z.string(), z.string()), "an object of label to queue name"),
  }),
);

export type ClassifierSettings = z.output<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined>): ClassifierSettings {
  return parseEnvironment(settingsSchema, env, "classify-email");
}
