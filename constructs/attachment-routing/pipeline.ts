import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { EnvironmentSettings } from "../../config/environment";
import { ATTACHMENT_CLASSIFY } from "../../functions/attachment-routing/classify/environment";
import { PIPELINE_STATUS_CHANGE } from "../../functions/attachment-routing/core/events";
import { LOAD_FUNCTION_MEMORY_MB } from "../../functions/attachment-routing/core/documents/limits";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";
import { ATTACHMENT_FALLBACK } from "../../functions/attachment-routing/fallback/environment";
import { ATTACHMENT_LOAD } from "../../functions/attachment-routing/load/environment";
import { ATTACHMENT_OCR_START } from "../../functions/attachment-routing/ocr-start/environment";
import { ATTACHMENT_ROUTE } from "../../functions/attachment-routing/route/environment";
import { classifierFunction } from "../aws/classifier-function";
import { allowRuleToSend, deadLetterQueue } from "../aws/event-queue";
import { assumeRolePolicy, PolicyStatement, policyDocument, STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS } from "../aws/iam";
import { FunctionDefaults, NodejsFunction } from "../aws/nodejs-function";
import { Naming } from "../naming";
import { DocumentsBucket } from "./documents";
import { attachmentPipelineDefinition } from "./pipeline-definition";
import { TextractCallback } from "./textract-callback";

/** Step Functions execution history in CloudWatch Logs: none, failures only, or every event. */
export type ExecutionLogLevel = EnvironmentSettings["observability"]["executionLogLevel"];

export interface AttachmentPipelineProps {
  readonly naming: Naming;
  /** The state machine's name (the capability knows it before the machine exists: the callback is granted it). */
  readonly name: string;
  readonly settings: EnvironmentSettings["attachmentRouting"];
  readonly aws: EnvironmentSettings["aws"];
  readonly genesysRegion: string;
  readonly genesysCredentialsSecretArn: string;
  readonly documents: DocumentsBucket;
  readonly callback: TextractCallback;
  /** Queue name -> id of every queue the pipeline may move an email to (document types and text intents). */
  readonly queueIds: Readonly<Record<string, string>>;
  readonly fallbackQueueId: string;
  /** Address and name the resend request comes from. */
  readonly fromAddress: string;
  readonly fromName: string;
  readonly corpusFile: string;
  readonly functionDefaults: FunctionDefaults;
  /** Keep the Comprehend training data on destroy (the documents bucket has its own setting). */
  readonly protectData: boolean;
  readonly executionLogLevel: ExecutionLogLevel;
}

/**
 * The attachment pipeline: its step functions (load, OCR start, classify, route, fallback), the
 * Standard state machine that runs them (pipeline-definition.ts), its role, execution logging and
 * tracing, and what keeps an execution that ends early from stranding its email: Step Functions'
 * status-change event of a failed, timed-out or aborted execution invokes the fallback function, which
 * moves the email out of the triage queue; whatever it cannot handle is kept in a dead-letter queue, and
 * alarms fire on failed, timed-out and aborted executions.
 */
