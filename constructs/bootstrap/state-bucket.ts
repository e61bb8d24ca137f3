import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { denyInsecureTransport, PolicyStatement, policyDocument } from "../aws/iam";

/** One state object in the bucket and the CI roles that own it. */
export interface StateTenant {
  readonly key: string;
  readonly roleArns: readonly string[];
}

export interface StateBucketProps {
  readonly bucketName: string;
  readonly provider?: TerraformProvider;
  /** The environments keeping state here; each one's CI roles are refused every other one's state. */
  readonly tenants: readonly StateTenant[];
  /** How long a replaced or deleted state version is kept (a state file is small; this is the undo history). */
  readonly noncurrentVersionDays?: number;
}

/**
 * The Terraform state bucket of an account and region: versioned (every state ever written can be
 * restored), encrypted at rest, public access blocked, objects owned by the account, TLS only, never
 * destroyed by terraform (`prevent_destroy`, no force_destroy), old versions expired after
 * `noncurrentVersionDays`. State holds every secret of a stack in clear text, so the policy also
 * keeps each environment's CI roles out of the other environments' state objects.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const provider = props.provider;
    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: props.bucketName, forceDestroy: false, lifecycle: { preventDestroy: true } });
    const bucket = this.bucket.id;
    new S3BucketVersioningA(this, "versioning", { provider, bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, "public-access", { provider, bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    new S3BucketOwnershipControls(this, "ownership", { provider, bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const days = props.noncurrentVersionDays ?? 90;
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          // Lock files leave a delete marker per run; markers with no versions left behind are removed.
          expiration: [{ expiredObjectDeleteMarker: true }],
          noncurrentVersionExpiration: [{ noncurrentDays: days }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    const objectArn = (key: string) => `${this.bucket.arn}/${key}`;
    const isolation: PolicyStatement[] = props.tenants.flatMap((tenant, index) => {
      const others = props.tenants.filter((_, i) => i !== index).flatMap((t) => t.roleArns);
      return others.length === 0
        ? []
        : [
            {
              sid: `OnlyOwnState${index}`,
              effect: "Deny" as const,
              principals: "*" as const,
              actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
              resources: [objectArn(tenant.key), objectArn(`${tenant.key}.tflock`)],
              conditions: { ArnEquals: { "aws:PrincipalArn": others } },
            },
          ];
    });
    new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      policy: policyDocument([
        denyInsecureTransport(this.bucket.arn),
        ...isolation,
      ]),
    });
  }
}
