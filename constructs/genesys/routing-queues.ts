import { Construct } from "constructs";
import { RoutingQueue } from "../../.gen/providers/genesyscloud/routing-queue";

export interface RoutingQueuesProps {
  /** Queue names; each becomes one queue. */
  readonly names: readonly string[];
  readonly description: string;
  /** Seconds an email alerts an agent before it returns to the queue. Default 300. */
  readonly alertingTimeoutSeconds?: number;
  /** Service level: this share of emails answered within `serviceLevelHours`. Defaults 0.8 and 24. */
  readonly serviceLevelPercentage?: number;
  readonly serviceLevelHours?: number;
}

/** Email queues with sensible email media settings; construct ids derive from the names, so a new queue never renames another. */
export class RoutingQueues extends Construct {
  readonly byName: ReadonlyMap<string, RoutingQueue>;

  constructor(scope: Construct, id: string, props: RoutingQueuesProps) {
    super(scope, id);
    const duplicates = props.names.filter((n, i) => props.names.indexOf(n) !== i);
    if (duplicates.length) throw new Error(`queue names must be unique; repeated: ${[...new Set(duplicates)].join(", ")}`);
    const alerting = props.alertingTimeoutSeconds ?? 300;
    if (alerting < 7) throw new Error(`alertingTimeoutSeconds must be at least 7, got ${alerting}`);
    const byName = new Map<string, RoutingQueue>();
    for (const name of props.names) {
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "queue";
      byName.set(
        name,
        new RoutingQueue(this, `queue-${slug}`, {
          name,
          description: props.description,
          acwWrapupPrompt: "OPTIONAL",
          skillEvaluationMethod: "NONE",
          mediaSettingsEmail: {
            alertingTimeoutSec: alerting,
            serviceLevelPercentage: props.serviceLevelPercentage ?? 0.8,
            serviceLevelDurationMs: (props.serviceLevelHours ?? 24) * 3_600_000,
            enableAutoAnswer: false,
          },
        }),
      );
    }
    this.byName = byName;
  }

  get(name: string): RoutingQueue {
    const queue = this.byName.get(name);
    if (!queue) throw new Error(`no queue named "${name}" in ${this.node.path}`);
    return queue;
  }
}
