import { Construct } from "constructs";
import { DOCUMENTS_PREFIX } from "../../functions/attachment-routing/core/document-keys";
import { SecureBucket } from "../aws/secure-bucket";
import { Naming } from "../naming";

export interface DocumentsBucketProps {
  readonly naming: Naming;
  readonly accountId: string;
  readonly region: string;
  readonly retentionDays: number;
  /** Keep the bucket (and the customers' documents in it) when the stack is destroyed. */
  readonly protectData: boolean;
}

/**
 * The encrypted bucket the pipeline keeps attachments and their text in, expired after the retention
 * period. The step functions are granted its DOCUMENTS_PREFIX only, the prefix their keys are made under.
 */
export class DocumentsBucket extends Construct {
  readonly bucket: SecureBucket;
  /** The bucket's name, for the functions' environment. */
  readonly name: string;
  /** ARN pattern of every object the pipeline writes. */
  readonly objectsArn: string;

  constructor(scope: Construct, id: string, props: DocumentsBucketProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.naming.bucket("documents", props.accountId, props.region),
      expireAfterDays: props.retentionDays,
      // Customers' documents: a destroy must not delete them unless the environment says its data is disposable.
      forceDestroy: !props.protectData,
    });
    this.name = this.bucket.bucket.id;
    this.objectsArn = `${this.bucket.bucket.arn}/${DOCUMENTS_PREFIX}*`;
  }
}
