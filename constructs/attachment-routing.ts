import { join } from "node:path";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { EnvironmentSettings } from "../config/environment";
import { ATTACHMENT_CLASSIFY } from "../functions/attachment-routing/classify/environment";
import { ATTACHMENT_LOAD } from "../functions/attachment-routing/load/environment";
import { ATTACHMENT_OCR_COMPLETE } from "../functions/attachment-routing/ocr-complete/environment";
import { ATTACHMENT_OCR_START } from "../functions/attachment-routing/ocr-start/environment";
import { ATTACHMENT_ROUTE } from "../functions/attachment-routing/route/environment";
import { ATTACHMENT_START } from "../functions/attachment-routing/start/environment";
import { attachmentPipelineDefinition } from "./aws/attachment-pipeline-definition";
import { classifierFunction } from "./aws/classifier-function";
import { allowRuleToSend, deadLetterQueue } from "./aws/event-queue";
import { assumeRolePolicy, policyDocument } from "./aws/iam";
import { FunctionDefaults, NodejsFunction } from "./aws/nodejs-function";
import { SecureBucket } from "./aws/secure-bucket";
import { RoutingQueues } from "./genesys/routing-queues";
import { GenesysEventStream } from "./genesys-event-stream";
import { Naming } from "./naming";

export const DOCUMENT_TYPES_CORPUS = join(__dirname, "..", "corpus", "document-types.csv");
export const ACD_START_TOPIC = "v2.detail.events.conversation.{id}.acd.start";

export interface AttachmentRoutingProps {
  readonly naming: Naming;
  readonly settings: EnvironmentSettings["attachmentRouting"];
  readonly aws: EnvironmentSettings["aws"];
  readonly genesysRegion: string;
  /** The triage queue and the document-type queues (made by the stack: the inbound flow needs the triage queue too). */
  readonly queues: RoutingQueues;
  /** Queues the text intent can name, by name, and the fallback queue. */
  readonly intentQueueIds: Readonly<Record<string, string>>;
  readonly fallbackQueueId: string;
  /** Address the resend request comes from: the inbound route's own address. */
  readonly fromAddress: string;
  readonly fromName: string;
  readonly events: GenesysEventStream;
  readonly genesysCredentialsSecretArn: string;
  readonly functionDefaults: FunctionDefaults;
  readonly protectData: boolean;
}

/**
 * Attachment document routing: Genesys' acd.start event for an email entering the triage queue
 * starts one Step Functions execution per conversation, which downloads the attachments to an
 * encrypted bucket, reads their text layer or OCRs them with Textract (callback through SNS),
 * classifies them, writes participant attributes and moves the email to the right queue; an OCR
 * timeout routes it anyway.
 */
