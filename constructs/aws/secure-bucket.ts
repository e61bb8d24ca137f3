import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { denyInsecureTransport, PolicyStatement, policyDocument } from "./iam";

export interface SecureBucketProps {
  readonly bucketName: string;
  /** Delete objects after this many days (and old versions after the same). Default: keep. */
  readonly expireAfterDays?: number;
  /** Let `cdktf destroy` remove a bucket that still holds objects. Only for reproducible contents. */
  readonly forceDestroy?: boolean;
  /** Extra bucket-policy statements, e.g. for a service principal. */
  readonly statements?: readonly PolicyStatement[];
}

/**
 * An S3 bucket with the house rules: encrypted at rest (SSE-S3 with bucket keys), every form of
 * public access blocked, objects owned by the bucket owner, versioned, and a policy that refuses
 * any request not made over TLS.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (props.expireAfterDays !== undefined && (!Number.isInteger(props.expireAfterDays) || props.expireAfterDays < 1)) {
      throw new Error(`${props.bucketName}: expireAfterDays must be a positive integer, got ${props.expireAfterDays}`);
    }
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    const bucket = this.bucket.id;
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument([
        denyInsecureTransport(this.bucket.arn),
        ...(props.statements ?? []),
      ]),
    });
    if (props.expireAfterDays !== undefined) {
      new S3BucketLifecycleConfiguration(this, "lifecycle", {
        bucket,
        rule: [
          {
            id: "expire",
            status: "Enabled",
            filter: [{ prefix: "" }],
            expiration: [{ days: props.expireAfterDays }],
            noncurrentVersionExpiration: [{ noncurrentDays: props.expireAfterDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
          },
        ],
      });
    }
  }
}
