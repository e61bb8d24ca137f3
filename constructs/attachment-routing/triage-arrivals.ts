import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { ACD_START_TOPIC } from "../../functions/attachment-routing/core/events";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";
import { ATTACHMENT_START } from "../../functions/attachment-routing/start/environment";
import { allowRuleToSend, deadLetterQueue } from "../aws/event-queue";
import { FunctionDefaults, NodejsFunction } from "../aws/nodejs-function";
import { GenesysEventStream } from "../genesys-event-stream";
import { Naming } from "../naming";

export interface TriageArrivalsProps {
  readonly naming: Naming;
  readonly events: GenesysEventStream;
  readonly triageQueueId: string;
  readonly stateMachineArn: string;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Emails entering the triage queue: an EventBridge rule on the Genesys event bus for acd.start on that
 * queue, invoking attachment-start (asynchronously), which starts one pipeline execution per conversation.
 * No arrival is dropped: EventBridge keeps retrying deliveries for an hour, then dead-letters them; the
 * function dead-letters events it can never handle at once; and events it keeps failing on (throttling,
 * the state machine unreachable) reach the same queue after Lambda's two retries. An alarm fires on the
 * first message there.
 */
export class TriageArrivals extends Construct {
  readonly start: NodejsFunction;
  readonly rule: CloudwatchEventRule;
  readonly deadLetters: SqsQueue;

  constructor(scope: Construct, id: string, props: TriageArrivalsProps) {
    super(scope, id);
    const { naming } = props;

    this.rule = new CloudwatchEventRule(this, "rule", {
      name: naming.name("triage-arrivals"),
      description: "Emails entering the document triage queue",
      eventBusName: props.events.bus.name,
      eventPattern: JSON.stringify({
        source: [props.events.sourceName],
        "detail-type": [ACD_START_TOPIC],
        detail: { eventBody: { queueId: [props.triageQueueId] } },
      }),
    });
    this.deadLetters = deadLetterQueue(
      this,
      "missed-arrivals",
      naming.name("triage-arrivals-dlq"),
      "Triage arrivals that could not start a pipeline are waiting in the dead-letter queue; their emails wait in the triage queue",
    );
    allowRuleToSend(this, "missed-arrivals-policy", this.deadLetters, this.rule.arn);

    this.start = new NodejsFunction(this, "start", {
      contract: ATTACHMENT_START,
      functionName: naming.name("attachment-start"),
      description: "Starts one pipeline execution per email entering the triage queue",
      timeoutSeconds: STEP_TIMEOUT_SECONDS.start,
      ...props.functionDefaults,
      environment: { STATE_MACHINE_ARN: props.stateMachineArn, TRIAGE_QUEUE_ID: props.triageQueueId, DEAD_LETTER_QUEUE_URL: this.deadLetters.url },
      statements: [{ sid: "StartPipeline", actions: ["states:StartExecution"], resources: [props.stateMachineArn] }],
      asyncInvocation: { onFailureQueueArn: this.deadLetters.arn, maximumRetryAttempts: 2, maximumEventAgeSeconds: 3_600 },
    });

    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      eventBusName: props.events.bus.name,
      arn: this.start.function.arn,
      deadLetterConfig: { arn: this.deadLetters.arn },
      retryPolicy: { maximumEventAgeInSeconds: 3_600, maximumRetryAttempts: 20 },
    });
    new LambdaPermission(this, "invoke", {
      statementId: "AllowTriageArrivals",
      action: "lambda:InvokeFunction",
      functionName: this.start.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
