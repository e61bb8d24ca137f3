import { Construct } from "constructs";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { Integration } from "../.gen/providers/genesyscloud/integration";

export interface GenesysEventStreamProps {
  /** Integration name and event source suffix. Changing the suffix means a new partner source and bus. */
  readonly name: string;
  readonly eventSourceSuffix: string;
  readonly genesysOrgId: string;
  readonly awsAccountId: string;
  readonly awsRegion: string;
  /** Genesys topics to stream, the union of what every capability needs. */
  readonly topics: readonly string[];
}

/**
 * Genesys Cloud's Amazon EventBridge integration and the partner event bus that receives it. The
 * bus is created after the integration (Genesys creates the partner event source in the account)
 * and is named after the source, as EventBridge requires for partner buses.
 */
export class GenesysEventStream extends Construct {
  readonly integration: Integration;
  readonly bus: CloudwatchEventBus;
  /** The partner event source name, which every event carries as `source`. */
  readonly sourceName: string;

  constructor(scope: Construct, id: string, props: GenesysEventStreamProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(props.eventSourceSuffix)) {
      throw new Error(`eventSourceSuffix must be 1-64 letters, digits, '.', '_' or '-', got "${props.eventSourceSuffix}"`);
    }
    const topics = [...new Set(props.topics)].sort();
    if (topics.length === 0) throw new Error(`${props.name}: stream at least one topic`);
    this.integration = new Integration(this, "integration", {
      integrationType: "amazon-eventbridge-source",
      intendedState: "ENABLED",
      config: {
        name: props.name,
        notes: "Managed by genesys-cx-intelligence (CDKTF). Changes made in the UI are overwritten.",
        properties: JSON.stringify({
          awsAccountId: props.awsAccountId,
          awsAccountRegion: props.awsRegion,
          eventSourceSuffix: props.eventSourceSuffix,
          eventFilter: topics,
        }),
        advanced: JSON.stringify({}),
      },
    });
    this.sourceName = `aws.partner/genesys.com/cloud/${props.genesysOrgId}/${props.eventSourceSuffix}`;
    this.bus = new CloudwatchEventBus(this, "bus", {
      name: this.sourceName,
      eventSourceName: this.sourceName,
      // The partner source exists only once Genesys has created it for the integration.
      dependsOn: [this.integration],
    });
  }
}
