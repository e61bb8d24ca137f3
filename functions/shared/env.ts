import * as z from "zod";

/** A Lambda environment variable holding JSON that must match `schema`. */
export function jsonVariable<T extends z.ZodType>(schema: T, description: string) {
  return z.string().transform((text, ctx): z.output<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: `must be JSON: ${description}` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `must be ${description}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ")}` });
      return z.NEVER;
    }
    return parsed.data;
  });
}

/** Parses a function's environment, failing at cold start with every bad variable named. */
export function parseEnvironment<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, fn: string): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid ${fn} configuration: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
