import { Construct } from "constructs";
import type { $ZodObject, $ZodType } from "zod/v4/core";
import { ClassifierBackendName, classifierBackendVariables } from "../../functions/shared/classifier/environment";
import { LambdaContract, LambdaEnvironment } from "../../functions/shared/env";
import { readCorpus } from "../../scripts/training/corpus";
import { Naming } from "../naming";
import { ComprehendClassifier } from "./comprehend-classifier";
import { PolicyStatement } from "./iam";
import { FunctionDefaults, NodejsFunction } from "./nodejs-function";

/** An environment's choice of classifier, as the configuration gives it. */
export interface ClassifierSettings {
  readonly backend: ClassifierBackendName;
  readonly confidenceThreshold: number;
  readonly comprehend: { readonly inferenceUnits: number; readonly languageCode?: string; readonly trainingTimeoutMinutes?: number };
}

/** The variables this construct sets itself on every classifier function. */
type ClassifierShape = typeof classifierBackendVariables & { CONFIDENCE_THRESHOLD: $ZodType };
type OwnVariable = keyof ClassifierShape;

export interface ClassifierFunctionProps<S extends $ZodObject<ClassifierShape>> {
  readonly naming: Naming;
  readonly aws: { readonly accountId: string; readonly region: string };
  readonly functionDefaults: FunctionDefaults;
  /** Keep the Comprehend training bucket's contents on destroy. */
  readonly protectData: boolean;
  /** `LABEL,text` CSV the model is trained from: its labels are the only classes. */
  readonly corpusFile: string;
  /** Short name of what is classified, e.g. `email-intents`. */
  readonly purpose: string;
  readonly settings: ClassifierSettings;
  /** Labels the configuration routes, each of which must be a class of the corpus, and the setting they come from. */
  readonly routedLabels: { readonly setting: string; readonly labels: readonly string[] };
  readonly contract: LambdaContract<S>;
  readonly functionName: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The function's other variables; the backend, endpoint and threshold are set here. */
  readonly environment: Omit<LambdaEnvironment<S>, OwnVariable>;
  readonly statements?: readonly PolicyStatement[];
}

export interface ClassifierFunction<S extends $ZodObject<ClassifierShape>> {
  readonly function: NodejsFunction<S>;
  readonly comprehend?: ComprehendClassifier;
}

/**
 * A Lambda that classifies text with the environment's backend: the embedded model (bundled with the
 * function, no standing cost) or a Comprehend custom classifier trained from the same corpus behind a
 * real-time endpoint, which the function alone may call. Both routing capabilities use one. It adds
 * `<id>` (the function) and `comprehend` to `scope`, keeping the Terraform addresses the capabilities
 * had before they shared this code.
 */
export function classifierFunction<S extends $ZodObject<ClassifierShape>>(
  scope: Construct,
  id: string,
  props: ClassifierFunctionProps<S>,
): ClassifierFunction<S> {
  const { naming, settings } = props;
  const classes = new Set(readCorpus(props.corpusFile).rows.map((r) => r.label));
  for (const label of props.routedLabels.labels) {
    if (!classes.has(label)) {
      throw new Error(
        `environment "${naming.environment}": ${props.routedLabels.setting}.${label}: "${label}" is not a class of ${props.corpusFile} ` +
          `(classes: ${[...classes].sort().join(", ")})`,
      );
    }
  }

  const comprehend =
    settings.backend === "comprehend"
      ? new ComprehendClassifier(scope, "comprehend", {
          naming,
          accountId: props.aws.accountId,
          region: props.aws.region,
          corpusFile: props.corpusFile,
          purpose: props.purpose,
          languageCode: settings.comprehend.languageCode ?? "en",
          inferenceUnits: settings.comprehend.inferenceUnits,
          trainingTimeoutMinutes: settings.comprehend.trainingTimeoutMinutes ?? 240,
          functionDefaults: props.functionDefaults,
          protectData: props.protectData,
        })
      : undefined;
  const endpointArn = comprehend?.endpointArn;
  const environment = {
    ...props.environment,
    CLASSIFIER_BACKEND: settings.backend,
    CONFIDENCE_THRESHOLD: settings.confidenceThreshold,
    ...(endpointArn ? { COMPREHEND_ENDPOINT_ARN: endpointArn } : {}),
  } as LambdaEnvironment<S>; // the variables set here complete what the props type left out
  const fn = new NodejsFunction(scope, id, {
    ...props.functionDefaults,
    contract: props.contract,
    functionName: props.functionName,
    description: props.description,
    timeoutSeconds: props.timeoutSeconds,
    memoryMb: props.memoryMb,
    environment,
    statements: [
      ...(props.statements ?? []),
      ...(endpointArn ? [{ sid: "ClassifyWithEndpoint", actions: ["comprehend:ClassifyDocument"], resources: [endpointArn] }] : []),
    ],
  });
  return { function: fn, comprehend };
}
