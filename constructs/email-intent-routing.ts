import { join } from "node:path";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { emailDomainOf, EnvironmentSettings } from "../config/environment";
import { CLASSIFY_EMAIL } from "../functions/email-routing/classify-email/environment";
import { FALLBACK_INTENT, INTENT_ATTRIBUTE } from "../functions/attachment-routing/core/participant-data";
import { dataActionContract } from "../functions/email-routing/core/contract";
import { ClassifierRestApi } from "./aws/classifier-rest-api";
import { ComprehendClassifier } from "./aws/comprehend-classifier";
import { GenesysInvokeRole } from "./aws/genesys-invoke-role";
import { classifierFunction } from "./aws/classifier-function";
import { FunctionDefaults, NodejsFunction } from "./aws/nodejs-function";
import { ArchitectFlow } from "./genesys/architect-flow";
import { DataAction, DataActionTransport } from "./genesys/data-action";
import { EmailRoute } from "./genesys/email-route";
import { RoutingQueue } from "../.gen/providers/genesyscloud/routing-queue";
import { RoutingQueues } from "./genesys/routing-queues";
import { Naming } from "./naming";

const ROOT = join(__dirname, "..");
export const EMAIL_INTENTS_CORPUS = join(ROOT, "corpus", "email-intents.csv");
export const INBOUND_EMAIL_FLOW = join(ROOT, "flows", "inbound-email.yaml");

export interface EmailIntentRoutingProps {
  readonly naming: Naming;
  readonly settings: EnvironmentSettings["emailRouting"];
  readonly aws: EnvironmentSettings["aws"];
  readonly genesysAwsAccountId: string;
  /** The Genesys org id (from `genesyscloud_organizations_me`), used as the external id of the invoke role. */
  readonly genesysOrgId: string;
  readonly functionDefaults: FunctionDefaults;
  readonly protectData: boolean;
  /** When set, the flow holds every email in this queue (no agent works it) for the attachment pipeline. */
  readonly holdQueue?: RoutingQueue;
  /** Defaults: the repository's corpus and flow. */
  readonly corpusFile?: string;
  readonly flowFile?: string;
}

/**
 * Email intent routing, end to end: the classifier (embedded model or a Comprehend endpoint) behind
 * one Lambda, the front door Genesys calls (API key-protected REST API or a Lambda data action),
 * a queue per topic plus the fallback queue, the data action, the inbound email flow and the
 * email route that feeds it.
 */
export class EmailIntentRouting extends Construct {
  readonly classifierFunction: NodejsFunction;
  readonly queues: RoutingQueues;
  readonly dataAction: DataAction;
  readonly flow: ArchitectFlow;
  readonly emailRoute: EmailRoute;
  readonly comprehend?: ComprehendClassifier;
  readonly api?: ClassifierRestApi;
  /** Where customers write: `<pattern>@<domain id>`. */
  readonly inboundAddress: string;

  constructor(scope: Construct, id: string, props: EmailIntentRoutingProps) {
    super(scope, id);
    const { naming, settings } = props;
    const classifier = classifierFunction(this, "classifier", {
      naming,
      aws: props.aws,
      functionDefaults: props.functionDefaults,
      protectData: props.protectData,
      corpusFile: props.corpusFile ?? EMAIL_INTENTS_CORPUS,
      purpose: "email-intents",
      settings: settings.classifier,
      routedLabels: { setting: "emailRouting.topicQueues", labels: Object.keys(settings.topicQueues) },
      contract: CLASSIFY_EMAIL,
      functionName: naming.name("classify-email"),
      description: `Classifies inbound email into topics (${settings.classifier.backend} backend) for Genesys routing`,
      // Answer inside the data action's timeout so Genesys always gets a reply.
      timeoutSeconds: Math.max(3, Math.min(settings.dataActionTimeoutSeconds, 29) - 1),
      memoryMb: 512,
      environment: { TOPIC_QUEUES: settings.topicQueues },
    });
    this.classifierFunction = classifier.function;
    this.comprehend = classifier.comprehend;

    let transport: DataActionTransport;
    if (settings.frontDoor === "api-gateway") {
      this.api = new ClassifierRestApi(this, "api", {
        name: naming.name("email-classifier"),
        handler: this.classifierFunction.function,
        path: "classify",
        rateLimitPerSecond: settings.api.rateLimitPerSecond,
        burstLimit: settings.api.burstLimit,
        timeoutMs: Math.min(settings.dataActionTimeoutSeconds * 1000, 29_000),
      });
      transport = { kind: "web-services", url: this.api.url, apiKey: this.api.apiKey.value };
    } else {
      const invokeRole = new GenesysInvokeRole(this, "genesys-invoke-role", {
        roleName: naming.name("genesys-data-actions"),
        genesysAwsAccountId: props.genesysAwsAccountId,
        genesysOrgId: props.genesysOrgId,
        functionArns: [this.classifierFunction.function.arn],
      });
      transport = { kind: "lambda", functionArn: this.classifierFunction.function.arn, roleArn: invokeRole.role.arn };
    }

    const queueNames = [...new Set([...Object.values(settings.topicQueues), settings.fallbackQueue])];
    this.queues = new RoutingQueues(this, "queues", { names: queueNames, description: "Email routed by AI intent classification" });

    const contract = dataActionContract();
    this.dataAction = new DataAction(this, "data-action", {
      integrationName: naming.name("email-classifier"),
      actionName: naming.name("classify-email"),
      transport,
      contractInput: contract.input,
      contractOutput: contract.output,
      timeoutSeconds: settings.dataActionTimeoutSeconds,
    });

    const fallbackQueue = this.queues.get(settings.fallbackQueue);
    this.flow = new ArchitectFlow(this, "inbound-email-flow", {
      file: props.flowFile ?? INBOUND_EMAIL_FLOW,
      substitutions: {
        flow_name: naming.name("inbound-email"),
        flow_description: "Classifies each email with AI and routes it to its topic queue (managed by CDKTF)",
        data_action_category: this.dataAction.category,
        data_action_name: this.dataAction.action.name,
        fallback_queue_name: fallbackQueue.name,
        intent_attribute: INTENT_ATTRIBUTE,
        fallback_intent: FALLBACK_INTENT,
        send_acknowledgement: String(settings.acknowledgement.enabled),
        acknowledgement_message: JSON.stringify(settings.acknowledgement.message),
        hold_for_attachments: String(props.holdQueue !== undefined),
        triage_queue_name: (props.holdQueue ?? fallbackQueue).name,
      },
      republishWhenChanged: [
        this.dataAction.integration.id,
        this.dataAction.action.id,
        ...[...this.queues.byName.values()].map((q) => q.id),
        ...(props.holdQueue ? [props.holdQueue.id] : []),
      ],
    });

    this.emailRoute = new EmailRoute(this, "email-route", {
      domain: emailDomainOf(settings),
      pattern: settings.routePattern,
      fromName: settings.fromName,
      flowId: this.flow.flow.id,
    });

    this.inboundAddress = `${settings.routePattern}@${this.emailRoute.domain.id}`;
    new TerraformOutput(this, "inbound-address", { description: "Customers email this address", value: this.inboundAddress });
    new TerraformOutput(this, "classifier-function", { value: this.classifierFunction.function.functionName });
    if (this.api) new TerraformOutput(this, "classifier-url", { description: "API key required", value: this.api.url });
  }
}
