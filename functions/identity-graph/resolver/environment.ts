import * as z from "zod/mini";
import { lambdaContract } from "../../shared/env";
import { genesysVariables } from "../../shared/genesys/environment";
import { identityVariables } from "../core/environment";

export const IDENTITY_RESOLVER = lambdaContract(
  "identity-graph/resolver",
  z.object({
    ...identityVariables,
    ...genesysVariables,
    DEAD_LETTER_QUEUE_URL: z.url(),
    /** This instance's share of the Genesys per-token rate limit. */
    WRITE_BACK_REQUESTS_PER_MINUTE: z.coerce.number().check(z.int(), z.positive()),
  }),
);
