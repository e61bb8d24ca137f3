import { eraseIdentity } from "../core/erase";
import { parseLambdaEnvironment } from "../../shared/env";
import { identityRuntime } from "../core/runtime";
import { IDENTITY_ERASE } from "./environment";
import { createTelemetry } from "../../shared/telemetry";
import { makeHandler } from "./handler";

const runtime = identityRuntime(parseLambdaEnvironment(IDENTITY_ERASE));
const { logger } = createTelemetry("identity-erase");

export const handler = makeHandler({
  erase: async (request, { deadline }) =>
    eraseIdentity(request, { store: runtime.store, hasher: await runtime.hasher(deadline), settings: runtime.settings }, { deadline }),
  logger,
});
