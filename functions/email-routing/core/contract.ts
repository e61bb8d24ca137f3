import * as z from "zod/mini";
import "../../shared/zod-messages";

/**
 * The ClassifyEmail data action contract, defined once: the Lambda validates its input with these
 * schemas, and the Genesys data action's contract_input/contract_output are generated from them.
 * Field names are the blueprint's, so existing flows keep working. Titles and descriptions are zod
 * metadata in its global registry, which toJSONSchema reads.
 */
export const classifyEmailInput = z
  .object({
    EmailSubject: z._default(z.string(), "").register(z.globalRegistry, { description: "Subject of the inbound email" }),
    EmailBody: z.string().register(z.globalRegistry, { description: "Body of the inbound email, plain text or HTML" }),
  })
  .register(z.globalRegistry, { title: "ClassifyEmailInput", description: "An inbound email to classify" });

export const classifyEmailOutput = z
  .object({
    QueueName: z.string().register(z.globalRegistry, { description: "Queue to route the email to; empty means use the fallback queue" }),
    Confidence: z.number().check(z.minimum(0), z.maximum(1)).register(z.globalRegistry, { description: "Classifier confidence for the chosen topic, 0 to 1" }),
  })
  .register(z.globalRegistry, { title: "ClassifyEmailOutput", description: "Where to route the email" });

export type ClassifyEmailInput = z.output<typeof classifyEmailInput>;
export type ClassifyEmailOutput = z.output<typeof classifyEmailOutput>;

export const FALLBACK: ClassifyEmailOutput = Object.freeze({ QueueName: "", Confidence: 0 });

/** JSON Schema (draft-04, as Genesys data actions use) of the contract. */
export function dataActionContract(): { input: string; output: string } {
  const draft4 = (schema: z.ZodMiniType, io: "input" | "output") => JSON.stringify(z.toJSONSchema(schema, { target: "draft-4", io }));
  return { input: draft4(classifyEmailInput, "input"), output: draft4(classifyEmailOutput, "output") };
}

/** Problems with a candidate input, each naming its field, or none. */
export function parseClassifyEmailInput(value: unknown): { input: ClassifyEmailInput } | { problems: string[] } {
  const result = classifyEmailInput.safeParse(value, {
    error: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined),
  });
  if (result.success) return { input: result.data };
  return { problems: result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`) };
}
