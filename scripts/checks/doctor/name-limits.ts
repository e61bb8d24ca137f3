/**
 * Name length limits of the AWS and Genesys objects a stack creates, checked on the synthesized
 * Terraform JSON so that a long prefix, environment or queue name fails before an apply does.
 * Only documented limits are listed, each with its source.
 */
export interface NameLimit {
  readonly type: string;
  readonly attribute: string;
  readonly max: number;
  readonly source: string;
}

export const NAME_LIMITS: readonly NameLimit[] = [
  { type: "aws_lambda_function", attribute: "function_name", max: 64, source: "Lambda CreateFunction: a function name is limited to 64 characters" },
  { type: "aws_iam_role", attribute: "name", max: 64, source: "IAM CreateRole RoleName: 1-64 characters" },
  { type: "aws_iam_role", attribute: "name_prefix", max: 38, source: "Terraform aws_iam_role name_prefix: up to 38 characters (a 26-character suffix follows)" },
  { type: "aws_iam_role_policy", attribute: "name", max: 128, source: "IAM PutRolePolicy PolicyName: 1-128 characters" },
  { type: "aws_sqs_queue", attribute: "name", max: 80, source: "SQS CreateQueue QueueName: up to 80 characters" },
  { type: "aws_sns_topic", attribute: "name", max: 256, source: "SNS CreateTopic Name: 1-256 characters" },
  { type: "aws_s3_bucket", attribute: "bucket", max: 63, source: "S3 bucket naming rules: 3-63 characters" },
  { type: "aws_dynamodb_table", attribute: "name", max: 255, source: "DynamoDB CreateTable TableName: 3-255 characters" },
  { type: "aws_sfn_state_machine", attribute: "name", max: 80, source: "Step Functions CreateStateMachine name: 1-80 characters" },
  { type: "aws_cloudwatch_event_rule", attribute: "name", max: 64, source: "EventBridge PutRule Name: 1-64 characters" },
  { type: "aws_cloudwatch_event_bus", attribute: "name", max: 256, source: "EventBridge CreateEventBus Name: 1-256 characters" },
  { type: "aws_secretsmanager_secret", attribute: "name", max: 512, source: "Secrets Manager CreateSecret Name: 1-512 characters" },
  { type: "aws_secretsmanager_secret", attribute: "name_prefix", max: 486, source: "Secrets Manager name 512 characters, less Terraform's 26-character unique suffix" },
  { type: "aws_cloudwatch_log_group", attribute: "name", max: 512, source: "CloudWatch Logs CreateLogGroup logGroupName: 1-512 characters" },
  { type: "aws_cloudwatch_metric_alarm", attribute: "alarm_name", max: 255, source: "CloudWatch PutMetricAlarm AlarmName: 1-255 characters" },
  { type: "aws_comprehend_document_classifier", attribute: "name", max: 63, source: "Comprehend CreateDocumentClassifier DocumentClassifierName: up to 63 characters" },
  { type: "genesyscloud_integration_action", attribute: "name", max: 256, source: "provider 1.84.1 integration_action schema: StringLenBetween(1, 256)" },
  { type: "genesyscloud_integration_action", attribute: "category", max: 256, source: "provider 1.84.1 integration_action schema: StringLenBetween(1, 256)" },
  { type: "genesyscloud_routing_email_domain", attribute: "domain_id", max: 63, source: "a subdomain label is one DNS label: at most 63 characters (RFC 1035)" },
  { type: "genesyscloud_routing_email_route", attribute: "pattern", max: 64, source: "the local part of an email address: at most 64 characters (RFC 5321)" },
];

/** The Genesys org id is a UUID: 36 characters wherever a name embeds it. */
const ORG_ID_REFERENCE = /\$\{data\.genesyscloud_organizations_me\.[^}]+\.id\}/g;
const ORG_ID_LENGTH = 36;

export interface NameProblem {
  readonly address: string;
  readonly value: string;
  readonly length: number;
  readonly limit: NameLimit;
}

/**
 * Every name over its limit. Names holding other values Terraform resolves later (`${...}`) are
 * measured only when the reference is the org id, whose length is known.
 */
export function namesOverLimits(stack: { resource?: Record<string, Record<string, Record<string, unknown>>> }): { problems: NameProblem[]; checked: number } {
  const problems: NameProblem[] = [];
  let checked = 0;
  for (const limit of NAME_LIMITS) {
    for (const [id, block] of Object.entries(stack.resource?.[limit.type] ?? {})) {
      const value = block[limit.attribute];
      if (typeof value !== "string") continue;
      const withOrgId = value.replace(ORG_ID_REFERENCE, "x".repeat(ORG_ID_LENGTH));
      if (/\$\{/.test(withOrgId.replace(/\$\$\{/g, ""))) continue; // resolved at plan time: length unknown
      const measured = withOrgId.replace(/\$\$\{/g, "${");
      checked++;
      if (measured.length > limit.max) problems.push({ address: `${limit.type}.${id}.${limit.attribute}`, value, length: measured.length, limit });
    }
  }
  return { problems, checked };
}
