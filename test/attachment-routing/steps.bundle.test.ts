import { buildSync } from "esbuild";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunction } from "../../scripts/build/lambda-bundle";
import { CONVERSATION_ID, TRIAGE_QUEUE_ID } from "./harness";

const STEPS = ["start", "load", "ocr-start", "ocr-complete", "classify", "route", "fallback"].map((step) => `attachment-routing/${step}`);
const ROOT = join(__dirname, "..", "..");

type Handler = (event: unknown) => Promise<unknown>;

/** Requires a bundle with its environment set, restoring the environment afterwards. */
function loadBundle(dir: string, env: Record<string, string>): Handler {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(dir, "index.js")) as { handler: Handler }).handler;
  } finally {
    process.env = saved;
  }
}

describe("attachment step bundles", () => {
  it("bundles every step with the SDK included", () => {
    for (const name of STEPS) {
      const dir = bundleFunction(name);
      const required = [...readFileSync(join(dir, "index.js"), "utf8").matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]);
      expect(new Set(required)).toEqual(new Set(["@aws-sdk/signature-v4-crt"]));
    }
  });

  it("ships the document-types model with attachment-classify, and the bundle routes on a timeout and without attachments", async () => {
    const dir = bundleFunction("attachment-routing/classify");
    expect(existsSync(join(dir, "model.json"))).toBe(true);
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { labels: string[] };
    expect(model.labels).toEqual(["ClaimForm", "Complaint", "Invoice", "Other"]);

    const handler = loadBundle(dir, {
      DOCUMENTS_BUCKET: "documents",
      CLASSIFIER_BACKEND: "embedded",
      CONFIDENCE_THRESHOLD: "0.75",
      DOCUMENT_QUEUES: JSON.stringify({ Invoice: "Invoices" }),
    });
    const email = { conversationId: CONVERSATION_ID, customerParticipantId: "p-c", acdParticipantId: "p-a", intentQueueName: "Billing", documents: [] };
    await expect(handler({ email, ocr: [], failure: "timeout" })).resolves.toMatchObject({ processingStatus: "MANUAL_REVIEW_REQUIRED", targetQueueName: "Billing" });
    await expect(handler({ email, ocr: [], failure: null })).resolves.toMatchObject({ processingStatus: "NO_ATTACHMENTS" });
    await expect(handler({ email: {}, ocr: [] })).rejects.toMatchObject({ name: "InvalidStepInputError" });
  });

  it("attachment-start's bundle ignores other queues", async () => {
    const handler = loadBundle(bundleFunction("attachment-routing/start"), {
      STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:pipeline",
      TRIAGE_QUEUE_ID,
      DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/gcx-dev-triage-arrivals-dlq",
      AWS_REGION: "us-east-1",
    });
    const event = {
      id: "e-1",
      source: "aws.partner/genesys.com/cloud/org/suffix",
      "detail-type": "v2.detail.events.conversation.{id}.acd.start",
      detail: { eventBody: { conversationId: CONVERSATION_ID, queueId: "q-other", mediaType: "EMAIL" } },
    };
    await expect(handler(event)).resolves.toEqual({ outcome: "ignored" });
  });

  it("keeps the error names the state machine retries and catches on through minification", () => {
    const dir = mkdtempSync(join(tmpdir(), "stable-names-"));
    try {
      const entry = join(dir, "entry.ts");
      writeFileSync(
        entry,
        [
          `import { GenesysApiError, GenesysRateLimitError, GenesysNetworkError } from ${JSON.stringify(join(ROOT, "functions/shared/genesys/errors"))};`,
          `import { EmailLeftTriageError, InvalidStepInputError, TransientAwsError, toStepError } from ${JSON.stringify(join(ROOT, "functions/attachment-routing/core/errors"))};`,
          "const details = { method: 'GET', path: '/x', attempts: 1 };",
          "export const names = [new GenesysRateLimitError(details, 3, 'limit'), new GenesysApiError({ ...details, status: 503 }), new GenesysNetworkError(details, new Error('x')),",
          "  new TransientAwsError('x'), new EmailLeftTriageError('x'), new InvalidStepInputError('x'), toStepError(Object.assign(new Error('x'), { name: 'ThrottlingException' })) as Error]",
          "  .map((e) => e.name);",
        ].join("\n"),
      );
      const outfile = join(dir, "out.js");
      buildSync({ entryPoints: [entry], outfile, bundle: true, minify: true, platform: "node", format: "cjs", logLevel: "error", absWorkingDir: ROOT });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { names } = require(outfile) as { names: string[] };
      expect(names).toEqual(["GenesysRateLimitError", "GenesysApiError", "GenesysNetworkError", "TransientAwsError", "EmailLeftTriageError", "InvalidStepInputError", "TransientAwsError"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
