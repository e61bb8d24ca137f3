/**
 * Genesys Cloud regions, keyed by the AWS-style region name that the Terraform provider's
 * `aws_region` setting and GENESYSCLOUD_REGION use, mapped to the org's environment domain.
 * API host: `api.<domain>`, login host: `login.<domain>` (platform SDK region-host table).
 */
export const GENESYS_REGION_DOMAINS = {
  "us-east-1": "mypurecloud.com",
  "us-east-2": "use2.us-gov-pure.cloud",
  "us-west-2": "usw2.pure.cloud",
  "ca-central-1": "cac1.pure.cloud",
  "sa-east-1": "sae1.pure.cloud",
  "mx-central-1": "mxc1.pure.cloud",
  "eu-west-1": "mypurecloud.ie",
  "eu-west-2": "euw2.pure.cloud",
  "eu-central-1": "mypurecloud.de",
  "eu-central-2": "euc2.pure.cloud",
  "eusc-de-east-1": "edee1.eusc-pure.cloud",
  "me-central-1": "mec1.pure.cloud",
  "ap-south-1": "aps1.pure.cloud",
  "ap-southeast-1": "apse1.pure.cloud",
  "ap-southeast-2": "mypurecloud.com.au",
  "ap-northeast-1": "mypurecloud.jp",
  "ap-northeast-2": "apne2.pure.cloud",
  "ap-northeast-3": "apne3.pure.cloud",
} as const;

export type GenesysRegion = keyof typeof GENESYS_REGION_DOMAINS;
export const GENESYS_REGIONS = Object.keys(GENESYS_REGION_DOMAINS) as [GenesysRegion, ...GenesysRegion[]];

/** Genesys Cloud's own AWS account that assumes roles for Lambda data actions (core and satellite regions). */
export const GENESYS_AWS_ACCOUNT_ID = "765628985471";
/** The FedRAMP region (us-east-2) uses a different account. */
export const GENESYS_FEDRAMP_AWS_ACCOUNT_ID = "325654371633";
