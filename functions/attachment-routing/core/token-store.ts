import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { awsCallOptions } from "./invocation";
import { CallOptions } from "./storage";
import { TOKEN_TABLE_KEYS } from "./token-table";

export interface ParkedTaskToken {
  readonly jobId: string;
  readonly taskToken: string;
  readonly conversationId: string;
  readonly attachmentId: string;
  /** Epoch seconds (the TTL attribute). */
  readonly expiresAt: number;
}

/** Textract JobId -> the waiting task token, in the table described by token-table.ts. */
export interface TaskTokenStore {
  put(record: ParkedTaskToken, options?: CallOptions): Promise<void>;
  /** The parked token, or undefined when there is none or it has expired. */
  get(jobId: string, options?: CallOptions): Promise<ParkedTaskToken | undefined>;
  delete(jobId: string, options?: CallOptions): Promise<void>;
}

const { partition: JOB_ID, ttl: EXPIRES_AT } = TOKEN_TABLE_KEYS;

export function dynamoTaskTokenStore(client: Pick<DynamoDBClient, "send">, tableName: string, now: () => number = Date.now): TaskTokenStore {
  return {
    async put(record, options = {}) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            [JOB_ID]: { S: record.jobId },
            taskToken: { S: record.taskToken },
            conversationId: { S: record.conversationId },
            attachmentId: { S: record.attachmentId },
            [EXPIRES_AT]: { N: String(record.expiresAt) },
          },
        }),
        awsCallOptions(options.deadline),
      );
    },
    async get(jobId, options = {}) {
      const { Item: item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { [JOB_ID]: { S: jobId } }, ConsistentRead: true }),
        awsCallOptions(options.deadline),
      );
      const taskToken = item?.taskToken?.S;
      const expiresAt = Number(item?.[EXPIRES_AT]?.N);
      if (item === undefined || taskToken === undefined || !Number.isFinite(expiresAt)) return undefined;
      if (expiresAt * 1000 <= now()) return undefined;
      return { jobId, taskToken, conversationId: item.conversationId?.S ?? "", attachmentId: item.attachmentId?.S ?? "", expiresAt };
    },
    async delete(jobId, options = {}) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { [JOB_ID]: { S: jobId } } }), awsCallOptions(options.deadline));
    },
  };
}
