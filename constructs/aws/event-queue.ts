import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { policyDocument } from "./iam";

export interface EventQueueProps {
  /** Queue name; the dead-letter queue is `<name>-dlq`. */
  readonly name: string;
  readonly eventBusName: string;
  /** EventBridge event pattern of the events to queue. */
  readonly eventPattern: Record<string, unknown>;
  /** Timeout of the consuming function: the visibility timeout is at least six times it, plus the batching window. */
  readonly consumerTimeoutSeconds: number;
  readonly batchWindowSeconds: number;
  /** Receives before a message is dead-lettered. Default 5, the minimum allowed here. */
  readonly maxReceiveCount?: number;
  /** Alarm when the oldest message waits longer than this. */
  readonly oldestMessageAlarmSeconds: number;
}

const FOUR_DAYS = 4 * 24 * 3600;
const FOURTEEN_DAYS = 14 * 24 * 3600;

/** A queue policy letting exactly one EventBridge rule send to the queue. */
export function allowRuleToSend(scope: Construct, id: string, queue: SqsQueue, ruleArn: string): SqsQueuePolicy {
  return new SqsQueuePolicy(scope, id, {
    queueUrl: queue.url,
    policy: policyDocument([
      {
        sid: "OnlyThisRule",
        principals: { Service: "events.amazonaws.com" },
        actions: ["sqs:SendMessage"],
        resources: [queue.arn],
        conditions: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ]),
  });
}

/** An encrypted dead-letter queue that keeps messages 14 days, with an alarm as soon as one arrives. */
export function deadLetterQueue(scope: Construct, id: string, name: string, description: string): SqsQueue {
  const queue = new SqsQueue(scope, id, { name, sqsManagedSseEnabled: true, messageRetentionSeconds: FOURTEEN_DAYS });
  new CloudwatchMetricAlarm(scope, `${id}-depth-alarm`, {
    alarmName: `${name}-not-empty`,
    alarmDescription: description,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.name },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  });
  return queue;
}

/**
 * An EventBridge rule feeding an encrypted SQS queue with a dead-letter queue that keeps messages
 * longer, both writable only by that rule, and alarms on dead-letter depth and on the age of the
 * oldest queued message.
 */
export class EventQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (maxReceiveCount < 5) throw new Error(`${props.name}: maxReceiveCount must be at least 5, got ${maxReceiveCount}`);

    this.deadLetterQueue = deadLetterQueue(this, "dlq", `${props.name}-dlq`, "Events that could not be processed are waiting in the dead-letter queue");
    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: FOUR_DAYS,
      visibilityTimeoutSeconds: 6 * props.consumerTimeoutSeconds + props.batchWindowSeconds,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount }),
    });

    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.name,
      description: "Genesys Cloud events for this queue",
      eventBusName: props.eventBusName,
      eventPattern: JSON.stringify(props.eventPattern),
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      eventBusName: props.eventBusName,
      arn: this.queue.arn,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
    });
    allowRuleToSend(this, "queue-policy", this.queue, this.rule.arn);
    allowRuleToSend(this, "dlq-policy", this.deadLetterQueue, this.rule.arn);

    new CloudwatchMetricAlarm(this, "oldest-message-alarm", {
      alarmName: `${props.name}-falling-behind`,
      alarmDescription: `The oldest queued event is older than ${props.oldestMessageAlarmSeconds} s`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: this.queue.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: props.oldestMessageAlarmSeconds,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
  }
}
