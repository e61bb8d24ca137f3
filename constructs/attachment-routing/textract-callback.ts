import { Construct } from "constructs";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";
import { TOKEN_TABLE_KEYS } from "../../functions/attachment-routing/core/token-table";
import { ATTACHMENT_OCR_COMPLETE } from "../../functions/attachment-routing/ocr-complete/environment";
import { deadLetterQueue } from "../aws/event-queue";
import { assumeRolePolicy, policyDocument } from "../aws/iam";
import { FunctionDefaults, NodejsFunction } from "../aws/nodejs-function";
import { Naming } from "../naming";
import { DocumentsBucket } from "./documents";

export interface TextractCallbackProps {
  readonly naming: Naming;
  readonly accountId: string;
  readonly documents: DocumentsBucket;
  /** The state machine whose waiting tasks the completions resume. */
  readonly stateMachineArn: string;
  /** How long a task waits for its OCR: a completion event older than this is not retried. */
  readonly ocrTimeoutSeconds: number;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * The way back from Textract to a waiting execution: the encrypted SNS topic Textract publishes its
 * completion to (through a role it may only publish with), the table where attachment-ocr-start parks
 * each task token under its JobId, and attachment-ocr-complete, which collects the text and resumes the
 * task. A completion that keeps failing is kept, never dropped: SNS retries its deliveries to Lambda
 * (an asynchronous invocation), events the function fails on after Lambda's retries go to the
 * dead-letter queue, and so do messages it rejects; an alarm fires on the first.
 */
export class TextractCallback extends Construct {
  readonly topic: SnsTopic;
  /** The role Textract assumes to publish to the topic (StartDocumentTextDetection's NotificationChannel). */
  readonly textractRole: IamRole;
  readonly tokens: DynamodbTable;
  readonly completion: NodejsFunction;
  readonly deadLetters: SqsQueue;

  constructor(scope: Construct, id: string, props: TextractCallbackProps) {
    super(scope, id);
    const { naming } = props;

    this.tokens = new DynamodbTable(this, "task-tokens", {
      name: naming.name("ocr-task-tokens"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: TOKEN_TABLE_KEYS.partition,
      attribute: [{ name: TOKEN_TABLE_KEYS.partition, type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: TOKEN_TABLE_KEYS.ttl, enabled: true },
    });

    const snsKey = new DataAwsKmsAlias(this, "sns-key", { name: "alias/aws/sns" });
    this.topic = new SnsTopic(this, "ocr-done", { name: naming.name("ocr-done"), kmsMasterKeyId: "alias/aws/sns" });
    this.textractRole = new IamRole(this, "textract-role", {
      name: naming.name("textract-notify"),
      assumeRolePolicy: assumeRolePolicy({ service: "textract.amazonaws.com", conditions: { StringEquals: { "aws:SourceAccount": props.accountId } } }),
    });
    new IamRolePolicy(this, "textract-role-policy", {
      role: this.textractRole.name,
      name: "publish-ocr-done",
      policy: policyDocument([
        { sid: "PublishOcrDone", actions: ["sns:Publish"], resources: [this.topic.arn] },
        { sid: "EncryptForTopic", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [snsKey.targetKeyArn] },
      ]),
    });

    this.deadLetters = deadLetterQueue(
      this,
      "failed-completions",
      naming.name("ocr-completions-dlq"),
      "Textract completions that could not resume their execution are waiting in the dead-letter queue",
    );

    this.completion = new NodejsFunction(this, "ocr-complete", {
      contract: ATTACHMENT_OCR_COMPLETE,
      functionName: naming.name("attachment-ocr-complete"),
      description: "Collects Textract's text and resumes the waiting execution (late results are ignored)",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.ocrComplete,
      memoryMb: 512,
      ...props.functionDefaults,
      environment: { DOCUMENTS_BUCKET: props.documents.name, TASK_TOKEN_TABLE_NAME: this.tokens.name, DEAD_LETTER_QUEUE_URL: this.deadLetters.url },
      statements: [
        { sid: "FindTaskToken", actions: ["dynamodb:GetItem", "dynamodb:DeleteItem"], resources: [this.tokens.arn] },
        // Textract's asynchronous operations have no resource-level permissions.
        { sid: "ReadTextDetection", actions: ["textract:GetDocumentTextDetection"], resources: ["*"] },
        { sid: "StoreText", actions: ["s3:PutObject"], resources: [props.documents.objectsArn] },
        { sid: "ResumeExecution", actions: ["states:SendTaskSuccess", "states:SendTaskFailure"], resources: [props.stateMachineArn] },
      ],
      // A retry after Lambda's 1-2 minutes can only help a longer OCR wait: older events go straight to the queue.
      asyncInvocation: { onFailureQueueArn: this.deadLetters.arn, maximumRetryAttempts: 2, maximumEventAgeSeconds: Math.min(21_600, Math.max(60, props.ocrTimeoutSeconds)) },
    });

    new LambdaPermission(this, "ocr-done-invoke", {
      statementId: "AllowOcrDoneTopic",
      action: "lambda:InvokeFunction",
      functionName: this.completion.function.functionName,
      principal: "sns.amazonaws.com",
      sourceArn: this.topic.arn,
    });
    new SnsTopicSubscription(this, "ocr-done-subscription", {
      topicArn: this.topic.arn,
      protocol: "lambda",
      endpoint: this.completion.function.arn,
    });
  }
}
