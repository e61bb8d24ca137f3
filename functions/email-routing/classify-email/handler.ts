import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { Log, MetricSink, MetricUnit } from "../../shared/telemetry";
import type { ClassifierBackend } from "../../shared/classifier/backend";
import { classifyEmail, RoutingPolicy } from "../core/classify";
import { ClassifyEmailInput, ClassifyEmailOutput, FALLBACK, parseClassifyEmailInput } from "../core/contract";

export interface ClassifyEmailDependencies {
  /** Resolved on first use so a cold start does not pay for a backend it may not need. */
  readonly backend: () => ClassifierBackend;
  readonly policy: RoutingPolicy;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

function isApiGatewayEvent(event: unknown): event is APIGatewayProxyEvent {
  return typeof event === "object" && event !== null && !Array.isArray(event) && "httpMethod" in event && "requestContext" in event;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/**
 * One handler for both front doors: an API Gateway proxy request (Genesys web-services data
 * action) or a direct invocation whose event is the contract input (Genesys Lambda data action).
 */
export function makeHandler(deps: ClassifyEmailDependencies) {
  function resolveBackend(): ClassifierBackend {
    try {
      return deps.backend();
    } catch (error) {
      // A backend that cannot start (e.g. an unreadable model) fails each call, so the answer is the fallback.
      return { name: "unavailable", classify: () => Promise.reject(error) };
    }
  }

  async function route(input: ClassifyEmailInput): Promise<ClassifyEmailOutput> {
    const backend = resolveBackend();
    const result = await classifyEmail(input, backend, deps.policy);
    const facts = {
      backend: backend.name,
      outcome: result.outcome,
      label: result.label,
      confidence: result.score,
      queueName: result.output.QueueName,
      textBytes: result.textBytes,
      truncated: result.truncated,
    };
    if (result.outcome === "backend-error") deps.logger.error("classifier failed; routing to the fallback queue", { ...facts, reason: result.error });
    else deps.logger.info("email classified", facts);
    deps.metrics.addDimension("Outcome", result.outcome);
    deps.metrics.addMetric("EmailClassifications", MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
    return result.output;
  }

  function rejectInput(problems: string[]): void {
    deps.logger.warn("invalid classify request", { problems });
    deps.metrics.addDimension("Outcome", "invalid-input");
    deps.metrics.addMetric("EmailClassifications", MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
  }

  async function answer(event: unknown): Promise<APIGatewayProxyResult | ClassifyEmailOutput> {
    if (isApiGatewayEvent(event)) {
      let body: unknown;
      try {
        const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
        body = JSON.parse(raw ?? "");
      } catch {
        rejectInput(["body: is not valid JSON"]);
        return json(400, { error: "request body is not valid JSON" });
      }
      const parsed = parseClassifyEmailInput(body);
      if ("problems" in parsed) {
        rejectInput(parsed.problems);
        return json(400, { error: "invalid request", problems: parsed.problems });
      }
      return json(200, await route(parsed.input));
    }
    const parsed = parseClassifyEmailInput(event);
    if ("problems" in parsed) {
      // A Lambda data action builds its input from the contract; a bad one is a configuration fault.
      // The flow still gets an answer it can route on.
      rejectInput(parsed.problems);
      return FALLBACK;
    }
    return route(parsed.input);
  }

  /**
   * Never throws: a fault of ours (a bug, telemetry failing) is logged by name and answered with the
   * fallback, 200 behind API Gateway, so the flow routes the email either way.
   */
  return async function handler(event: unknown): Promise<APIGatewayProxyResult | ClassifyEmailOutput> {
    try {
      return await answer(event);
    } catch (error) {
      try {
        deps.logger.error("classify-email failed; answering with the fallback queue", { error: error instanceof Error ? error.name : typeof error });
        deps.metrics.addDimension("Outcome", "internal-error");
        deps.metrics.addMetric("EmailClassifications", MetricUnit.Count, 1);
        deps.metrics.publishStoredMetrics();
      } catch {
        // Telemetry is what failed; the answer matters more.
      }
      return isApiGatewayEvent(event) ? json(200, FALLBACK) : FALLBACK;
    }
  };
}
