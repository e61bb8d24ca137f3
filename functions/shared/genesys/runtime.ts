import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { GENESYS_REGIONS } from "./regions";
import { GenesysClient, GenesysCredentials } from "./client";

/** A Genesys client whose credentials come from Secrets Manager (cached 5 minutes by Powertools). */
export function genesysClientFromEnvironment(
  env: { GENESYS_REGION: (typeof GENESYS_REGIONS)[number]; GENESYS_CREDENTIALS_SECRET_ARN: string },
  options: { requestsPerMinute?: number } = {},
): GenesysClient {
  return new GenesysClient({
    region: env.GENESYS_REGION,
    requestsPerMinute: options.requestsPerMinute,
    credentials: async () => {
      const secret = await getSecret<GenesysCredentials>(env.GENESYS_CREDENTIALS_SECRET_ARN, { transform: "json", maxAge: 300 });
      if (!secret || typeof secret.clientId !== "string" || typeof secret.clientSecret !== "string") {
        throw new Error("the Genesys credentials secret must be JSON {clientId, clientSecret}");
      }
      return { clientId: secret.clientId, clientSecret: secret.clientSecret };
    },
  });
}
