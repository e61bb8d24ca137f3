import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AWS_REGION_PARTITIONS, AWS_REGIONS, isAwsRegion } from "../../../config/aws-regions";

interface PartitionData {
  partitions: Array<{ id: string; regionRegex: string; regions: Record<string, unknown> }>;
}

/** The partition data the installed AWS SDK resolves endpoints with (partitions.json, as an ES module). */
function sdkPartitions(): PartitionData {
  const file = join(dirname(require.resolve("@aws-sdk/core/package.json")), "dist-es", "submodules", "client", "util-endpoints", "lib", "aws", "partitions.js");
  const source = readFileSync(file, "utf8");
  return JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1)) as PartitionData;
}

describe("the AWS regions an environment may name", () => {
  it("are every region of the commercial partition in the installed AWS SDK's partition data", () => {
    const partitions = sdkPartitions().partitions.filter((p) => (AWS_REGION_PARTITIONS as readonly string[]).includes(p.id));
    expect(partitions.map((p) => p.id).sort()).toEqual([...AWS_REGION_PARTITIONS].sort());
    // The partition-wide pseudo-regions (aws-global, ...) are endpoints, not regions a stack can be deployed to.
    const sdk = partitions.flatMap((p) => Object.keys(p.regions).filter((region) => new RegExp(p.regionRegex).test(region)));
    expect({ missingHere: sdk.filter((r) => !AWS_REGIONS.includes(r)), unknownToTheSdk: AWS_REGIONS.filter((r) => !sdk.includes(r)) }).toEqual({
      missingHere: [],
      unknownToTheSdk: [],
    });
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
  });

  it("refuse names shaped like a region that do not exist", () => {
    expect(["us-east-1", "eu-central-2", "ap-southeast-2"].every(isAwsRegion)).toBe(true);
    expect(["us-north-9", "eu-east-1", "US-EAST-1", "us-east-1 ", "aws-global", ""].some(isAwsRegion)).toBe(false);
  });

  it("refuse the China and GovCloud partitions, which Genesys Cloud's AWS integrations are not in", () => {
    expect(["us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1"].some(isAwsRegion)).toBe(false);
  });
});
