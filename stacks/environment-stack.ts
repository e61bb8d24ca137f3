import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataGenesyscloudOrganizationsMe } from "../.gen/providers/genesyscloud/data-genesyscloud-organizations-me";
import { GenesyscloudProvider } from "../.gen/providers/genesyscloud/provider";
import { Environment } from "../config/environment";
import { isCiEnvironment, resolveState } from "../config/state";
import { TERRAFORM_VERSION } from "../config/terraform";
import { AttachmentRouting } from "../constructs/attachment-routing";
import { EmailIntentRouting } from "../constructs/email-intent-routing";
import { GenesysApiClientAccess } from "../constructs/genesys/api-client-access";
import { environmentGenesysNeeds, functionsApiAccess } from "../constructs/genesys/runtime-needs";
import { RoutingQueues } from "../constructs/genesys/routing-queues";
import { GenesysEventStream } from "../constructs/genesys-event-stream";
import { IdentityGraph } from "../constructs/identity-graph";
import { workloadBoundaryArn } from "../constructs/bootstrap/ci-names";
import { WorkloadBoundary } from "../constructs/bootstrap/workload-boundary";
import { Naming } from "../constructs/naming";

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
    // Every role of an environment CI deploys carries the boundary its deploy role may create roles with.
    if (isCiEnvironment(environment)) Aspects.of(this).add(new WorkloadBoundary(workloadBoundaryArn(environment)));

    const genesysOrg = new DataGenesyscloudOrganizationsMe(this, "genesys-org", {});
    const functionDefaults = {
      logRetentionDays: environment.logRetentionDays,
      tracing: environment.observability.tracing,
      sourceMaps: environment.observability.sourceMaps,
    };

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
          functionDefaults,
          holdQueue: attachmentQueues?.get(attachments.triageQueue),
          protectData: environment.protectData,
        })
      : undefined;

    // One Genesys event stream and one OAuth client, shared by the capabilities that need them: each
    // capability declares its topics and API calls (constructs/genesys/runtime-needs.ts), the stream
    // carries the union of the topics, and the client's role holds what the union of the calls needs.
    const identity = environment.identityGraph;
    const needs = environmentGenesysNeeds(environment);
    const access = functionsApiAccess(environment);
    const genesys = new GenesysRuntimeServices(
      () =>
        new GenesysEventStream(this, "genesys-events", {
          name: this.naming.name("events"),
          eventSourceSuffix: identity.eventSourceSuffix ?? this.naming.name("events"),
          genesysOrgId: genesysOrg.id,
          awsAccountId: environment.aws.accountId,
          awsRegion: environment.aws.region,
          topics: needs.topics,
        }),
      () =>
        new GenesysApiClientAccess(
          this,
          "genesys-api-client",
          environment.genesys.apiClientSecretArn !== undefined
            ? { name: access.clientName, existingSecretArn: environment.genesys.apiClientSecretArn }
            : { name: access.clientName, roleName: access.roleName, protectData: environment.protectData },
        ),
    );

    if (identity.enabled) {
      new IdentityGraph(this, "identity-graph", {
        naming: this.naming,
        settings: identity,
        genesysRegion: environment.genesys.region,
        events: genesys.events,
        genesysCredentialsSecretArn: genesys.apiAccess.secretArn,
        functionDefaults,
        protectData: environment.protectData,
      });
    }
    if (attachments.enabled && email && attachmentQueues) {
      new AttachmentRouting(this, "attachment-routing", {
        naming: this.naming,
        settings: attachments,
        aws: environment.aws,
        genesysRegion: environment.genesys.region,
        queues: attachmentQueues,
        protectData: environment.protectData,
        executionLogLevel: environment.observability.executionLogLevel,
        intentQueueIds: Object.fromEntries([...email.queues.byName].map(([name, queue]) => [name, queue.id])),
        fallbackQueueId: email.queues.get(environment.emailRouting.fallbackQueue).id,
        fromAddress: email.inboundAddress,
        fromName: environment.emailRouting.fromName,
        events: genesys.events,
        genesysCredentialsSecretArn: genesys.apiAccess.secretArn,
        functionDefaults,
      });
    }
  }
}

/**
 * The Genesys resources capabilities share, made on first use so that an environment without a
 * capability that needs them has none.
 */
class GenesysRuntimeServices {
  private stream?: GenesysEventStream;
  private client?: GenesysApiClientAccess;

  constructor(
    private readonly makeStream: () => GenesysEventStream,
    private readonly makeClient: () => GenesysApiClientAccess,
  ) {}

  get events(): GenesysEventStream {
    return (this.stream ??= this.makeStream());
  }

  get apiAccess(): GenesysApiClientAccess {
    return (this.client ??= this.makeClient());
  }
}
