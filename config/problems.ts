/**
 * How an invalid settings file is reported: one problem per line, `<field>: <what it must be>, got <what
 * it is>`, under one heading naming the file. The same text comes out of every entry point (cdktf
 * synth/diff/deploy through main.ts, `npm start`, `npm run doctor`, the local tools).
 */
import { z } from "zod";

/** An invalid settings file: the heading names it, each problem names a field. */
export class SettingsError extends Error {
  constructor(
    readonly heading: string,
    readonly problems: readonly string[],
  ) {
    super(`${heading}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** Several invalid settings files at once, reported together. */
export class SettingsErrors extends Error {
  constructor(readonly errors: readonly SettingsError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "SettingsErrors";
  }
}

/** The settings errors `error` carries, or none when it is another kind of error. */
export function settingsErrorsOf(error: unknown): readonly SettingsError[] {
  if (error instanceof SettingsErrors) return error.errors;
  if (error instanceof SettingsError) return [error];
  return [];
}

const MAX_SHOWN = 60;

/** A value as the person who wrote the JSON would recognise it. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value)}`;
  if (typeof value === "object") return "an object";
  return String(value);
}

const quote = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** "one of a, b, c" or just "a". */
export function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(", ")}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "a list",
};

function bound(origin: string, limit: number | bigint, inclusive: boolean | undefined, side: "min" | "max", input: unknown): string | undefined {
  if (origin === "number" || origin === "int") {
    const text = side === "min" ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
    return `must be ${text} ${limit}, got ${describeValue(input)}`;
  }
  const unit = origin === "string" ? "character" : origin === "array" || origin === "set" ? "item" : undefined;
  if (unit === undefined) return undefined;
  const n = Number(limit) + (inclusive === false ? (side === "min" ? 1 : -1) : 0);
  if (side === "min" && n === 1) return "must not be empty";
  const size = typeof input === "string" || Array.isArray(input) ? `, got ${input.length}` : "";
  return `must have ${side === "min" ? "at least" : "at most"} ${n} ${unit}${n === 1 ? "" : "s"}${size}`;
}

/**
 * zod's messages reworded for a settings file: what the field must be and what it was. Schema-level
 * messages (the `"must be a 12-digit AWS account id"` kind) take precedence over these.
 */
export const settingsErrorMap: z.core.$ZodErrorMap = (issue) => {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${got}`;
    case "invalid_value":
      return `must be ${oneOf(issue.values)}, ${got}`;
    case "invalid_union":
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) {
        // The issue's path already ends with the discriminator; its input is the whole object.
        const value = typeof issue.input === "object" && issue.input !== null ? (issue.input as Record<string, unknown>)[issue.discriminator] : undefined;
        return value === undefined ? `is required: ${oneOf(issue.options)}` : `must be ${oneOf(issue.options)}, got ${describeValue(value)}`;
      }
      return undefined;
    case "too_small":
      return bound(issue.origin, issue.minimum, issue.inclusive, "min", issue.input);
    case "too_big":
      return bound(issue.origin, issue.maximum, issue.inclusive, "max", issue.input);
    case "invalid_key":
      return `is not a valid key: ${issue.issues.map((i) => i.message).join("; ")}`;
    default:
      return undefined;
  }
};

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

/** One line per problem, each naming its field; an unknown key is named with its own path. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys" ? issue.keys.map((key) => `${fieldPath([...issue.path, key])}: is not a known setting`) : [`${fieldPath(issue.path)}: ${issue.message}`],
  );
}
