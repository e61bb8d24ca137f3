import { loadEnvironments } from "../../config/load";
import { RoutingPolicy } from "../../functions/email-routing/core/classify";
import type { ClassifierBackend } from "../../functions/shared/classifier/backend";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { trainCorpusModel } from "../build/corpus-models";

/**
 * The embedded backend and the routing policy of an environment, as the classify-email Lambda
 * builds them, for the local runners and the benchmark.
 */
export function localEmailClassifier(environmentName = "dev"): { backend: ClassifierBackend; policy: RoutingPolicy } {
  const environment = loadEnvironments().find((e) => e.name === environmentName);
  if (!environment) throw new Error(`no environment "${environmentName}" in config/environments`);
  const { classifier, topicQueues } = environment.emailRouting;
  return {
    backend: embeddedBackend(trainCorpusModel("email-intents")),
    policy: { confidenceThreshold: classifier.confidenceThreshold, topicQueues },
  };
}
