import * as z from "zod";

/**
 * Errors of the step Lambdas as Step Functions sees them. Lambda reports `error.name` as the error
 * type the state machine's Retry/Catch match, so every error that may be retried carries a stable,
 * explicit name: AWS SDK errors (`ThrottlingException`, ...) and the Genesys client's errors do.
 */

/** A step's input does not match its contract: a bug in the state machine definition, never retried. */
export class InvalidStepInputError extends Error {
  override readonly name = "InvalidStepInputError";
}

/** Parses a step input with its contract, or throws InvalidStepInputError naming every bad field (never a value). */
export function parseStepInput<T extends z.ZodType>(schema: T, input: unknown, step: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.code}`);
    throw new InvalidStepInputError(`invalid ${step} input: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** The error's name, for logs and decisions (never its message alone, which may carry details). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** `name: message` of an error for a log line; callers only pass errors whose messages hold no content. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
