import * as z from "zod/mini";
import { lambdaContract } from "../../shared/env";
import { identityVariables } from "../core/environment";

export const IDENTITY_ERASE = lambdaContract("identity-graph/erase", z.object(identityVariables));
