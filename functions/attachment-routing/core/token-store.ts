import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";

/**
 * Textract JobId -> the Step Functions task token waiting for that job. A task token (up to a few
 * KB) does not fit Textract's 64-character JobTag, so it is parked here by attachment-ocr-start and
 * picked up by attachment-ocr-complete. Items expire through the table's TTL attribute.
 */
export const TOKEN_TABLE_KEYS = { partition: "jobId", ttl: "expiresAt" } as const;

/** How long a parked token is kept: far past any OCR timeout; DynamoDB deletes expired items lazily. */
export const TASK_TOKEN_TTL_SECONDS = 24 * 3600;

export interface ParkedTaskToken {
  readonly jobId: string;
  readonly taskToken: string;
  readonly conversationId: string;
  readonly attachmentId: string;
  /** Epoch seconds (the TTL attribute). */
  readonly expiresAt: number;
}

export interface TaskTokenStore {
  put(record: ParkedTaskToken): Promise<void>;
  /** The parked token, or undefined when there is none or it has expired. */
  get(jobId: string): Promise<ParkedTaskToken | undefined>;
  delete(jobId: string): Promise<void>;
}

export function dynamoTaskTokenStore(client: Pick<DynamoDBClient, "send">, tableName: string, now: () => number = Date.now): TaskTokenStore {
  return {
    async put(record) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            jobId: { S: record.jobId },
            taskToken: { S: record.taskToken },
            conversationId: { S: record.conversationId },
            attachmentId: { S: record.attachmentId },
            expiresAt: { N: String(record.expiresAt) },
          },
        }),
      );
    },
    async get(jobId) {
      const { Item: item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { jobId: { S: jobId } }, ConsistentRead: true }));
      const taskToken = item?.taskToken?.S;
      const expiresAt = Number(item?.expiresAt?.N);
      if (item === undefined || taskToken === undefined || !Number.isFinite(expiresAt)) return undefined;
      if (expiresAt * 1000 <= now()) return undefined;
      return { jobId, taskToken, conversationId: item.conversationId?.S ?? "", attachmentId: item.attachmentId?.S ?? "", expiresAt };
    },
    async delete(jobId) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { jobId: { S: jobId } } }));
    },
  };
}
