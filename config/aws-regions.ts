/**
 * The AWS regions an environment may name (`aws.region`, `state.region`): every region of the commercial
 * partition (`aws`). China (`aws-cn`) and GovCloud (`aws-us-gov`) are refused: Genesys Cloud's AWS
 * integrations (the EventBridge partner event source, the Lambda data action's role trusted by Genesys'
 * accounts) are in the commercial partition, and so are the ARNs the stack writes (`arn:aws:`).
 *
 * Source: the partition data of the AWS SDK for JavaScript v3 (`partitions.json`, shipped in
 * `@aws-sdk/core` under `util-endpoints/lib/aws/partitions.js`), which AWS generates from its endpoint
 * model; the same list, with opt-in status, is at
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html.
 * test/infrastructure/config/aws-regions.test.ts compares this list with the installed SDK's, so an SDK
 * upgrade that adds a region fails there, naming it.
 */
export const AWS_REGIONS: readonly string[] = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "me-west-1",
  "mx-central-1",
  "sa-east-1",
  "sa-west-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
];

/** The partition whose regions are listed above, by its id in the SDK's partition data. */
export const AWS_REGION_PARTITIONS = ["aws"] as const;

export function isAwsRegion(name: string): boolean {
  return AWS_REGIONS.includes(name);
}
