import type { Context } from "aws-lambda";
import { Log } from "../telemetry";
import { EndpointManagerDependencies, EndpointResult, manageEndpoint } from "./manager";

export interface EndpointManagerHandlerDependencies extends Omit<EndpointManagerDependencies, "remainingMs"> {
  readonly logger: Log;
}

/**
 * Invoked by Terraform (`aws_lambda_invocation`, CRUD) with the endpoint's settings and `tf.action`:
 * creates, updates or deletes the real-time classifier endpoint within the invocation's time left, and
 * answers with the endpoint Terraform records. A failure reaches the apply as the error's message.
 */
export function makeHandler(deps: EndpointManagerHandlerDependencies) {
  return async (event: unknown, context: Pick<Context, "getRemainingTimeInMillis">): Promise<EndpointResult> => {
    const action = (event as { tf?: { action?: unknown } } | null)?.tf?.action;
    deps.logger.info("endpoint request", { action: typeof action === "string" ? action : undefined });
    const result = await manageEndpoint(event, { ...deps, remainingMs: () => context.getRemainingTimeInMillis() });
    deps.logger.info("endpoint converged", { ...result });
    return result;
  };
}