export class AttachmentPipeline extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly functions: { readonly load: NodejsFunction; readonly ocrStart: NodejsFunction; readonly classify: NodejsFunction; readonly route: NodejsFunction; readonly fallback: NodejsFunction };
  readonly rescue: CloudwatchEventRule;
  readonly rescueDeadLetters: SqsQueue;
  readonly executionLogs?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: AttachmentPipelineProps) {
    super(scope, id);
    const { naming, settings } = props;
    const common = props.functionDefaults;
    const genesysAccess = { GENESYS_REGION: props.genesysRegion, GENESYS_CREDENTIALS_SECRET_ARN: props.genesysCredentialsSecretArn };
    const readGenesysSecret = { sid: "ReadGenesysCredentials", actions: ["secretsmanager:GetSecretValue"], resources: [props.genesysCredentialsSecretArn] };
    const documentObjects = props.documents.objectsArn;
    const { callback } = props;

    const load = new NodejsFunction(this, "load", {
      contract: ATTACHMENT_LOAD,
      functionName: naming.name("attachment-load"),
      description: "Reads the email's attachments from Genesys, stores and inspects them",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.load,
      memoryMb: LOAD_FUNCTION_MEMORY_MB,
      ...common,
      environment: {
        ...genesysAccess,
        DOCUMENTS_BUCKET: props.documents.name,
        DOCUMENT_LIMITS: { maxBytes: settings.maxAttachmentBytes, classificationPages: settings.classificationPages },
      },
      statements: [readGenesysSecret, { sid: "StoreDocuments", actions: ["s3:PutObject"], resources: [documentObjects] }],
    });
    const ocrStart = new NodejsFunction(this, "ocr-start", {
      contract: ATTACHMENT_OCR_START,
      functionName: naming.name("attachment-ocr-start"),
      description: "Starts Textract text detection and parks the task token",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.ocrStart,
      ...common,
      environment: {
        DOCUMENTS_BUCKET: props.documents.name,
        TASK_TOKEN_TABLE_NAME: callback.tokens.name,
        TEXTRACT_TOPIC_ARN: callback.topic.arn,
        TEXTRACT_ROLE_ARN: callback.textractRole.arn,
      },
      statements: [
        // Textract's asynchronous operations have no resource-level permissions.
        { sid: "StartTextDetection", actions: ["textract:StartDocumentTextDetection"], resources: ["*"] },
        { sid: "ReadDocuments", actions: ["s3:GetObject"], resources: [documentObjects] },
        { sid: "PassTextractRole", actions: ["iam:PassRole"], resources: [callback.textractRole.arn] },
        { sid: "ParkTaskToken", actions: ["dynamodb:PutItem"], resources: [callback.tokens.arn] },
      ],
    });
    const classify = classifierFunction(this, "classify", {
      naming,
      aws: props.aws,
      functionDefaults: common,
      protectData: props.protectData,
      corpusFile: props.corpusFile,
      purpose: "document-types",
      settings: settings.classifier,
      routedLabels: { setting: "attachmentRouting.documentQueues", labels: Object.keys(settings.documentQueues) },
      contract: ATTACHMENT_CLASSIFY,
      functionName: naming.name("attachment-classify"),
      description: "Classifies the documents' text and decides where the email goes",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.classify,
      memoryMb: 512,
      environment: { DOCUMENTS_BUCKET: props.documents.name, DOCUMENT_QUEUES: settings.documentQueues },
      statements: [{ sid: "ReadDocumentText", actions: ["s3:GetObject"], resources: [documentObjects] }],
    }).function;
    const route = new NodejsFunction(this, "route", {
      contract: ATTACHMENT_ROUTE,
      functionName: naming.name("attachment-route"),
      description: "Writes the document attributes and moves the email out of the triage queue",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.route,
      ...common,
      environment: {
        ...genesysAccess,
        QUEUE_IDS: props.queueIds,
        FALLBACK_QUEUE_ID: props.fallbackQueueId,
        RESEND_FROM_ADDRESS: props.fromAddress,
        RESEND_FROM_NAME: props.fromName,
        RESEND_SUBJECT: settings.resendRequest.subject,
        RESEND_BODY: settings.resendRequest.message,
      },
      statements: [readGenesysSecret],
    });

    this.rescueDeadLetters = deadLetterQueue(
      this,
      "unrouted-emails",
      naming.name("attachment-rescue-dlq"),
      "An execution ended without routing its email and the fallback could not move it: the email is still in the triage queue",
    );
    const fallback = new NodejsFunction(this, "fallback", {
      contract: ATTACHMENT_FALLBACK,
      functionName: naming.name("attachment-fallback"),
      description: "Moves an email the pipeline could not route out of the triage queue, to its text intent's queue",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.fallback,
      ...common,
      environment: { ...genesysAccess, QUEUE_IDS: props.queueIds, FALLBACK_QUEUE_ID: props.fallbackQueueId },
      statements: [readGenesysSecret],
      // Invoked asynchronously by the status-change rule: what it keeps failing on is kept, with an alarm.
      asyncInvocation: { onFailureQueueArn: this.rescueDeadLetters.arn, maximumRetryAttempts: 2, maximumEventAgeSeconds: 3_600 },
    });
    this.functions = { load, ocrStart, classify, route, fallback };

    const role = new IamRole(this, "role", {
      name: props.name,
      assumeRolePolicy: assumeRolePolicy({ service: "states.amazonaws.com", conditions: { StringEquals: { "aws:SourceAccount": props.aws.accountId } } }),
    });
    const logLevel = props.executionLogLevel;
    if (logLevel !== "OFF") {
      // Step Functions' vended logs: the /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small.
      this.executionLogs = new CloudwatchLogGroup(this, "execution-logs", { name: `/aws/vendedlogs/states/${props.name}`, retentionInDays: common.logRetentionDays });
    }
    const statements: PolicyStatement[] = [{ sid: "InvokeSteps", actions: ["lambda:InvokeFunction"], resources: Object.values(this.functions).map((f) => f.function.arn) }];
    if (this.executionLogs) {
      // Step Functions sets up log delivery with the role's credentials; these actions take "*" only.
      statements.push({
        sid: "DeliverExecutionLogs",
        actions: [...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS],
        resources: ["*"],
      });
    }
    if (common.tracing) {
      // X-Ray's write actions have no resource-level permissions.
      statements.push({ sid: "WriteTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] });
    }
    const policy = new IamRolePolicy(this, "policy", { role: role.name, name: "run-pipeline", policy: policyDocument(statements) });

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: props.name,
      type: "STANDARD",
      roleArn: role.arn,
      definition: JSON.stringify(
        attachmentPipelineDefinition({
          functions: { load: load.function.arn, ocrStart: ocrStart.function.arn, classify: classify.function.arn, route: route.function.arn, fallback: fallback.function.arn },
          ocrTimeoutSeconds: settings.timeoutSeconds,
        }),
      ),
      // Execution data holds customers' addresses and file names: the logs keep events and errors only.
      ...(this.executionLogs ? { loggingConfiguration: { level: logLevel, includeExecutionData: false, logDestination: `${this.executionLogs.arn}:*` } } : {}),
      tracingConfiguration: { enabled: common.tracing },
      dependsOn: [policy],
    });

    this.rescue = new CloudwatchEventRule(this, "rescue", {
      name: naming.name("attachment-rescue"),
      description: "Attachment pipeline executions that ended without routing their email",
      eventPattern: JSON.stringify({
        source: [PIPELINE_STATUS_CHANGE.source],
        "detail-type": [PIPELINE_STATUS_CHANGE.detailType],
        detail: { stateMachineArn: [this.stateMachine.arn], status: [...PIPELINE_STATUS_CHANGE.unroutedStatuses] },
      }),
    });
    allowRuleToSend(this, "unrouted-emails-policy", this.rescueDeadLetters, this.rescue.arn);
    new CloudwatchEventTarget(this, "rescue-target", {
      rule: this.rescue.name,
      arn: fallback.function.arn,
      deadLetterConfig: { arn: this.rescueDeadLetters.arn },
      retryPolicy: { maximumEventAgeInSeconds: 3_600, maximumRetryAttempts: 20 },
    });
    new LambdaPermission(this, "rescue-invoke", {
      statementId: "AllowPipelineRescue",
      action: "lambda:InvokeFunction",
      functionName: fallback.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rescue.arn,
    });

    for (const [metric, description] of [
      ["ExecutionsFailed", "Neither the attachment pipeline nor its fallback could route an email; the rescue tries once more"],
      ["ExecutionsTimedOut", "An attachment pipeline execution ran out of time; the rescue moves its email out of the triage queue"],
      ["ExecutionsAborted", "An attachment pipeline execution was stopped; the rescue moves its email out of the triage queue"],
    ] as const) {
      new CloudwatchMetricAlarm(this, `alarm-${metric}`, {
        alarmName: `${props.name}-${metric}`,
        alarmDescription: description,
        namespace: "AWS/States",
        metricName: metric,
        dimensions: { StateMachineArn: this.stateMachine.arn },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }
  }
}
