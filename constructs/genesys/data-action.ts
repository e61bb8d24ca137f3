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

/**
 * Whether the provider treats an action of this category as a function data action: provider 1.84.1
 * lower-cases the category, turns `_` and `-` into spaces and looks for "function data action"
 * (`containsFunctionDataAction`, genesyscloud/integration_action/resource_genesyscloud_integration_action.go L190-195).
 */
export function isFunctionDataActionCategory(category: string): boolean {
  return category.toLowerCase().replace(/[_-]/g, " ").includes("function data action");
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
    if (isFunctionDataActionCategory(props.integrationName)) {
      throw new Error(
        `${props.integrationName}: a category containing "function data action" (any case, with '_' or '-' for spaces) switches the provider to function data actions`,
      );
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
      // Not secure. Secure data actions are called with Architect's "Call Secure Data" action, which
      // Genesys documents only for secure call and voice bot flows (help.mypurecloud.com/articles/call-secure-data-data-action,
      // .../extract-secure-data-action); the inbound email flow calls this action with `callData` and
      // must read its outputs in findQueue and setParticipantData, which secure outputs would forbid.
      // `secure` is also ForceNew in provider 1.84.1 (docs/resources/integration_action.md). The email
      // text is protected instead by TLS, the API key credential or the IAM role, and no body logging.
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