export class AttachmentRouting extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly documents: SecureBucket;

  constructor(scope: Construct, id: string, props: AttachmentRoutingProps) {
    super(scope, id);
    const { naming, settings } = props;
    const common = props.functionDefaults;
    const genesysEnvironment = { GENESYS_REGION: props.genesysRegion, GENESYS_CREDENTIALS_SECRET_ARN: props.genesysCredentialsSecretArn };
    const readGenesysSecret = { sid: "ReadGenesysCredentials", actions: ["secretsmanager:GetSecretValue"], resources: [props.genesysCredentialsSecretArn] };

    this.documents = new SecureBucket(this, "documents", {
      bucketName: naming.bucket("documents", props.aws.accountId, props.aws.region),
      expireAfterDays: settings.documentRetentionDays,
      forceDestroy: !props.protectData,
    });
    const documentObjects = `${this.documents.bucket.arn}/conversations/*`;

    const tokens = new DynamodbTable(this, "task-tokens", {
      name: naming.name("ocr-task-tokens"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: "jobId",
      attribute: [{ name: "jobId", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: "expiresAt", enabled: true },
    });

    const snsKey = new DataAwsKmsAlias(this, "sns-key", { name: "alias/aws/sns" });
    const ocrDone = new SnsTopic(this, "ocr-done", { name: naming.name("ocr-done"), kmsMasterKeyId: "alias/aws/sns" });
    const textractRole = new IamRole(this, "textract-role", {
      name: naming.name("textract-notify"),
      assumeRolePolicy: assumeRolePolicy({ service: "textract.amazonaws.com", conditions: { StringEquals: { "aws:SourceAccount": props.aws.accountId } } }),
    });
    new IamRolePolicy(this, "textract-role-policy", {
      role: textractRole.name,
      name: "publish-ocr-done",
      policy: policyDocument([
        { sid: "PublishOcrDone", actions: ["sns:Publish"], resources: [ocrDone.arn] },
        { sid: "EncryptForTopic", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [snsKey.targetKeyArn] },
      ]),
    });

    const load = new NodejsFunction(this, "load", {
      contract: ATTACHMENT_LOAD,
      functionName: naming.name("attachment-load"),
      description: "Reads the email's attachments from Genesys, stores and inspects them",
      timeoutSeconds: 120,
      memoryMb: 1024,
      ...common,
      environment: {
        ...genesysEnvironment,
        DOCUMENTS_BUCKET: this.documents.bucket.id,
        DOCUMENT_LIMITS: { maxBytes: settings.maxAttachmentBytes, classificationPages: settings.classificationPages },
      },
      statements: [readGenesysSecret, { sid: "StoreDocuments", actions: ["s3:PutObject"], resources: [documentObjects] }],
    });
    const ocrStart = new NodejsFunction(this, "ocr-start", {
      contract: ATTACHMENT_OCR_START,
      functionName: naming.name("attachment-ocr-start"),
      description: "Starts Textract text detection and parks the task token",
      timeoutSeconds: 30,
      ...common,
      environment: {
        DOCUMENTS_BUCKET: this.documents.bucket.id,
        TASK_TOKEN_TABLE_NAME: tokens.name,
        TEXTRACT_TOPIC_ARN: ocrDone.arn,
        TEXTRACT_ROLE_ARN: textractRole.arn,
      },
      statements: [
        // Textract's asynchronous operations have no resource-level permissions.
        { sid: "StartTextDetection", actions: ["textract:StartDocumentTextDetection"], resources: ["*"] },
        { sid: "ReadDocuments", actions: ["s3:GetObject"], resources: [documentObjects] },
        { sid: "PassTextractRole", actions: ["iam:PassRole"], resources: [textractRole.arn] },
        { sid: "ParkTaskToken", actions: ["dynamodb:PutItem"], resources: [tokens.arn] },
      ],
    });
    const classify = classifierFunction(this, "classify", {
      naming,
      aws: props.aws,
      functionDefaults: props.functionDefaults,
      protectData: props.protectData,
      corpusFile: DOCUMENT_TYPES_CORPUS,
      purpose: "document-types",
      settings: settings.classifier,
      routedLabels: { setting: "attachmentRouting.documentQueues", labels: Object.keys(settings.documentQueues) },
      contract: ATTACHMENT_CLASSIFY,
      functionName: naming.name("attachment-classify"),
      description: "Classifies the documents' text and decides where the email goes",
      timeoutSeconds: 30,
      memoryMb: 512,
      environment: { DOCUMENTS_BUCKET: this.documents.bucket.id, DOCUMENT_QUEUES: settings.documentQueues },
      statements: [{ sid: "ReadDocumentText", actions: ["s3:GetObject"], resources: [documentObjects] }],
    }).function;
    const queueIds = { ...props.intentQueueIds, ...Object.fromEntries([...props.queues.byName].map(([name, queue]) => [name, queue.id])) };
    const route = new NodejsFunction(this, "route", {
      contract: ATTACHMENT_ROUTE,
      functionName: naming.name("attachment-route"),
      description: "Writes the document attributes and moves the email out of the triage queue",
      timeoutSeconds: 60,
      ...common,
      environment: {
        ...genesysEnvironment,
        QUEUE_IDS: queueIds,
        FALLBACK_QUEUE_ID: props.fallbackQueueId,
        RESEND_FROM_ADDRESS: props.fromAddress,
        RESEND_FROM_NAME: props.fromName,
        RESEND_SUBJECT: settings.resendRequest.subject,
        RESEND_BODY: settings.resendRequest.message,
      },
      statements: [readGenesysSecret],
    });

    const machineRole = new IamRole(this, "state-machine-role", {
      name: naming.name("attachment-pipeline"),
      assumeRolePolicy: assumeRolePolicy({ service: "states.amazonaws.com", conditions: { StringEquals: { "aws:SourceAccount": props.aws.accountId } } }),
    });
    const machinePolicy = new IamRolePolicy(this, "state-machine-policy", {
      role: machineRole.name,
      name: "invoke-steps",
      policy: policyDocument([
        { sid: "InvokeSteps", actions: ["lambda:InvokeFunction"], resources: [load, ocrStart, classify, route].map((f) => f.function.arn) },
      ]),
    });
    this.stateMachine = new SfnStateMachine(this, "pipeline", {
      name: naming.name("attachment-pipeline"),
      type: "STANDARD",
      roleArn: machineRole.arn,
      definition: JSON.stringify(
        attachmentPipelineDefinition({
          functions: { load: load.function.arn, ocrStart: ocrStart.function.arn, classify: classify.function.arn, route: route.function.arn },
          ocrTimeoutSeconds: settings.timeoutSeconds,
        }),
      ),
      dependsOn: [machinePolicy],
    });

    const ocrComplete = new NodejsFunction(this, "ocr-complete", {
      contract: ATTACHMENT_OCR_COMPLETE,
      functionName: naming.name("attachment-ocr-complete"),
      description: "Collects Textract's text and resumes the waiting execution (late results are ignored)",
      timeoutSeconds: 60,
      memoryMb: 512,
      ...common,
      environment: { DOCUMENTS_BUCKET: this.documents.bucket.id, TASK_TOKEN_TABLE_NAME: tokens.name },
      statements: [
        { sid: "FindTaskToken", actions: ["dynamodb:GetItem", "dynamodb:DeleteItem"], resources: [tokens.arn] },
        // Textract's asynchronous operations have no resource-level permissions.
        { sid: "ReadTextDetection", actions: ["textract:GetDocumentTextDetection"], resources: ["*"] },
        { sid: "StoreText", actions: ["s3:PutObject"], resources: [documentObjects] },
        { sid: "ResumeExecution", actions: ["states:SendTaskSuccess", "states:SendTaskFailure"], resources: [this.stateMachine.arn] },
      ],
    });
    new SnsTopicSubscription(this, "ocr-done-subscription", { topicArn: ocrDone.arn, protocol: "lambda", endpoint: ocrComplete.function.arn });
    new LambdaPermission(this, "ocr-done-invoke", {
      statementId: "AllowOcrDoneTopic",
      action: "lambda:InvokeFunction",
      functionName: ocrComplete.function.functionName,
      principal: "sns.amazonaws.com",
      sourceArn: ocrDone.arn,
    });

    const triageQueueId = props.queues.get(settings.triageQueue).id;
    const start = new NodejsFunction(this, "start", {
      contract: ATTACHMENT_START,
      functionName: naming.name("attachment-start"),
      description: "Starts one pipeline execution per email entering the triage queue",
      timeoutSeconds: 10,
      ...common,
      environment: { STATE_MACHINE_ARN: this.stateMachine.arn, TRIAGE_QUEUE_ID: triageQueueId },
      statements: [{ sid: "StartPipeline", actions: ["states:StartExecution"], resources: [this.stateMachine.arn] }],
    });
    const rule = new CloudwatchEventRule(this, "triage-arrivals", {
      name: naming.name("triage-arrivals"),
      description: "Emails entering the document triage queue",
      eventBusName: props.events.bus.name,
      eventPattern: JSON.stringify({
        source: [props.events.sourceName],
        "detail-type": [ACD_START_TOPIC],
        detail: { eventBody: { queueId: [triageQueueId] } },
      }),
    });
    const missed = deadLetterQueue(
      this,
      "missed-arrivals",
      naming.name("triage-arrivals-dlq"),
      "Triage arrivals that could not start a pipeline are waiting in the dead-letter queue",
    );
    allowRuleToSend(this, "missed-arrivals-policy", missed, rule.arn);
    new CloudwatchEventTarget(this, "start-target", {
      rule: rule.name,
      eventBusName: props.events.bus.name,
      arn: start.function.arn,
      deadLetterConfig: { arn: missed.arn },
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 },
    });
    new LambdaPermission(this, "start-invoke", {
      statementId: "AllowTriageArrivals",
      action: "lambda:InvokeFunction",
      functionName: start.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });

    for (const [metric, description] of [
      ["ExecutionsFailed", "An email's attachments could not be processed; it may still be in the triage queue"],
      ["ExecutionsTimedOut", "An attachment pipeline execution timed out"],
    ] as const) {
      new CloudwatchMetricAlarm(this, `alarm-${metric}`, {
        alarmName: `${naming.name("attachment-pipeline")}-${metric}`,
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
