import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataGenesyscloudOrganizationsMe } from "../.gen/providers/genesyscloud/data-genesyscloud-organizations-me";
import { GenesyscloudProvider } from "../.gen/providers/genesyscloud/provider";
import { Environment } from "../config/environment";
import { resolveState } from "../config/state";
import { TERRAFORM_VERSION } from "../config/terraform";
import { ACD_START_TOPIC, AttachmentRouting } from "../constructs/attachment-routing";
import { EmailIntentRouting } from "../constructs/email-intent-routing";
import { GenesysApiClientAccess } from "../constructs/genesys/api-client-access";
import { GenesysPermissionName } from "../constructs/genesys/api-permissions";
import { RoutingQueues } from "../constructs/genesys/routing-queues";
import { GenesysEventStream } from "../constructs/genesys-event-stream";
import { IdentityGraph } from "../constructs/identity-graph";
import { Naming } from "../constructs/naming";
import { IDENTITY_TOPIC_NAMES } from "../functions/identity-graph/core/events";

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

    const state = resolveState(environment);
    if (state.backend === "s3") {
      const backend = new S3Backend(this, { bucket: state.bucket, key: state.key, region: state.region, encrypt: true, kmsKeyId: state.kmsKeyId });
      // The S3 lock file (terraform >= 1.11); CDKTF 0.21's S3Backend props predate it.
      backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: state.path });
    }
    this.addOverride("terraform.required_version", TERRAFORM_VERSION);

    const genesysOrg = new DataGenesyscloudOrganizationsMe(this, "genesys-org", {});

    const attachments = environment.attachmentRouting;
    const attachmentQueues = attachments.enabled
      ? new RoutingQueues(this, "attachment-queues", {
          names: [attachments.triageQueue, ...new Set(Object.values(attachments.documentQueues))],
          description: "Email routed by its attachments (the triage queue is worked by no agent)",
        })
      : undefined;

    const email = environment.emailRouting.enabled
      ? new EmailIntentRouting(this, "email-routing", {
          naming: this.naming,
          settings: environment.emailRouting,
          aws: environment.aws,
          genesysAwsAccountId: environment.genesys.awsAccountId,
          genesysOrgId: genesysOrg.id,
          logRetentionDays: environment.logRetentionDays,
          holdQueue: attachmentQueues?.get(attachments.triageQueue),
        })
      : undefined;

    // One Genesys event stream and one OAuth client, shared by the capabilities that need them.
    const identity = environment.identityGraph;
    const topics = [...(identity.enabled ? IDENTITY_TOPIC_NAMES : []), ...(attachments.enabled ? [ACD_START_TOPIC] : [])];
    const permissions: GenesysPermissionName[] = [
      ...(identity.enabled ? (["editParticipantAttributes"] as const) : []),
      ...(attachments.enabled ? (["viewEmailConversations", "editParticipantAttributes", "blindTransferToQueue", "sendAgentlessEmail"] as const) : []),
    ];
    const events =
      topics.length > 0
        ? new GenesysEventStream(this, "genesys-events", {
            name: this.naming.name("events"),
            eventSourceSuffix: identity.eventSourceSuffix ?? this.naming.name("events"),
            genesysOrgId: genesysOrg.id,
            awsAccountId: environment.aws.accountId,
            awsRegion: environment.aws.region,
            topics,
          })
        : undefined;
    const genesysApi =
      permissions.length > 0
        ? new GenesysApiClientAccess(this, "genesys-api-client", {
            name: this.naming.name("functions"),
            permissions,
            existingSecretArn: environment.genesys.apiClientSecretArn,
          })
        : undefined;

    if (identity.enabled) {
      new IdentityGraph(this, "identity-graph", {
        naming: this.naming,
        settings: identity,
        genesysRegion: environment.genesys.region,
        events: events!,
        genesysCredentialsSecretArn: genesysApi!.secretArn,
        logRetentionDays: environment.logRetentionDays,
      });
    }
    if (attachments.enabled && email && attachmentQueues) {
      new AttachmentRouting(this, "attachment-routing", {
        naming: this.naming,
        settings: attachments,
        aws: environment.aws,
        genesysRegion: environment.genesys.region,
        queues: attachmentQueues,
        intentQueueIds: Object.fromEntries([...email.queues.byName].map(([name, queue]) => [name, queue.id])),
        fallbackQueueId: email.queues.get(environment.emailRouting.fallbackQueue).id,
        fromAddress: email.inboundAddress,
        fromName: environment.emailRouting.fromName,
        events: events!,
        genesysCredentialsSecretArn: genesysApi!.secretArn,
        logRetentionDays: environment.logRetentionDays,
      });
    }
  }
}
