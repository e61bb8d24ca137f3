import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { assumeRolePolicy, PolicyStatement, policyDocument } from "./iam";
import { functionBundle } from "../../scripts/build/lambda-bundle";

export interface NodejsFunctionProps {
  /** Folder under `functions/` holding the `index.ts` entry point. */
  readonly entry: string;
  /** Full function name, from the naming helper. */
  readonly functionName: string;
  readonly description?: string;
  /** Default 10 s. */
  readonly timeoutSeconds?: number;
  /** Default 256 MB. */
  readonly memoryMb?: number;
  /** Default 30 days. */
  readonly logRetentionDays?: number;
  /** Plain configuration only; names that look like secrets are refused. Reference secrets by ARN. */
  readonly environment?: Record<string, string>;
  /** What the function may do beyond writing its own logs. */
  readonly statements?: readonly PolicyStatement[];
  readonly reservedConcurrency?: number;
}

const SECRET_LIKE_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const REFERENCE_SUFFIX = /_(ARN|NAME|ID)$/i;

/**
 * One bundled TypeScript Lambda: its esbuild bundle (from the build cache) packaged as a TerraformAsset, Node.js 22
 * on arm64, its own log group with retention (JSON logs), and its own role allowed only to write
 * that log group plus the statements it is given.
 */
export class NodejsFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? 10;
    const memory = props.memoryMb ?? 256;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) {
      throw new Error(`${props.functionName}: timeoutSeconds must be an integer from 1 to 900, got ${timeout}`);
    }
    if (!Number.isInteger(memory) || memory < 128 || memory > 10240) {
      throw new Error(`${props.functionName}: memoryMb must be an integer from 128 to 10240, got ${memory}`);
    }
    for (const key of Object.keys(props.environment ?? {})) {
      if (SECRET_LIKE_NAME.test(key) && !REFERENCE_SUFFIX.test(key)) {
        throw new Error(
          `${props.functionName}: environment variable ${key} looks like a secret; store it in Secrets Manager and pass its ARN`,
        );
      }
    }

    // A reproducible zip from the build cache, hashed by its bytes: unchanged code, unchanged plan.
    const bundle = functionBundle(props.entry);
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
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
      environment: {
        variables: { NODE_OPTIONS: "--enable-source-maps", POWERTOOLS_SERVICE_NAME: props.entry, ...props.environment },
      },
      dependsOn: [this.logGroup],
    });
  }
}
