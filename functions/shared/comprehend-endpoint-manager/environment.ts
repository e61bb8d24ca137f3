import * as z from "zod/mini";
import { lambdaContract } from "../env";

/** Terraform passes the endpoint's settings in each invocation; the function needs no variables. */
export const COMPREHEND_ENDPOINT_MANAGER = lambdaContract("shared/comprehend-endpoint-manager", z.object({}));
