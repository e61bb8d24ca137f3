import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { isTransientAwsError, toStepError } from "../../functions/attachment-routing/core/errors";
import { dynamoTaskTokenStore } from "../../functions/attachment-routing/core/token-store";
import { deadlineIn } from "../../functions/shared/deadline";
import { startS3rver } from "../support/s3rver";
import { startTokenTable } from "./harness";

describe("documents bucket keys and store", () => {
  it("keeps each id one key segment", () => {
    expect(documentKeys("c-1", "a-1")).toEqual({
      original: "conversations/c-1/a-1/original",
      ocr: "conversations/c-1/a-1/ocr",
      text: "conversations/c-1/a-1/text.txt",
      ocrText: "conversations/c-1/a-1/ocr.txt",
    });
    expect(documentKeys("c/1", "..").original).toBe("conversations/c%2F1/%2E%2E/original");
    expect(documentKeys("c", "ü ?").text).toBe("conversations/c/%C3%BC%20%3F/text.txt");
  });

  it("reads text whole, or its first bytes without splitting a character", async () => {
    const s3 = await startS3rver(["documents"]);
    try {
      const store = s3DocumentStore(s3.client, "documents");
      await store.put("k", "añb€c", "text/plain; charset=utf-8");
      expect(await store.getText("k")).toBe("añb€c");
      expect(await store.getText("k", 2)).toBe("a");
      expect(await store.getText("k", 3)).toBe("añ");
      expect(await store.getText("k", 5)).toBe("añb");
      expect(await store.getText("k", 7)).toBe("añb€");
      await expect(store.getText("missing")).rejects.toMatchObject({ name: "NoSuchKey" });
    } finally {
      await s3.close();
    }
  });
});

describe("the stores within a deadline", () => {
  it("abandon an S3 or DynamoDB call once the invocation's time is spent, with an error the steps retry", async () => {
    const [s3, table] = await Promise.all([startS3rver(["documents"]), startTokenTable()]);
    try {
      const spent = { deadline: deadlineIn(0) };
      const store = s3DocumentStore(s3.client, "documents");
      const tokens = dynamoTaskTokenStore(table.client, table.tableName);
      const failures = await Promise.all([
        store.put("k", "text", "text/plain", spent).catch((e: unknown) => e),
        store.getText("k", undefined, spent).catch((e: unknown) => e),
        tokens.get("job-1", spent).catch((e: unknown) => e),
      ]);
      for (const failure of failures) {
        expect(isTransientAwsError(failure)).toBe(true);
        expect(toStepError(failure)).toMatchObject({ name: "TransientAwsError" });
      }
      expect(await s3.listKeys("documents")).toEqual([]);
    } finally {
      await Promise.all([s3.close(), table.close()]);
    }
  });
});

describe("task token store", () => {
  it("parks, finds and forgets a token; an expired one is not found", async () => {
    const table = await startTokenTable();
    try {
      const now = Date.UTC(2026, 0, 5);
      const store = dynamoTaskTokenStore(table.client, table.tableName, () => now);
      const record = { jobId: "job-1", taskToken: "t".repeat(1500), conversationId: "c-1", attachmentId: "a-1", expiresAt: now / 1000 + 60 };
      await store.put(record);
      await store.put({ ...record, jobId: "job-old", expiresAt: now / 1000 - 1 });
      expect(await store.get("job-1")).toEqual(record);
      expect(await store.get("job-old")).toBeUndefined();
      await store.delete("job-1");
      expect(await store.get("job-1")).toBeUndefined();
    } finally {
      await table.close();
    }
  });
});
