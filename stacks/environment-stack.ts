import { Annotations, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GenesyscloudProvider } from "../.gen/providers/genesyscloud/provider";
import { Environment } from "../config/environment";
import { EmailIntentRouting } from "../constructs/email-intent-routing";
import { GenesysApiClientAccess } from "../constructs/genesys/api-client-access";
import { GenesysEventStream } from "../constructs/genesys-event-stream";
import { IdentityGraph } from "../constructs/identity-graph";
import { IDENTITY_TOPIC_NAMES } from "../functions/shared/identity/events";
import { Naming } from "../constructs/naming";
import { DataGenesyscloudOrganizationsMe } from "../.gen/providers/genesyscloud/data-genesyscloud-organizations-me";

export const PROJECT_TAG = "genesys-cx-intelligence";

/**
 * One environment: both clouds in one Terraform state, so values cross from Genesys to AWS and
 * back as plain references. Providers read credentials the standard way at plan/apply time (AWS
 * default chain; GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET); synth needs none.
 */
export class EnvironmentStack extends TerraformStack {
  readonly naming: Naming;

  constructor(scope: Construct, readonly environment: Environment) {
    super(scope, environment.name);
    this.naming = new Naming(environment.namePrefix, environment.name);

    new AwsProvider(this, "aws", {
      region: environment.aws.region,
      allowedAccountIds: [environment.aws.accountId],
      defaultTags: [{ tags: { ...environment.tags, project: PROJECT_TAG, environment: environment.name } }],
    });
    new GenesyscloudProvider(this, "genesyscloud", { awsRegion: environment.genesys.region });

    const state = environment.state;
    if (state.backend === "s3") {
      const backend = new S3Backend(this, {
        bucket: state.bucket,
        key: state.key,
        region: state.region,
        encrypt: state.encrypt,
        kmsKeyId: state.kmsKeyId,
        dynamodbTable: state.lockTable,
      });
      if (!state.lockTable) backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: `terraform.${environment.name}.tfstate` });
    }

    const genesysOrg = new DataGenesyscloudOrganizationsMe(this, "genesys-org", {});

    if (environment.emailRouting.enabled) {
      new EmailIntentRouting(this, "email-routing", {
        naming: this.naming,
        settings: environment.emailRouting,
        aws: environment.aws,
        genesysAwsAccountId: environment.genesys.awsAccountId,
        genesysOrgId: genesysOrg.id,
        logRetentionDays: environment.logRetentionDays,
      });
    }
    const identity = environment.identityGraph;
    if (identity.enabled) {
      const events = new GenesysEventStream(this, "genesys-events", {
        name: this.naming.name("events"),
        eventSourceSuffix: identity.eventSourceSuffix ?? this.naming.name("events"),
        genesysOrgId: genesysOrg.id,
        awsAccountId: environment.aws.accountId,
        awsRegion: environment.aws.region,
        topics: [...IDENTITY_TOPIC_NAMES],
      });
      const genesysApi = new GenesysApiClientAccess(this, "genesys-api-client", {
        name: this.naming.name("functions"),
        permissions: ["editParticipantAttributes"],
        existingSecretArn: environment.genesys.apiClientSecretArn,
      });
      new IdentityGraph(this, "identity-graph", {
        naming: this.naming,
        settings: identity,
        genesysRegion: environment.genesys.region,
        events,
        genesysCredentialsSecretArn: genesysApi.secretArn,
        logRetentionDays: environment.logRetentionDays,
      });
    }
    if (environment.attachmentRouting.enabled) {
      Annotations.of(this).addWarning("attachmentRouting is switched on but not built yet: this stack deploys nothing for it");
    }
  }
}
