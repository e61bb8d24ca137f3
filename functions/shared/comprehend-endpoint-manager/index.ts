import type { Context } from "aws-lambda";
import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { Logger } from "@aws-lambda-powertools/logger";
import { manageEndpoint } from "./manager";

const client = new ComprehendClient({});
const logger = new Logger({ serviceName: "comprehend-endpoint-manager" });

/** Invoked by Terraform (aws_lambda_invocation, CRUD) to manage the real-time classifier endpoint. */
export async function handler(event: unknown, context: Context) {
  const action = (event as { tf?: { action?: string } })?.tf?.action;
  logger.info("endpoint request", { action });
  const result = await manageEndpoint(event, {
    client,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info("endpoint converged", { ...result });
  return result;
}
