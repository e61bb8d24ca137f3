import { Environment } from "../../config/environment";
import { PolicyStatement, STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS } from "../aws/iam";
import { partitionOf, resourcePrefix } from "./ci-names";

/** What a grant is made for: one environment in one account and region. */
export interface GrantContext {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** `<prefix>-<env>`: the start of every name the environment's stack gives. */
  readonly prefix: string;
  /** Suffix of the Genesys partner event source (and so of the partner event bus's name). */
  readonly eventSourceSuffix: string;
  readonly roleArnPattern: string;
}

export function grantContext(environment: Environment): GrantContext {
  const partition = partitionOf(environment.aws.region);
  const prefix = resourcePrefix(environment);
  return {
    partition,
    account: environment.aws.accountId,
    region: environment.aws.region,
    prefix,
    eventSourceSuffix: environment.identityGraph.eventSourceSuffix ?? `${prefix}-events`,
    roleArnPattern: `arn:${partition}:iam::${environment.aws.accountId}:role/${prefix}-*`,
  };
}

const arn = (c: GrantContext, service: string, resource: string, scope: "regional" | "global" | "s3" = "regional") =>
  scope === "s3" ? `arn:${c.partition}:s3:::${resource}` : `arn:${c.partition}:${service}:${scope === "regional" ? c.region : ""}:${c.account}:${resource}`;

/**
 * What the deploy role may change, one grant per group of Terraform types the environment stack
 * manages. Reads (refresh, data sources) come from the AWS managed ReadOnlyAccess policy both CI
 * roles carry, so the grants below hold only the writes. test/infrastructure/bootstrap-stack.synth.test.ts
 * fails when a stack holds a type no grant names: add its writes here when a capability adds one.
 * Each resource pattern starts with the environment's `<prefix>-<env>-`, except where `broader` says why not.
 * UNCONFIRMED: the write actions are those the AWS provider's create, update and delete call for each
 * type, read from its behaviour, not yet proven by a real apply and destroy with this role; an
 * AccessDenied names the missing action (docs/sandbox-checklist.md).
 */
export interface DeployGrant {
  readonly sid: string;
  readonly types: readonly string[];
  readonly actions: readonly string[];
  readonly resources: (c: GrantContext) => string[];
  readonly conditions?: (c: GrantContext) => NonNullable<PolicyStatement["conditions"]>;
  readonly broader?: string;
}

/** Data sources that need no more than ReadOnlyAccess. */
export const READ_ONLY_DATA_SOURCES: readonly string[] = ["aws_kms_alias", "aws_caller_identity", "aws_region", "aws_partition", "aws_iam_policy_document"];

/** Reads a plan needs beyond ReadOnlyAccess, given to both CI roles. */
export const PLAN_GRANTS: readonly DeployGrant[] = [
  {
    sid: "ReadOwnSecrets",
    // Refreshing aws_secretsmanager_secret_version calls GetSecretValue (provider secret_version.go);
    // ReadOnlyAccess does not include it.
    types: [],
    actions: ["secretsmanager:GetSecretValue"],
    resources: (c) => [arn(c, "secretsmanager", `secret:${c.prefix}-*`)],
  },
  {
    sid: "RandomPasswords",
    types: ["data.aws_secretsmanager_random_password"],
    actions: ["secretsmanager:GetRandomPassword"],
    resources: () => ["*"],
    broader: "GetRandomPassword acts on no resource: IAM accepts only Resource \"*\" for it.",
  },
];

