import * as z from "zod/mini";
import { GENESYS_REGIONS } from "./regions";

/** The variables of a function that calls Genesys: the org's region and the OAuth client's secret ({clientId, clientSecret}). */
export const genesysVariables = {
  GENESYS_REGION: z.enum(GENESYS_REGIONS),
  GENESYS_CREDENTIALS_SECRET_ARN: z.string().check(z.startsWith("arn:")),
};
