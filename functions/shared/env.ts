import * as z from "zod";

/**
 * The one contract between a Lambda and the construct that deploys it: the function's folder under
 * `functions/` and the environment it parses at cold start. The construct takes its variables typed
 * from this schema (a missing or misspelled variable fails `tsc`), the function parses them with it.
 * Modules declaring a contract import nothing but zod and other contracts, so synth never loads an SDK.
 */
export interface LambdaContract<S extends z.ZodObject = z.ZodObject> {
  /** Folder of the entry point under `functions/`, e.g. `identity-graph/resolver`. */
  readonly entry: string;
  readonly environment: S;
}

export function lambdaContract<S extends z.ZodObject>(entry: string, environment: S): LambdaContract<S> {
  return { entry, environment };
}

const JSON_VARIABLE = Symbol("jsonVariable");

/** A variable holding JSON that must match `schema`; the construct side passes the value itself. */
export function jsonVariable<T extends z.ZodType>(schema: T, description: string) {
  const variable = z.string().transform((text, ctx): z.output<T> => {
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
  return Object.assign(variable, { [JSON_VARIABLE]: schema as T });
}

type JsonVariableOf<T extends z.ZodType> = { readonly [JSON_VARIABLE]: T };
type Unwrapped<V> = V extends z.ZodDefault<infer I> ? Unwrapped<I> : V extends z.ZodOptional<infer I> ? Unwrapped<I> : V;
type IsOptional<V> = V extends z.ZodDefault<z.ZodType> | z.ZodOptional<z.ZodType> ? true : false;
/** What a construct passes for one variable: the JSON variable's value itself, or a plain value. */
type VariableValue<V> = Unwrapped<V> extends JsonVariableOf<infer T> ? z.input<T> : string | number | boolean;
type Shape<S extends z.ZodObject> = S["shape"];

/** The variables a construct must (and may) give a function, typed from its contract. */
export type LambdaEnvironment<S extends z.ZodObject> = {
  readonly [K in keyof Shape<S> as IsOptional<Shape<S>[K]> extends true ? never : K]: VariableValue<Shape<S>[K]>;
} & {
  readonly [K in keyof Shape<S> as IsOptional<Shape<S>[K]> extends true ? K : never]?: VariableValue<Shape<S>[K]>;
};

/** Lambda environment variables are strings: plain values as text, JSON variables as JSON. */
export function renderLambdaEnvironment(values: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)]),
  );
}

/** Parses a function's environment at cold start, failing with every bad variable named. */
export function parseLambdaEnvironment<S extends z.ZodObject>(contract: LambdaContract<S>, env: Record<string, string | undefined> = process.env): z.output<S> {
  const result = contract.environment.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid ${contract.entry} configuration: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