export const DEPLOY_GRANTS: readonly DeployGrant[] = [
  {
    sid: "ManageRolesWithinBoundary",
    types: ["aws_iam_role", "aws_iam_role_policy"],
    // Only these four actions take the iam:PermissionsBoundary condition key; with it, every role the
    // stack creates carries the workload boundary, so an inline policy can never lift a role above it.
    actions: ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"],
    resources: (c) => [c.roleArnPattern],
    conditions: (c) => ({ StringEquals: { "iam:PermissionsBoundary": `arn:${c.partition}:iam::${c.account}:policy/ci/${c.prefix}-workload-boundary` } }),
  },
  {
    sid: "ManageRoles",
    types: ["aws_iam_role"],
    actions: ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"],
    resources: (c) => [c.roleArnPattern],
  },
  {
    sid: "PassRolesToServices",
    types: [],
    actions: ["iam:PassRole"],
    resources: (c) => [c.roleArnPattern],
    conditions: () => ({ StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "states.amazonaws.com", "comprehend.amazonaws.com"] } }),
  },
  {
    sid: "ManageFunctions",
    types: ["aws_lambda_function", "aws_lambda_permission", "aws_lambda_invocation", "aws_lambda_function_event_invoke_config"],
    actions: [
      "lambda:CreateFunction",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:PublishVersion",
      "lambda:PutFunctionConcurrency",
      "lambda:DeleteFunctionConcurrency",
      "lambda:AddPermission",
      "lambda:RemovePermission",
      "lambda:InvokeFunction",
      "lambda:PutFunctionEventInvokeConfig",
      "lambda:UpdateFunctionEventInvokeConfig",
      "lambda:DeleteFunctionEventInvokeConfig",
      "lambda:TagResource",
      "lambda:UntagResource",
    ],
    resources: (c) => [arn(c, "lambda", `function:${c.prefix}-*`)],
  },
  {
    sid: "ManageEventSourceMappings",
    types: ["aws_lambda_event_source_mapping"],
    actions: ["lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"],
    resources: () => ["*"],
    conditions: (c) => ({ ArnLike: { "lambda:FunctionArn": arn(c, "lambda", `function:${c.prefix}-*`) } }),
    // UNCONFIRMED: that IAM evaluates lambda:FunctionArn on all three actions with Resource "*".
    broader: "CreateEventSourceMapping names no resource (mappings get generated ids); the lambda:FunctionArn condition keeps it to the environment's functions.",
  },
  {
    sid: "ManageLogGroups",
    types: ["aws_cloudwatch_log_group"],
    actions: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup"],
    resources: (c) => [arn(c, "logs", `log-group:/aws/*/${c.prefix}-*`)],
  },
  {
    sid: "StepFunctionsLogDelivery",
    types: [],
    actions: [...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS],
    resources: () => ["*"],
    broader: "Log deliveries and the account's log resource policy are not named resources; AWS documents Resource \"*\" for them (UNCONFIRMED that no narrower form works).",
  },
  {
    sid: "ManageAlarms",
    types: ["aws_cloudwatch_metric_alarm"],
    actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    resources: (c) => [arn(c, "cloudwatch", `alarm:${c.prefix}-*`)],
  },
  {
    sid: "ManageTables",
    types: ["aws_dynamodb_table"],
    actions: [
      "dynamodb:CreateTable",
      "dynamodb:DeleteTable",
      "dynamodb:UpdateTable",
      "dynamodb:UpdateTimeToLive",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:TagResource",
      "dynamodb:UntagResource",
    ],
    resources: (c) => [arn(c, "dynamodb", `table/${c.prefix}-*`)],
  },
  {
    sid: "ManageBuckets",
    types: [
      "aws_s3_bucket",
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_notification",
      "aws_s3_object",
    ],
    actions: [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:PutBucketTagging",
      "s3:PutBucketVersioning",
      "s3:PutEncryptionConfiguration",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketOwnershipControls",
      "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy",
      "s3:PutLifecycleConfiguration",
      "s3:PutBucketNotification",
      "s3:PutObject",
      "s3:PutObjectTagging",
      "s3:DeleteObject",
      // A sandbox bucket with force_destroy empties every version before it is deleted.
      "s3:DeleteObjectVersion",
    ],
    resources: (c) => [arn(c, "s3", `${c.prefix}-*`, "s3"), arn(c, "s3", `${c.prefix}-*/*`, "s3")],
  },
  {
    sid: "ManageQueues",
    types: ["aws_sqs_queue", "aws_sqs_queue_policy", "aws_sqs_queue_redrive_policy"],
    actions: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"],
    resources: (c) => [arn(c, "sqs", `${c.prefix}-*`)],
  },
  {
    sid: "ManageTopics",
    types: ["aws_sns_topic", "aws_sns_topic_subscription", "aws_sns_topic_policy"],
    actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource"],
    // Subscription ARNs are `<topic ARN>:<id>`, so the same pattern covers them.
    resources: (c) => [arn(c, "sns", `${c.prefix}-*`)],
  },
  {
    sid: "ManageSecrets",
    types: ["aws_secretsmanager_secret", "aws_secretsmanager_secret_version"],
    actions: [
      "secretsmanager:CreateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
      "secretsmanager:RestoreSecret",
      "secretsmanager:PutResourcePolicy",
      "secretsmanager:DeleteResourcePolicy",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
    ],
    resources: (c) => [arn(c, "secretsmanager", `secret:${c.prefix}-*`)],
  },
  {
    sid: "ManageStateMachines",
    types: ["aws_sfn_state_machine"],
    actions: ["states:CreateStateMachine", "states:UpdateStateMachine", "states:DeleteStateMachine", "states:TagResource", "states:UntagResource"],
    resources: (c) => [arn(c, "states", `stateMachine:${c.prefix}-*`)],
  },
  {
    sid: "ManageGenesysEventBus",
    types: ["aws_cloudwatch_event_bus", "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target"],
    actions: [
      "events:CreateEventBus",
      "events:UpdateEventBus",
      "events:DeleteEventBus",
      "events:PutRule",
      "events:DeleteRule",
      "events:EnableRule",
      "events:DisableRule",
      "events:PutTargets",
      "events:RemoveTargets",
      "events:TagResource",
      "events:UntagResource",
    ],
    // The partner bus is named after its event source, `aws.partner/genesys.com/cloud/<org id>/<suffix>`;
    // the org id is only known to Genesys, hence the `*` in its place.
    resources: (c) => {
      const bus = `aws.partner/genesys.com/cloud/*/${c.eventSourceSuffix}`;
      return [arn(c, "events", `event-bus/${bus}`), arn(c, "events", `rule/${bus}/${c.prefix}-*`)];
    },
  },
  {
    sid: "ManageRestApis",
    types: [
      "aws_api_gateway_rest_api",
      "aws_api_gateway_resource",
      "aws_api_gateway_method",
      "aws_api_gateway_integration",
      "aws_api_gateway_deployment",
      "aws_api_gateway_stage",
      "aws_api_gateway_method_settings",
      "aws_api_gateway_api_key",
      "aws_api_gateway_usage_plan",
      "aws_api_gateway_usage_plan_key",
    ],
    actions: ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
    resources: (c) => ["/restapis", "/restapis/*", "/apikeys", "/apikeys/*", "/usageplans", "/usageplans/*", "/tags/*"].map((path) => `arn:${c.partition}:apigateway:${c.region}::${path}`),
    broader: "API Gateway names REST APIs, keys and usage plans by generated ids, so no name prefix can scope them: the grant covers those of the account's region.",
  },
  {
    sid: "ManageClassifiers",
    types: ["aws_comprehend_document_classifier"],
    actions: ["comprehend:CreateDocumentClassifier", "comprehend:DeleteDocumentClassifier", "comprehend:StopTrainingDocumentClassifier", "comprehend:TagResource", "comprehend:UntagResource"],
    // Versions are `document-classifier/<name>/version/<v>`: covered by the same pattern.
    resources: (c) => [arn(c, "comprehend", `document-classifier/${c.prefix}-*`)],
  },
];

