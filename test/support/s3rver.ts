/**
 * A real local S3 for tests: s3rver on 127.0.0.1 and an ephemeral port, storing objects in a new
 * temporary directory that `close()` removes.
 *
 * ```ts
 * const s3 = await startS3rver(["documents"]);
 * await s3.client.send(new PutObjectCommand({ Bucket: "documents", Key: "k", Body: "v" }));
 * expect(await s3.getText("documents", "k")).toBe("v");
 * await s3.close();
 * ```
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** s3rver's fixed credentials: it checks request signatures against them. */
const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface LocalS3 {
  readonly endpoint: string;
  /** An SDK client for this server (path-style; checksums only when an operation requires them, which s3rver predates). */
  readonly client: S3Client;
  getBytes(bucket: string, key: string): Promise<Uint8Array>;
  getText(bucket: string, key: string): Promise<string>;
  /** Keys under a prefix, sorted. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startS3rver(buckets: readonly string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const getBytes = async (bucket: string, key: string) => {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return response.Body ? response.Body.transformToByteArray() : new Uint8Array(0);
  };
  return {
    endpoint,
    client,
    getBytes,
    getText: async (bucket, key) => Buffer.from(await getBytes(bucket, key)).toString("utf8"),
    async listKeys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}), ...(token ? { ContinuationToken: token } : {}) }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
