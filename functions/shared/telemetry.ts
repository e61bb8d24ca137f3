import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export const METRICS_NAMESPACE = "GenesysCxIntelligence";

/** The slice of Powertools the handlers use, so tests can pass recorders instead. */
export type Log = Pick<Logger, "info" | "warn" | "error">;
export type MetricSink = Pick<Metrics, "addDimension" | "addMetric" | "publishStoredMetrics">;

export function createTelemetry(serviceName: string): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

export { MetricUnit };
