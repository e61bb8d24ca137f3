import * as z from "zod";
import { eraseIdentity } from "../core/erase";
import { parseLambdaEnvironment } from "../../shared/env";
import { identityRuntime } from "../core/runtime";
import { IDENTITY_ERASE } from "./environment";
import { createTelemetry } from "../../shared/telemetry";

const runtime = identityRuntime(parseLambdaEnvironment(IDENTITY_ERASE));
const { logger } = createTelemetry("identity-erase");

const erasureRequest = z.union([z.strictObject({ email: z.string().min(3) }), z.strictObject({ phone: z.string().min(3) })]);

/**
 * GDPR erasure, invoked by an operator (`aws lambda invoke --payload '{"email":"..."}'`): deletes the
 * customer's profile and suppresses their identifiers. The identifier is never logged.
 */
export async function handler(event: unknown) {
  const request = erasureRequest.safeParse(event);
  if (!request.success) throw new Error('expected {"email": "..."} or {"phone": "..."}');
  const result = await eraseIdentity(request.data, { store: runtime.store, hasher: await runtime.hasher(), settings: runtime.settings });
  logger.info("identity erased", { ...result });
  return result;
}
