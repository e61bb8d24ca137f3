import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import * as z from "zod/mini";
import { LambdaContract } from "../../functions/shared/env";
import { bundleFunction, FUNCTIONS_DIR, listFunctionNames } from "../../scripts/build/lambda-bundle";
import { loadEnvironments } from "../../config/load";
import { resourcesOf, shipped } from "../support/synth";

/** Every contract declared in a function folder's environment.ts, by entry. */
function declaredContracts(): Map<string, LambdaContract> {
  const contracts = new Map<string, LambdaContract>();
  for (const file of readdirSync(FUNCTIONS_DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(`${sep}environment.ts`))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const value of Object.values(require(join(FUNCTIONS_DIR, file)) as Record<string, unknown>)) {
      const contract = value as Partial<LambdaContract>;
      if (typeof contract?.entry === "string" && contract.environment) contracts.set(contract.entry, contract as LambdaContract);
    }
  }
  return contracts;
}

/**
 * The variables a deployed function gets, with the references Terraform fills in at apply time
 * replaced by values of the same form.
 */
function applyTimeValues(variables: Record<string, string>): Record<string, string> {
  const placeholder = (name: string) =>
    name.endsWith("_ARN") ? "arn:aws:service:us-east-1:111111111111:placeholder" : name.endsWith("_URL") ? "https://sqs.us-east-1.amazonaws.com/111111111111/placeholder" : "placeholder.example.com";
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, value.replace(/\$\{[^}]*\}/g, placeholder(name))]));
}

const deployed = loadEnvironments().flatMap((environment) =>
  resourcesOf(shipped(environment.name), "aws_lambda_function").map((fn) => {
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    return { environment: environment.name, name: fn.function_name as string, entry: variables.POWERTOOLS_SERVICE_NAME!, variables: applyTimeValues(variables) };
  }),
);

describe("the contract between each function and its construct", () => {
  const contracts = declaredContracts();

  it("declares one contract per entry point, named by its folder", () => {
    expect([...contracts.keys()].sort()).toEqual(listFunctionNames());
    for (const [entry] of contracts) expect(relative(FUNCTIONS_DIR, join(FUNCTIONS_DIR, entry))).toBe(entry);
  });

  it.each(deployed.map((d) => [`${d.environment}: ${d.name}`, d] as const))("%s: the synthesized variables satisfy the contract", (_, fn) => {
    const contract = contracts.get(fn.entry);
    expect(contract).toBeDefined();
    const parsed = z.safeParse(contract!.environment, fn.variables);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });

  it.each(deployed.map((d) => [`${d.environment}: ${d.name}`, d] as const))("%s: the bundle starts with its synthesized environment", (_, fn) => {
    const bundle = join(bundleFunction(fn.entry), "index.js");
    const result = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(bundle)})`], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, AWS_REGION: "us-east-1", ...fn.variables },
      timeout: 30_000,
    });
    expect({ status: result.status, stderr: result.stderr.split("\n").find((l) => /Error/.test(l)) }).toEqual({ status: 0, stderr: undefined });
  });
});