function statementOf(grant: DeployGrant, c: GrantContext): PolicyStatement {
  return {
    sid: grant.sid,
    actions: grant.actions,
    resources: grant.resources(c),
    ...(grant.conditions ? { conditions: grant.conditions(c) } : {}),
  };
}

export function planStatements(environment: Environment): PolicyStatement[] {
  const c = grantContext(environment);
  return PLAN_GRANTS.map((g) => statementOf(g, c));
}

export function deployStatements(environment: Environment): PolicyStatement[] {
  const c = grantContext(environment);
  return DEPLOY_GRANTS.map((g) => statementOf(g, c));
}

/**
 * The permissions boundary of every role the environment's stack creates: whatever an inline policy
 * says, a role can act only on its own environment's resources and on the few services that have no
 * resource-level permissions. It grants nothing by itself, so it names services whole (`s3:*`) and
 * scopes them by resource. No IAM (except passing the environment's roles), no STS.
 */
export function workloadBoundaryStatements(environment: Environment): PolicyStatement[] {
  const c = grantContext(environment);
  const p = c.prefix;
  return [
    {
      sid: "OwnResources",
      actions: ["s3:*", "dynamodb:*", "sqs:*", "sns:*", "secretsmanager:*", "lambda:*", "states:*", "comprehend:*", "events:*", "logs:*", "cloudwatch:*"],
      resources: [
        arn(c, "s3", `${p}-*`, "s3"),
        arn(c, "s3", `${p}-*/*`, "s3"),
        arn(c, "dynamodb", `table/${p}-*`),
        arn(c, "sqs", `${p}-*`),
        arn(c, "sns", `${p}-*`),
        arn(c, "secretsmanager", `secret:${p}-*`),
        arn(c, "lambda", `function:${p}-*`),
        arn(c, "states", `stateMachine:${p}-*`),
        arn(c, "states", `execution:${p}-*`),
        arn(c, "comprehend", `document-classifier/${p}-*`),
        arn(c, "comprehend", `document-classifier-endpoint/${p}-*`),
        arn(c, "events", `event-bus/aws.partner/genesys.com/cloud/*/${c.eventSourceSuffix}`),
        arn(c, "events", `rule/aws.partner/genesys.com/cloud/*/${c.eventSourceSuffix}/${p}-*`),
        arn(c, "logs", `log-group:/aws/*/${p}-*`),
        arn(c, "cloudwatch", `alarm:${p}-*`),
      ],
    },
    {
      sid: "PassOwnRoles",
      actions: ["iam:PassRole"],
      resources: [c.roleArnPattern],
    },
    {
      sid: "NoResourceLevelPermissions",
      // Textract's asynchronous text detection, X-Ray segments and metric data, and log deliveries act on no named resource.
      actions: [
        "textract:StartDocumentTextDetection",
        "textract:GetDocumentTextDetection",
        "textract:DetectDocumentText",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "cloudwatch:PutMetricData",
        ...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS,
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ],
      resources: ["*"],
    },
  ];
}
