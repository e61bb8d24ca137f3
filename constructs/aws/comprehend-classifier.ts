import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { ComprehendDocumentClassifier } from "@cdktf/provider-aws/lib/comprehend-document-classifier";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { readCorpus } from "../../scripts/training/corpus";
import { Naming } from "../naming";
import { assumeRolePolicy, policyDocument } from "./iam";
import { COMPREHEND_ENDPOINT_MANAGER } from "../../functions/shared/comprehend-endpoint-manager/environment";
import { FunctionDefaults, NodejsFunction } from "./nodejs-function";
import { SecureBucket } from "./secure-bucket";

export interface ComprehendClassifierProps {
  readonly naming: Naming;
  readonly accountId: string;
  readonly region: string;
  /** `LABEL,text` CSV, no header. */
  readonly corpusFile: string;
  /** Short name of what is classified, e.g. `email-intents`. */
  readonly purpose: string;
  readonly languageCode: string;
  readonly inferenceUnits: number;
  readonly trainingTimeoutMinutes: number;
  readonly functionDefaults: FunctionDefaults;
  /** Keep the training bucket's contents (corpus versions, Comprehend's output) on destroy. */
  readonly protectData: boolean;
}

/**
 * A Comprehend custom classifier trained from a corpus in the repository, and its real-time
 * endpoint. The corpus is uploaded under its content hash, so changing it trains a new model
 * version; the endpoint, which the AWS provider has no resource for, is kept on the newest version
 * by an endpoint-manager Lambda that Terraform invokes on create, update and destroy.
 */
export class ComprehendClassifier extends Construct {
  readonly classifier: ComprehendDocumentClassifier;
  readonly endpointArn: string;
  readonly labels: readonly string[];

  constructor(scope: Construct, id: string, props: ComprehendClassifierProps) {
    super(scope, id);
    const { naming } = props;
    if (!Number.isInteger(props.inferenceUnits) || props.inferenceUnits < 1 || props.inferenceUnits > 10) {
      throw new Error(`${props.purpose}: inferenceUnits must be an integer from 1 to 10, got ${props.inferenceUnits}`);
    }
    const corpus = readCorpus(props.corpusFile);
    this.labels = [...new Set(corpus.rows.map((r) => r.label))].sort();

    const data = new SecureBucket(this, "training-data", {
      bucketName: naming.bucket(`${props.purpose}-training`, props.accountId, props.region),
      forceDestroy: !props.protectData,
    });
    const corpusKey = `training/${corpus.sha256.slice(0, 16)}/${props.purpose}.csv`;
    const corpusAsset = new TerraformAsset(this, "corpus", { path: props.corpusFile, type: AssetType.FILE });
    const corpusObject = new S3Object(this, "corpus-object", {
      bucket: data.bucket.id,
      key: corpusKey,
      source: corpusAsset.path,
      sourceHash: corpus.sha256,
      contentType: "text/csv",
    });

    const dataAccess = new IamRole(this, "data-access-role", {
      name: naming.name(`${props.purpose}-comprehend-data`),
      assumeRolePolicy: assumeRolePolicy({
        service: "comprehend.amazonaws.com",
        conditions: { StringEquals: { "aws:SourceAccount": props.accountId } },
      }),
    });
    const dataAccessPolicy = new IamRolePolicy(this, "data-access-policy", {
      role: dataAccess.name,
      name: "training-data",
      policy: policyDocument([
        { sid: "ReadTrainingData", actions: ["s3:GetObject"], resources: [`${data.bucket.arn}/training/*`] },
        { sid: "ListTrainingData", actions: ["s3:ListBucket"], resources: [data.bucket.arn] },
        { sid: "WriteTrainingOutput", actions: ["s3:PutObject"], resources: [`${data.bucket.arn}/output/*`] },
      ]),
    });

    const timeout = `${props.trainingTimeoutMinutes}m`;
    this.classifier = new ComprehendDocumentClassifier(this, "classifier", {
      name: naming.name(props.purpose, 63),
      languageCode: props.languageCode,
      mode: "MULTI_CLASS",
      dataAccessRoleArn: dataAccess.arn,
      versionNamePrefix: "v-",
      inputDataConfig: { dataFormat: "COMPREHEND_CSV", s3Uri: `s3://${data.bucket.id}/${corpusObject.key}` },
      outputDataConfig: { s3Uri: `s3://${data.bucket.id}/output/` },
      timeouts: { create: timeout, update: timeout, delete: "60m" },
      dependsOn: [dataAccessPolicy, corpusObject],
    });

    const endpointName = naming.name(props.purpose, 40);
    const endpointArn = `arn:aws:comprehend:${props.region}:${props.accountId}:document-classifier-endpoint/${endpointName}`;
    const manager = new NodejsFunction(this, "endpoint-manager", {
      contract: COMPREHEND_ENDPOINT_MANAGER,
      environment: {},
      functionName: naming.name(`${props.purpose}-endpoint-manager`),
      description: `Creates, updates and deletes the ${endpointName} Comprehend endpoint for Terraform`,
      timeoutSeconds: 900,
      memoryMb: 256,
      ...props.functionDefaults,
      statements: [
        {
          sid: "ManageEndpoint",
          actions: ["comprehend:CreateEndpoint", "comprehend:UpdateEndpoint", "comprehend:DeleteEndpoint", "comprehend:DescribeEndpoint"],
          resources: [endpointArn],
        },
        {
          sid: "UseClassifierVersions",
          actions: ["comprehend:CreateEndpoint", "comprehend:UpdateEndpoint"],
          resources: [`arn:aws:comprehend:${props.region}:${props.accountId}:document-classifier/${this.classifier.name}/version/*`],
        },
      ],
    });

    const endpoint = new LambdaInvocation(this, "endpoint", {
      functionName: manager.function.functionName,
      lifecycleScope: "CRUD",
      input: Fn.jsonencode({
        EndpointName: endpointName,
        EndpointArn: endpointArn,
        ModelArn: this.classifier.arn,
        DesiredInferenceUnits: props.inferenceUnits,
      }),
      // The manager's code and permissions must outlive the endpoint so `destroy` can delete it.
      dependsOn: [manager.function, manager.policy],
    });
    this.endpointArn = Fn.lookup(Fn.jsondecode(endpoint.result), "EndpointArn");
  }
}
