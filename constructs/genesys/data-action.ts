import { Construct } from "constructs";
import { Integration } from "../../.gen/providers/genesyscloud/integration";
import { IntegrationAction } from "../../.gen/providers/genesyscloud/integration-action";
import { IntegrationCredential } from "../../.gen/providers/genesyscloud/integration-credential";

/**
 * Which credential slot a custom-rest-actions integration uses. `basicAuth` is confirmed for the
 * basicAuth and userDefinedOAuth credential types; for a userDefined credential it is inferred
 * (UNCONFIRMED), so it lives here, in one place, to change after a sandbox test.
 */
export const WEB_SERVICES_CREDENTIAL_SLOT = "basicAuth";

export type DataActionTransport =
  /** Genesys "Web Services Data Actions" calling an HTTPS endpoint with an API key header. */
  | { readonly kind: "web-services"; readonly url: string; readonly apiKey: string; readonly apiKeyHeader?: string }
  /** Genesys "AWS Lambda Data Actions" invoking a function through a cross-account role. */
  | { readonly kind: "lambda"; readonly functionArn: string; readonly roleArn: string };

export interface DataActionProps {
  /** Integration name; it is also the action's category, as Genesys requires. */
  readonly integrationName: string;
  readonly actionName: string;
  readonly transport: DataActionTransport;
  /** JSON Schema strings, generated from the function's own contract. */
  readonly contractInput: string;
  readonly contractOutput: string;
  readonly timeoutSeconds: number;
}

/** A Genesys data-action integration (ENABLED) with its credential and one action. */
export class DataAction extends Construct {
  readonly integration: Integration;
  readonly action: IntegrationAction;
  /** The category flows use to find the action: the integration's name. */
  readonly category: string;

  constructor(scope: Construct, id: string, props: DataActionProps) {
    super(scope, id);
    if (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1 || props.timeoutSeconds > 60) {
      throw new Error(`${props.actionName}: timeoutSeconds must be an integer from 1 to 60, got ${props.timeoutSeconds}`);
    }
    if (/function data action/i.test(props.integrationName)) {
      throw new Error(`${props.integrationName}: a category containing "function data action" switches the provider to function actions`);
    }
    const { transport } = props;
    const credential =
      transport.kind === "web-services"
        ? new IntegrationCredential(this, "credential", {
            name: `${props.integrationName}-api-key`,
            credentialTypeName: "userDefined",
            fields: { apiKey: transport.apiKey },
          })
        : new IntegrationCredential(this, "credential", {
            name: `${props.integrationName}-role`,
            credentialTypeName: "amazonWebServicesARN",
            fields: { ARN: transport.roleArn },
          });

    this.integration = new Integration(this, "integration", {
      integrationType: transport.kind === "web-services" ? "custom-rest-actions" : "aws-lambda-data-actions",
      intendedState: "ENABLED",
      config: {
        name: props.integrationName,
        notes: "Managed by genesys-cx-intelligence (CDKTF). Changes made in the UI are overwritten.",
        properties: JSON.stringify({}),
        advanced: JSON.stringify({}),
        credentials: { [transport.kind === "web-services" ? WEB_SERVICES_CREDENTIAL_SLOT : "AmazonWebServicesARN"]: credential.id },
      },
    });
    this.category = this.integration.config.name;

    this.action = new IntegrationAction(this, "action", {
      name: props.actionName,
      category: this.category,
      integrationId: this.integration.id,
      secure: false,
      configTimeoutSeconds: props.timeoutSeconds,
      contractInput: props.contractInput,
      contractOutput: props.contractOutput,
      configRequest:
        transport.kind === "web-services"
          ? {
              requestType: "POST",
              requestUrlTemplate: transport.url,
              requestTemplate: "$${input.rawRequest}",
              headers: { [transport.apiKeyHeader ?? "x-api-key"]: "$${credentials.apiKey}", "Content-Type": "application/json" },
            }
          : { requestType: "POST", requestUrlTemplate: transport.functionArn, requestTemplate: "$${input.rawRequest}" },
      configResponse: { successTemplate: "$${rawResult}", translationMap: {}, translationMapDefaults: {} },
    });
  }
}
