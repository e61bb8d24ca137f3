import * as z from "zod/mini";
import type { $ZodDefault, $ZodObject, $ZodOptional, $ZodType } from "zod/v4/core";
import "./zod-messages";

/**
 * The one contract between a Lambda and the construct that deploys it: the function's folder under
 * `functions/` and the environment it parses at cold start. The construct takes its variables typed
 * from this schema (a missing or misspelled variable fails `tsc`), the function parses them with it.
 * Modules declaring a contract import nothing but zod and other contracts, so synth never loads an SDK.
 * Typed against zod's core types, so any zod 4 object schema can be a contract.
 */
export interface LambdaContract<S extends $ZodObject = $ZodObject> {
  /** Folder of the entry point under `functions/`, e.g. `identity-graph/resolver`. */
  readonly entry: string;
  readonly environment: S;
}

export function lambdaContract<S extends $ZodObject>(entry: string, environment: S): LambdaContract<S> {
  return { entry, environment };
}

const JSON_VARIABLE = Symbol("jsonVariable");

/** A variable holding JSON that must match `schema`; the construct side passes the value itself. */
export function jsonVariable<T extends $ZodType>(schema: T, description: string) {
  const variable = z.pipe(
    z.string(),
    z.transform((text: string, ctx): z.output<T> => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        ctx.issues.push({ code: "custom", message: `must be JSON: ${description}`, input: text });
        return z.NEVER;
      }
      const parsed = z.safeParse(schema, value);
      if (!parsed.success) {
        ctx.issues.push({ code: "custom", message: `must be ${description}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ")}`, input: text });
        return z.NEVER;
      }
      return parsed.data;
    }),
  );
  return Object.assign(variable, { [JSON_VARIABLE]: schema as T });
}

type JsonVariableOf<T extends $ZodType> = { readonly [JSON_VARIABLE]: T };
type Unwrapped<V> = V extends $ZodDefault<infer I> ? Unwrapped<I> : V extends $ZodOptional<infer I> ? Unwrapped<I> : V;
type IsOptional<V> = V extends $ZodDefault | $ZodOptional ? true : false;
/** What a construct passes for one variable: the JSON variable's value itself, or a plain value. */
type VariableValue<V> = Unwrapped<V> extends JsonVariableOf<infer T> ? z.input<T> : string | number | boolean;
type Shape<S extends $ZodObject> = S["_zod"]["def"]["shape"];

/** The variables a construct must (and may) give a function, typed from its contract. */
export type LambdaEnvironment<S extends $ZodObject> = {
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
export function parseLambdaEnvironment<S extends $ZodObject>(contract: LambdaContract<S>, env: Record<string, string | undefined> = process.env): z.output<S> {
  const result = z.safeParse(contract.environment, env);
  if (!result.success) {
    throw new Error(`invalid ${contract.entry} configuration: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
