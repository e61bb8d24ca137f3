import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { $ZodObject } from "zod/v4/core";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaContract, LambdaEnvironment, renderLambdaEnvironment } from "../../functions/shared/env";
import { functionBundle } from "../../scripts/build/lambda-bundle";
import { assumeRolePolicy, PolicyStatement, policyDocument } from "./iam";

/** What happens to an event a function was invoked with asynchronously (EventBridge, SNS) once it keeps failing. */
export interface AsyncInvocationProps {
  /** ARN of the SQS queue that receives the event and the error after the last retry. */
  readonly onFailureQueueArn: string;
  /** Lambda's own retries after a failed attempt, 0-2 (default 2: after about 1 and 2 minutes). */
  readonly maximumRetryAttempts?: number;
  /** Events older than this go to the queue without another attempt, 60-21600 s (default 6 h). */
  readonly maximumEventAgeSeconds?: number;
}

/** Settings every function of an environment shares; spread them into each function's props. */
export interface FunctionDefaults {
  readonly logRetentionDays: number;
  readonly tracing: boolean;
  readonly sourceMaps: boolean;
}

export interface NodejsFunctionProps<S extends $ZodObject> {
  /** The function's entry point and the environment it parses: the one contract with its code. */
  readonly contract: LambdaContract<S>;
  /** Full function name, from the naming helper. */
  readonly functionName: string;
  readonly description?: string;
  /** Default 10 s. */
  readonly timeoutSeconds?: number;
  /** Default 256 MB. */
  readonly memoryMb?: number;
  /** Default 30 days. */
  readonly logRetentionDays?: number;
  /** The variables the contract declares, typed from it. Reference secrets by ARN, never by value. */
  readonly environment: LambdaEnvironment<S>;
  /** What the function may do beyond writing its own logs. */
  readonly statements?: readonly PolicyStatement[];
  readonly reservedConcurrency?: number;
  /** AWS X-Ray active tracing (default off). */
  readonly tracing?: boolean;
  /** Stack traces through the bundle's source map, paid for at every cold start (default off). */
  readonly sourceMaps?: boolean;
  /** For functions invoked asynchronously: where failed events go, so none is dropped. */
  readonly asyncInvocation?: AsyncInvocationProps;
}

const SECRET_LIKE_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const REFERENCE_SUFFIX = /_(ARN|NAME|ID)$/i;

/**
 * One bundled TypeScript Lambda: its esbuild bundle (from the build cache) packaged as a TerraformAsset, Node.js 22
 * on arm64, its own log group with retention (JSON logs), and its own role allowed only to write
 * that log group plus the statements it is given.
 */
export class NodejsFunction<S extends $ZodObject = $ZodObject> extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps<S>) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? 10;
    const memory = props.memoryMb ?? 256;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) {
      throw new Error(`${props.functionName}: timeoutSeconds must be an integer from 1 to 900, got ${timeout}`);
    }
    if (!Number.isInteger(memory) || memory < 128 || memory > 10240) {
      throw new Error(`${props.functionName}: memoryMb must be an integer from 128 to 10240, got ${memory}`);
    }
    const variables = renderLambdaEnvironment(props.environment);
    for (const key of Object.keys(variables)) {
      if (SECRET_LIKE_NAME.test(key) && !REFERENCE_SUFFIX.test(key)) {
        throw new Error(
          `${props.functionName}: environment variable ${key} looks like a secret; store it in Secrets Manager and pass its ARN`,
        );
      }
    }
    const retries = props.asyncInvocation?.maximumRetryAttempts ?? 2;
    const maxAge = props.asyncInvocation?.maximumEventAgeSeconds ?? 21_600;
    if (!Number.isInteger(retries) || retries < 0 || retries > 2) {
      throw new Error(`${props.functionName}: asyncInvocation.maximumRetryAttempts must be 0, 1 or 2, got ${retries}`);
    }
    if (!Number.isInteger(maxAge) || maxAge < 60 || maxAge > 21_600) {
      throw new Error(`${props.functionName}: asyncInvocation.maximumEventAgeSeconds must be an integer from 60 to 21600, got ${maxAge}`);
    }

    // A reproducible zip from the build cache, hashed by its bytes: unchanged code, unchanged plan.
    const bundle = functionBundle(props.contract.entry);
    const asset = new TerraformAsset(this, "bundle", { path: bundle.archive, type: AssetType.FILE, assetHash: bundle.archiveHash });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });

    this.role = new IamRole(this, "role", {
      name: props.functionName,
      assumeRolePolicy: assumeRolePolicy({ service: "lambda.amazonaws.com" }),
    });

    this.policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.name,
      policy: policyDocument([
        {
          sid: "OwnLogGroup",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
        },
        // X-Ray's write actions have no resource-level permissions.
        ...(props.tracing ? [{ sid: "WriteTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] }] : []),
        ...(props.asyncInvocation
          ? [{ sid: "KeepFailedEvents", actions: ["sqs:SendMessage"], resources: [props.asyncInvocation.onFailureQueueArn] }]
          : []),
        ...(props.statements ?? []),
      ]),
    });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout,
      memorySize: memory,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracingConfig: { mode: props.tracing ? "Active" : "PassThrough" },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
      environment: {
        variables: { ...(props.sourceMaps ? { NODE_OPTIONS: "--enable-source-maps" } : {}), POWERTOOLS_SERVICE_NAME: props.contract.entry, ...variables },
      },
      dependsOn: [this.logGroup],
    });

    if (props.asyncInvocation) {
      new LambdaFunctionEventInvokeConfig(this, "async-invocation", {
        functionName: this.function.functionName,
        maximumRetryAttempts: retries,
        maximumEventAgeInSeconds: maxAge,
        destinationConfig: { onFailure: { destination: props.asyncInvocation.onFailureQueueArn } },
        // The role must be allowed to send to the queue before Lambda accepts the destination.
        dependsOn: [this.policy],
      });
    }
  }
}
