import {
  ComprehendClient,
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  EndpointProperties,
  UpdateEndpointCommand,
} from "@aws-sdk/client-comprehend";
import * as z from "zod/mini";
import "../zod-messages";

/** What Terraform passes (aws_lambda_invocation, lifecycle_scope CRUD) — `tf` is added by the provider. */
export const endpointRequest = z.object({
  EndpointName: z.string().check(z.regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/), z.maxLength(40)),
  EndpointArn: z.string().check(z.startsWith("arn:")),
  ModelArn: z.string().check(z.startsWith("arn:")),
  DesiredInferenceUnits: z.int().check(z.minimum(1)),
  tf: z.object({
    action: z.enum(["create", "update", "delete"]),
    prev_input: z.nullish(z.unknown()),
  }),
});
export type EndpointRequest = z.output<typeof endpointRequest>;
export type EndpointSpec = Omit<EndpointRequest, "tf">;

export interface EndpointResult {
  readonly EndpointArn: string;
  readonly Status: string;
  readonly ModelArn?: string;
  readonly InferenceUnits?: number;
}

export interface EndpointManagerDependencies {
  readonly client: Pick<ComprehendClient, "send">;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds left before the invocation must return. */
  readonly remainingMs: () => number;
  readonly pollIntervalMs?: number;
}

/** Thrown with a message Terraform shows the operator as the apply error. */
export class EndpointManagerError extends Error {
  override readonly name = "EndpointManagerError";
}

const errorName = (error: unknown) => (error as { name?: string }).name ?? "";
const SAFETY_MARGIN_MS = 20_000;

async function describe(deps: EndpointManagerDependencies, arn: string): Promise<EndpointProperties | undefined> {
  try {
    return (await deps.client.send(new DescribeEndpointCommand({ EndpointArn: arn }))).EndpointProperties;
  } catch (error) {
    if (errorName(error) === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

async function waitUntilInService(deps: EndpointManagerDependencies, spec: EndpointSpec): Promise<EndpointResult> {
  const interval = deps.pollIntervalMs ?? 15_000;
  for (;;) {
    const endpoint = await describe(deps, spec.EndpointArn);
    const status = endpoint?.Status ?? "MISSING";
    if (status === "IN_SERVICE") {
      return { EndpointArn: spec.EndpointArn, Status: status, ModelArn: endpoint?.ModelArn, InferenceUnits: endpoint?.CurrentInferenceUnits };
    }
    if (status === "FAILED" || status === "MISSING" || status === "DELETING") {
      throw new EndpointManagerError(
        `Comprehend endpoint ${spec.EndpointName} is ${status}${endpoint?.Message ? `: ${endpoint.Message}` : ""}`,
      );
    }
    if (deps.remainingMs() < interval + SAFETY_MARGIN_MS) {
      throw new EndpointManagerError(
        `Comprehend endpoint ${spec.EndpointName} is still ${status}; it keeps provisioning in AWS. ` +
          `Run the deploy again to resume waiting (the endpoint manager is idempotent).`,
      );
    }
    await deps.sleep(interval);
  }
}

async function createOrConverge(deps: EndpointManagerDependencies, spec: EndpointSpec): Promise<EndpointResult> {
  const existing = await describe(deps, spec.EndpointArn);
  if (!existing) {
    await deps.client.send(
      new CreateEndpointCommand({
        EndpointName: spec.EndpointName,
        ModelArn: spec.ModelArn,
        DesiredInferenceUnits: spec.DesiredInferenceUnits,
        // Same spec, same token: a retried create does not make a second endpoint.
        ClientRequestToken: `${spec.EndpointName}-${spec.DesiredInferenceUnits}-${spec.ModelArn.split("/").pop()}`.slice(0, 64),
      }),
    );
    return waitUntilInService(deps, spec);
  }
  if (existing.Status === "CREATING" || existing.Status === "UPDATING") {
    await waitUntilInService(deps, spec);
    return createOrConverge(deps, spec);
  }
  const modelChanged = existing.DesiredModelArn !== spec.ModelArn && existing.ModelArn !== spec.ModelArn;
  const unitsChanged = existing.DesiredInferenceUnits !== spec.DesiredInferenceUnits;
  if (existing.Status === "IN_SERVICE" && (modelChanged || unitsChanged)) {
    await deps.client.send(
      new UpdateEndpointCommand({
        EndpointArn: spec.EndpointArn,
        ...(modelChanged ? { DesiredModelArn: spec.ModelArn } : {}),
        ...(unitsChanged ? { DesiredInferenceUnits: spec.DesiredInferenceUnits } : {}),
      }),
    );
  }
  return waitUntilInService(deps, spec);
}

async function remove(deps: EndpointManagerDependencies, spec: Pick<EndpointSpec, "EndpointArn" | "EndpointName">): Promise<EndpointResult> {
  try {
    await deps.client.send(new DeleteEndpointCommand({ EndpointArn: spec.EndpointArn }));
  } catch (error) {
    if (errorName(error) !== "ResourceNotFoundException") throw error;
  }
  return { EndpointArn: spec.EndpointArn, Status: "DELETED" };
}

/** Creates, updates (new model version or inference units) or deletes a classifier endpoint. */
export async function manageEndpoint(event: unknown, deps: EndpointManagerDependencies): Promise<EndpointResult> {
  const parsed = endpointRequest.safeParse(event);
  if (!parsed.success) {
    throw new EndpointManagerError(`invalid endpoint request: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { tf, ...spec } = parsed.data;
  if (tf.action === "delete") return remove(deps, spec);
  if (tf.action === "update") {
    const previous = z.omit(endpointRequest, { tf: true }).safeParse(tf.prev_input);
    if (previous.success && previous.data.EndpointArn !== spec.EndpointArn) {
      await remove(deps, previous.data);
    }
  }
  return createOrConverge(deps, spec);
}
