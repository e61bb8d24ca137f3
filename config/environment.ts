import { z } from "zod";
import { CLASSIFIER_BACKENDS } from "../functions/shared/classifier/environment";
import { identitySettingsSchema } from "../functions/identity-graph/core/settings";
import { GENESYS_AWS_ACCOUNT_ID, GENESYS_FEDRAMP_AWS_ACCOUNT_ID, GENESYS_REGIONS } from "../functions/shared/genesys/regions";
import { AWS_REGIONS, isAwsRegion } from "./aws-regions";

const awsAccountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const awsRegion = z.string().refine(isAwsRegion, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a region of the AWS commercial partition (the one Genesys Cloud integrates with); expected one of ${AWS_REGIONS.join(", ")}`,
});
const queueName = z.string().trim().min(1, "must not be empty").max(120, "must be at most 120 characters");
const label = z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, "must be 1-60 letters, digits, '_' or '-'");

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy `retentionInDays`). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const classifier = z.strictObject({
  /** `embedded`: model trained at build time and bundled in the Lambda. `comprehend`: a real-time endpoint. */
  backend: z.enum(CLASSIFIER_BACKENDS),
  /** Below this confidence the email goes to the fallback queue. */
  confidenceThreshold: z.number().min(0).max(1).default(0.75),
  comprehend: z
    .strictObject({
      inferenceUnits: z.number().int().min(1).max(10).default(1),
      languageCode: z.enum(["en", "es", "fr", "it", "de", "pt"]).default("en"),
      trainingTimeoutMinutes: z.number().int().min(60).max(1440).default(240),
    })
    .prefault({}),
});

const emailRouting = z.strictObject({
  enabled: z.boolean(),
  /**
   * Genesys email subdomain label: the stack creates `<label>.<region email suffix>` and mail arrives at
   * `<routePattern>@<label>.<region email suffix>`. Set this or `existingEmailDomain`.
   */
  emailDomainLabel: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lower-case DNS label").optional(),
  /**
   * Full name of an email domain that already exists in the org (a Genesys subdomain such as
   * `acme.mypurecloud.com`, or a verified custom domain): the stack adds its route there and creates no
   * domain. An org has two email domains by default and the system's own takes one, so environments that
   * share an org reuse a domain. Set this or `emailDomainLabel`.
   */
  existingEmailDomain: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a full lower-case domain name such as acme.mypurecloud.com")
    .optional(),
  routePattern: z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/, "must be the local part of an email address"),
  fromName: z.string().trim().min(1).max(100),
  classifier,
  /** How Genesys reaches the classifier: an API key-protected REST API, or a direct Lambda data action. */
  frontDoor: z.enum(["api-gateway", "lambda"]),
  /** Corpus label -> Genesys queue name. Labels not listed here (e.g. GENERAL) go to the fallback queue. */
  topicQueues: z.record(label, queueName).refine((m) => Object.keys(m).length > 0, "must name at least one topic"),
  fallbackQueue: queueName,
  dataActionTimeoutSeconds: z.number().int().min(1).max(60).default(10),
  api: z
    .strictObject({
      rateLimitPerSecond: z.number().positive().max(10000).default(20),
      burstLimit: z.number().int().positive().max(5000).default(40),
    })
    .prefault({}),
  acknowledgement: z
    .strictObject({
      enabled: z.boolean().default(false),
      message: z
        .string()
        .min(1)
        .max(2000)
        .default("Thank you for contacting us. Your email has been routed to the right team and we will reply soon."),
    })
    .prefault({}),
});

const attachmentRouting = z.strictObject({
  enabled: z.boolean(),
  /** The queue no agent works, where emails wait while their attachments are processed. */
  triageQueue: queueName.default("DocumentTriage"),
  /** Document type (a class of corpus/document-types.csv) -> queue. Types not listed (e.g. Other) keep the text intent. */
  documentQueues: z
    .record(label, queueName)
    .default({ Invoice: "Invoices", ClaimForm: "Claims", Complaint: "Complaints" }),
  classifier: z
    .strictObject({
      backend: z.enum(CLASSIFIER_BACKENDS).default("embedded"),
      confidenceThreshold: z.number().min(0).max(1).default(0.6),
      comprehend: z.strictObject({ inferenceUnits: z.number().int().min(1).max(10).default(1) }).prefault({}),
    })
    .prefault({}),
  /** How long OCR may take before the email is routed anyway, with processingStatus MANUAL_REVIEW_REQUIRED. */
  timeoutSeconds: z.number().int().min(10).max(900).default(60),
  /**
   * The target size of what OCR reads: a PDF over it, or longer than classificationPages, is read from a
   * copy of its first pages and the whole file is kept. At most Textract's 500 MB (10^6 bytes).
   */
  maxAttachmentBytes: z.number().int().min(1024).max(500_000_000).default(10 * 1024 * 1024),
  /** PDFs longer than this are classified on their first pages only (the original is kept). */
  classificationPages: z.number().int().min(1).max(50).default(5),
  /** How long the documents bucket keeps each email's files, the original attachments included: the compliance copy. */
  documentRetentionDays: z.number().int().min(1).max(3650).default(7),
  resendRequest: z
    .strictObject({
      subject: z.string().min(1).max(200).default("Please resend your document without a password"),
      message: z
        .string()
        .min(1)
        .max(4000)
        .default("Thank you for your email. One of the attached documents is password-protected, so we cannot read it. Please reply with the document attached without a password."),
    })
    .prefault({}),
});

const identityGraph = z.strictObject({
  ...identitySettingsSchema.shape,
  enabled: z.boolean(),
  /** Suffix of the Genesys partner event source; default `<prefix>-<env>`. Changing it means a new event bus. */
  eventSourceSuffix: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'").optional(),
  /** Most resolver invocations at once: protects DynamoDB and the Genesys API rate limit. */
  maxConcurrency: z.number().int().min(2).max(1000).default(5),
  batchWindowSeconds: z.number().int().min(0).max(300).default(2),
  resolverTimeoutSeconds: z.number().int().min(5).max(120).default(30),
  /** Genesys allows about 300 requests a minute per token; the write-back stays under this, shared by all invocations. */
  writeBackRequestsPerMinute: z.number().int().min(1).max(3000).default(240),
  /** Alarm when the oldest queued event is older than this. */
  oldestEventAlarmSeconds: z.number().int().min(60).max(86400).default(300),
});

const state = z.discriminatedUnion("backend", [
  /** A personal sandbox: state in `.terraform-state/<env>.tfstate` (git-ignored, secrets in clear text). CI never deploys it. */
  z.strictObject({ backend: z.literal("local") }),
  z.strictObject({
    backend: z.literal("s3"),
    /** Default: the bucket the bootstrap creates, `genesys-cx-intelligence-state-<accountId>-<region>`. */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name").optional(),
    /** Default: `genesys-cx-intelligence/<env>.tfstate`. */
    key: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]{1,900}\.tfstate$/, "must be an S3 object key ending in .tfstate")
      .refine((key) => !key.startsWith("/") && !key.includes("//"), "must not start with '/' or hold '//'")
      .optional(),
    /** Default: aws.region. */
    region: awsRegion.optional(),
    lockTable: z
      .undefined({ error: "is no longer supported: DynamoDB locking is deprecated since terraform 1.11; remove it, state is locked by an S3 lock file (use_lockfile)" })
      .optional(),
    /** State holds secrets (OAuth client secret, API key): it is always encrypted. */
    encrypt: z.literal(true, "must be true: state holds secrets").default(true),
    /** SSE-KMS for the state object: a key ARN, since the CI roles are granted on it. Default: the bucket's SSE-S3. */
    kmsKeyId: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, "must be a KMS key ARN (the CI roles are granted on it)")
      .optional(),
  }),
]);

const ci = z.strictObject({
  /** Plan and apply this environment on every merge to main (after its GitHub environment's approval, if it has one). */
  deployOnMerge: z.boolean().default(false),
});

export const environmentSchema = z
  .strictObject({
  aws: z.strictObject({ region: awsRegion, accountId: awsAccountId }),
  genesys: z.strictObject({
    region: z.enum(GENESYS_REGIONS),
    /** AWS account Genesys Cloud uses to assume roles for Lambda data actions. Default: Genesys' documented account for the region. */
    awsAccountId: awsAccountId.optional(),
    /**
     * Secrets Manager secret ({"clientId","clientSecret"}) of an existing OAuth client for the
     * functions' Genesys API calls. Unset: the stack creates a least-privilege client and its secret.
     */
    apiClientSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, "must be a Secrets Manager secret ARN").optional(),
    /**
     * The Genesys organization this environment deploys into (Admin > Organization Settings). Optional;
     * when set, `npm run doctor` refuses credentials of another org, and counts the email domains of
     * all environments that name the same org together.
     */
    orgId: z.uuid("must be a Genesys organization id (a UUID)").optional(),
    /**
     * How many email domains (Genesys subdomains and custom domains together) the org may have: 2 by
     * default (help.mypurecloud.com/articles/email-rate-limits). Raise it only if Genesys has raised it.
     */
    emailDomainLimit: z.number().int().min(1).max(100).default(2),
  }),
  /** Prefix of every resource name: `<prefix>-<environment>-<purpose>`. */
  namePrefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,11}$/, "must be 2-12 lower-case letters or digits, starting with a letter")
    .default("gcx"),
  /** Days CloudWatch Logs keeps every function's logs: one of the retention periods CloudWatch Logs accepts. */
  logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(30),
  /**
   * Keep stored data when the stack is destroyed: deletion protection on tables, no force_destroy on
   * buckets, recovery windows on secrets. Leave it on for any environment holding real customer data;
   * turn it off for sandboxes that are destroyed and redeployed.
   */
  protectData: z.boolean().default(true),
  observability: z
    .strictObject({
      /** AWS X-Ray tracing of every function and state machine. */
      tracing: z.boolean().default(false),
      /** Step Functions execution history in CloudWatch Logs. */
      executionLogLevel: z.enum(["OFF", "ERROR", "ALL"]).default("ERROR"),
      /**
       * Stack traces mapped to the TypeScript source (NODE_OPTIONS=--enable-source-maps). Node then reads
       * and indexes each bundle's source map at every cold start (`npm run bench -- bundles` shows the
       * cost), so it is off by default; the maps ship in every archive either way.
       */
      sourceMaps: z.boolean().default(false),
    })
    .prefault({}),
  emailRouting,
  attachmentRouting,
  identityGraph,
  state,
  ci: ci.prefault({}),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
})
  .superRefine((env, ctx) => {
    const email = env.emailRouting;
    if (email.enabled && email.frontDoor === "lambda" && env.aws.region !== env.genesys.region) {
      ctx.addIssue({
        code: "custom",
        path: ["emailRouting", "frontDoor"],
        message: `"lambda" needs the function in the Genesys org's region: aws.region is ${env.aws.region}, genesys.region is ${env.genesys.region}`,
      });
    }
    if (email.enabled && email.emailDomainLabel === undefined && email.existingEmailDomain === undefined) {
      ctx.addIssue({ code: "custom", path: ["emailRouting", "emailDomainLabel"], message: "is required unless existingEmailDomain names a domain to reuse" });
    }
    if (email.emailDomainLabel !== undefined && email.existingEmailDomain !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["emailRouting", "existingEmailDomain"],
        message: "set either emailDomainLabel (create a subdomain) or existingEmailDomain (reuse a domain), not both",
      });
    }
    const attachments = env.attachmentRouting;
    if (attachments.enabled && !email.enabled) {
      ctx.addIssue({ code: "custom", path: ["attachmentRouting", "enabled"], message: "needs emailRouting.enabled: the inbound email flow holds emails in the triage queue" });
    }
    if (attachments.enabled && email.enabled) {
      const emailQueues = new Set([...Object.values(email.topicQueues), email.fallbackQueue]);
      for (const [type, queue] of Object.entries(attachments.documentQueues)) {
        if (emailQueues.has(queue)) ctx.addIssue({ code: "custom", path: ["attachmentRouting", "documentQueues", type], message: `"${queue}" is already an email routing queue; use a queue of its own` });
      }
      if (emailQueues.has(attachments.triageQueue) || Object.values(attachments.documentQueues).includes(attachments.triageQueue)) {
        ctx.addIssue({ code: "custom", path: ["attachmentRouting", "triageQueue"], message: "must be a queue of its own, worked by no agent" });
      }
    }
    if (env.ci.deployOnMerge && env.state.backend !== "s3") {
      ctx.addIssue({ code: "custom", path: ["ci", "deployOnMerge"], message: 'needs state.backend "s3": a CI runner keeps no local state' });
    }
    if (email.enabled && email.classifier.backend === "comprehend" && email.classifier.confidenceThreshold === 0) {
      ctx.addIssue({ code: "custom", path: ["emailRouting", "classifier", "confidenceThreshold"], message: "must be above 0 so uncertain emails reach the fallback queue" });
    }
  })
  .transform((env) => ({
    ...env,
    genesys: {
      ...env.genesys,
      awsAccountId: env.genesys.awsAccountId ?? (env.genesys.region === "us-east-2" ? GENESYS_FEDRAMP_AWS_ACCOUNT_ID : GENESYS_AWS_ACCOUNT_ID),
    },
  }));

export type EnvironmentSettings = z.output<typeof environmentSchema>;

/** A validated environment: its settings plus the name it is deployed under. */
export interface Environment extends EnvironmentSettings {
  readonly name: string;
}

/** Where an environment's email route lives: a subdomain it creates, or an existing domain it reuses. */
export function emailDomainOf(
  email: Pick<EnvironmentSettings["emailRouting"], "emailDomainLabel" | "existingEmailDomain">,
): { kind: "subdomain"; label: string } | { kind: "existing"; name: string } {
  if (email.existingEmailDomain !== undefined) return { kind: "existing", name: email.existingEmailDomain };
  if (email.emailDomainLabel !== undefined) return { kind: "subdomain", label: email.emailDomainLabel };
  throw new Error("emailRouting.emailDomainLabel: is required unless existingEmailDomain names a domain to reuse");
}
