/**
 * The one terraform version this project is planned, applied and tested with. The stacks require it
 * (`terraform.required_version`), the workflows install it (scripts/ci/environments.ts prints it for
 * them), `cdktf diff|deploy|destroy` refuses any other (scripts/ci/terraform-preflight.ts), and the
 * docs name it; test/workflows/terraform-version.synth.test.ts fails when any of them disagree.
 *
 * At least 1.11: the S3 backend's native lock file (`use_lockfile`) is GA from 1.11.0, which also
 * deprecated the DynamoDB lock table (terraform CHANGELOG 1.10.0 and 1.11.0). One exact version,
 * not a range, because a saved plan can only be applied by the terraform that made it, and a state
 * written by a newer terraform is not guaranteed to be readable by an older one.
 */
export const TERRAFORM_VERSION = "1.11.4";

/** Where to get it; the message of every version check points here. */
export const TERRAFORM_INSTALL_URL = "https://developer.hashicorp.com/terraform/install";
