import { Construct } from "constructs";
import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { EnvironmentSettings } from "../config/environment";
import { TABLE_KEYS } from "../functions/identity-graph/core/table";
import { IDENTITY_TOPIC_NAMES } from "../functions/identity-graph/core/events";
import { IdentitySettings } from "../functions/identity-graph/core/settings";
import { IDENTITY_ERASE } from "../functions/identity-graph/erase/environment";
import { IDENTITY_RESOLVER } from "../functions/identity-graph/resolver/environment";
import { EventQueue } from "./aws/event-queue";
import { FunctionDefaults, NodejsFunction } from "./aws/nodejs-function";
import { GenesysEventStream } from "./genesys-event-stream";
import { Naming } from "./naming";

/** What TransactWriteItems needs: IAM authorizes each of its actions as the single-item operation (developerguide/transaction-apis-iam.html). */
const TRANSACTION_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"];

export interface IdentityGraphProps {
  readonly naming: Naming;
  readonly settings: EnvironmentSettings["identityGraph"];
  readonly genesysRegion: string;
  readonly events: GenesysEventStream;
  /** Secrets Manager secret of the Genesys OAuth client used for write-back. */
  readonly genesysCredentialsSecretArn: string;
  readonly functionDefaults: FunctionDefaults;
  /**
   * Production data (default true): the table has deletion protection and a deleted hashing key stays
   * recoverable for 30 days. Off (dev), `cdktf destroy` removes both at once so a redeploy can reuse the names.
   */
  readonly protectData?: boolean;
  /**
   * Reserve the resolver's concurrency (default true; see the resolver below). An account must keep 10
   * unreserved executions: a new account whose limit is still 10 cannot reserve any, so turn it off there.
   */
  readonly reserveConcurrency?: boolean;
}

/**
 * The real-time identity graph: Genesys identity events from the partner bus, through an SQS
 * buffer with a dead-letter queue, to a resolver Lambda in batches; the graph in DynamoDB with
 * identifiers stored as keyed hashes (the key in Secrets Manager); the resolved reference written
 * back onto the live conversation; and an erasure function.
 */
export class IdentityGraph extends Construct {
  readonly table: DynamodbTable;
  readonly resolver: NodejsFunction;
  readonly eraser: NodejsFunction;
  readonly events: EventQueue;

