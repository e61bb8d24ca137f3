import { join } from "node:path";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { EnvironmentSettings } from "../config/environment";
import { FunctionDefaults } from "./aws/nodejs-function";
import { AttachmentPipeline, ExecutionLogLevel } from "./attachment-routing/pipeline";
import { DocumentsBucket } from "./attachment-routing/documents";
import { TextractCallback } from "./attachment-routing/textract-callback";
import { TriageArrivals } from "./attachment-routing/triage-arrivals";
import { RoutingQueues } from "./genesys/routing-queues";
import { GenesysEventStream } from "./genesys-event-stream";
import { Naming } from "./naming";

export const DOCUMENT_TYPES_CORPUS = join(__dirname, "..", "corpus", "document-types.csv");

export interface AttachmentRoutingProps {
  readonly naming: Naming;
  readonly settings: EnvironmentSettings["attachmentRouting"];
  readonly aws: EnvironmentSettings["aws"];
  readonly genesysRegion: string;
  /** The triage queue and the document-type queues (made by the stack: the inbound flow needs the triage queue too). */
  readonly queues: RoutingQueues;
  /** Queues the text intent can name, by name, and the fallback queue. */
  readonly intentQueueIds: Readonly<Record<string, string>>;
  readonly fallbackQueueId: string;
  /** Address the resend request comes from: the inbound route's own address. */
  readonly fromAddress: string;
  readonly fromName: string;
  readonly events: GenesysEventStream;
  readonly genesysCredentialsSecretArn: string;
  /** Log retention and X-Ray tracing (`tracing` also traces the state machine). */
  readonly functionDefaults: FunctionDefaults;
  /** The environment's `protectData`: keep the customers' documents and the training data on destroy. */
  readonly protectData: boolean;
  /** The environment's `observability.executionLogLevel`: Step Functions execution logging. */
  readonly executionLogLevel: ExecutionLogLevel;
}

/**
 * Attachment document routing, composed of its parts: Genesys' acd.start event for an email entering
 * the triage queue starts one execution per conversation (TriageArrivals); the pipeline downloads the
 * attachments to an encrypted bucket (DocumentsBucket), reads their text layer or has Textract OCR them,
 * resuming through SNS (TextractCallback), classifies them, writes participant attributes and moves the
 * email to the right queue, and on any failure to its text intent's queue (AttachmentPipeline).
 */
export class AttachmentRouting extends Construct {
  readonly documents: DocumentsBucket;
  readonly callback: TextractCallback;
  readonly pipeline: AttachmentPipeline;
  readonly arrivals: TriageArrivals;

  constructor(scope: Construct, id: string, props: AttachmentRoutingProps) {
    super(scope, id);
    const { naming, settings } = props;
    this.documents = new DocumentsBucket(this, "documents", {
      naming,
      accountId: props.aws.accountId,
      region: props.aws.region,
      retentionDays: settings.documentRetentionDays,
      protectData: props.protectData,
    });
    // The callback resumes the pipeline's executions, and the pipeline starts OCR through the callback.
    const stateMachineArn = Lazy.stringValue({ produce: () => this.pipeline.stateMachine.arn });
    this.callback = new TextractCallback(this, "textract-callback", {
      naming,
      accountId: props.aws.accountId,
      documents: this.documents,
      stateMachineArn,
      ocrTimeoutSeconds: settings.timeoutSeconds,
      functionDefaults: props.functionDefaults,
    });
    this.pipeline = new AttachmentPipeline(this, "pipeline", {
      naming,
      name: naming.name("attachment-pipeline"),
      settings,
      aws: props.aws,
      genesysRegion: props.genesysRegion,
      genesysCredentialsSecretArn: props.genesysCredentialsSecretArn,
      documents: this.documents,
      callback: this.callback,
      queueIds: { ...props.intentQueueIds, ...Object.fromEntries([...props.queues.byName].map(([name, queue]) => [name, queue.id])) },
      fallbackQueueId: props.fallbackQueueId,
      fromAddress: props.fromAddress,
      fromName: props.fromName,
      corpusFile: DOCUMENT_TYPES_CORPUS,
      functionDefaults: props.functionDefaults,
      protectData: props.protectData,
      executionLogLevel: props.executionLogLevel,
    });
    this.arrivals = new TriageArrivals(this, "triage-arrivals", {
      naming,
      events: props.events,
      triageQueueId: props.queues.get(settings.triageQueue).id,
      stateMachineArn: this.pipeline.stateMachine.arn,
      functionDefaults: props.functionDefaults,
    });
  }
}