  constructor(scope: Construct, id: string, props: IdentityGraphProps) {
    super(scope, id);
    const { naming, settings } = props;
    const protectData = props.protectData ?? true;

    this.table = new DynamodbTable(this, "table", {
      name: naming.name("identity-graph"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: TABLE_KEYS.partition,
      rangeKey: TABLE_KEYS.sort,
      attribute: [
        { name: TABLE_KEYS.partition, type: "S" },
        { name: TABLE_KEYS.sort, type: "S" },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: TABLE_KEYS.ttl, enabled: true },
      deletionProtectionEnabled: protectData,
    });

    const hashingKey = new SecretsmanagerSecret(this, "hashing-key", {
      name: naming.name("identity-hashing-key"),
      description: "HMAC key for identifiers in the identity graph. Rotating it orphans every stored identifier.",
      // Without protection, 0 deletes it at once, so destroy followed by deploy can create it again under its name.
      recoveryWindowInDays: protectData ? 30 : 0,
    });
    const generated = new DataAwsSecretsmanagerRandomPassword(this, "hashing-key-value", { passwordLength: 64, excludePunctuation: true });
    new SecretsmanagerSecretVersion(this, "hashing-key-version", {
      secretId: hashingKey.id,
      secretString: generated.randomPassword,
      // The data source draws a new value on every plan; only the first one is ever stored.
      lifecycle: { ignoreChanges: ["secret_string"] },
    });

    this.events = new EventQueue(this, "events", {
      name: naming.name("identity-events"),
      eventBusName: props.events.bus.name,
      eventPattern: { source: [props.events.sourceName], "detail-type": [...IDENTITY_TOPIC_NAMES] },
      consumerTimeoutSeconds: settings.resolverTimeoutSeconds,
      batchWindowSeconds: settings.batchWindowSeconds,
      oldestMessageAlarmSeconds: settings.oldestEventAlarmSeconds,
    });

    const identitySettings: IdentitySettings = {
      defaultPhoneRegion: settings.defaultPhoneRegion,
      attributeKeys: settings.attributeKeys,
      probabilistic: settings.probabilistic,
    };
    const common = {
      TABLE_NAME: this.table.name,
      HMAC_KEY_SECRET_ARN: hashingKey.arn,
      IDENTITY_SETTINGS: identitySettings,
    };
    const readHashingKey = { sid: "ReadHashingKey", actions: ["secretsmanager:GetSecretValue"], resources: [hashingKey.arn] };

    // Genesys allows 300 requests a minute per client-credentials token (developer.genesys.cloud, Organization limits: `client.credentials.token.rate.per.minute`); the
    // write-back keeps to writeBackRequestsPerMinute (default 240), leaving the rest to the other functions
    // of the same OAuth client. Each resolver instance holds its own token and its own client-side bucket
    // of floor(240 / maxConcurrency) = 48 requests a minute (default 5 instances), so however Genesys
    // counts the instances' tokens, together they stay at or under 240. That holds only while at most
    // maxConcurrency instances run: the event source mapping caps the instances it starts, and reserving
    // exactly maxConcurrency makes it a hard cap for any other invoker too (and keeps the other functions
    // of the account from starving the resolver). AWS asks for reserved >= the mapping's maximum concurrency.
    const writeBackShare = Math.max(1, Math.floor(settings.writeBackRequestsPerMinute / settings.maxConcurrency));
    this.resolver = new NodejsFunction(this, "resolver", {
      contract: IDENTITY_RESOLVER,
      functionName: naming.name("identity-resolver"),
      description: "Resolves Genesys conversation events to customer profiles and writes the reference back",
      timeoutSeconds: settings.resolverTimeoutSeconds,
      memoryMb: 512,
      ...(props.reserveConcurrency ?? true ? { reservedConcurrency: settings.maxConcurrency } : {}),
      ...props.functionDefaults,
      environment: {
        ...common,
        GENESYS_REGION: props.genesysRegion,
        GENESYS_CREDENTIALS_SECRET_ARN: props.genesysCredentialsSecretArn,
        DEAD_LETTER_QUEUE_URL: this.events.deadLetterQueue.url,
        WRITE_BACK_REQUESTS_PER_MINUTE: writeBackShare,
      },
      statements: [
        {
          sid: "IdentityGraph",
          // One BatchGetItem per event, a Query per profile a merge reads, one TransactWriteItems per change
          // (authorized as its Put/Update/Delete/ConditionCheck actions), one BatchWriteItem of write-back state per batch.
          actions: [...TRANSACTION_ACTIONS, "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:BatchWriteItem"],
          resources: [this.table.arn],
        },
        { sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [hashingKey.arn, props.genesysCredentialsSecretArn] },
        {
          sid: "ConsumeEvents",
          actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
          resources: [this.events.queue.arn],
        },
        { sid: "DeadLetterInvalidEvents", actions: ["sqs:SendMessage"], resources: [this.events.deadLetterQueue.arn] },
      ],
    });
    new LambdaEventSourceMapping(this, "resolver-events", {
      eventSourceArn: this.events.queue.arn,
      functionName: this.resolver.function.arn,
      batchSize: 10,
      maximumBatchingWindowInSeconds: settings.batchWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: settings.maxConcurrency },
      dependsOn: [this.resolver.policy],
    });

    this.eraser = new NodejsFunction(this, "eraser", {
      contract: IDENTITY_ERASE,
      functionName: naming.name("identity-erase"),
      description: 'GDPR erasure: invoke with {"email": ...} or {"phone": ...}',
      timeoutSeconds: 60,
      memoryMb: 256,
      ...props.functionDefaults,
      environment: common,
      statements: [
        {
          sid: "EraseFromIdentityGraph",
          actions: [...TRANSACTION_ACTIONS, "dynamodb:GetItem", "dynamodb:Query"],
          resources: [this.table.arn],
        },
        readHashingKey,
      ],
    });
  }
}
