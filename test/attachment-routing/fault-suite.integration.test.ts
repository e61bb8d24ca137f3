import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetDocumentTextDetectionCommand, StartDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { mockClient } from "aws-sdk-client-mock";
import { makeHandler as makeClassify } from "../../functions/attachment-routing/classify/handler";
import { DocumentRef, LoadedEmail, MAX_DOCUMENTS_PER_EMAIL } from "../../functions/attachment-routing/core/contracts";
import { documentKeys } from "../../functions/attachment-routing/core/document-keys";
import { errorName, TRANSIENT_STEP_ERROR_NAMES } from "../../functions/attachment-routing/core/errors";
import { ACD_START_TOPIC, PIPELINE_STATUS_CHANGE } from "../../functions/attachment-routing/core/events";
import { s3DocumentStore } from "../../functions/attachment-routing/core/storage";
import { makeHandler as makeFallback } from "../../functions/attachment-routing/fallback/handler";
import { makeHandler as makeLoad } from "../../functions/attachment-routing/load/handler";
import { makeHandler as makeOcrComplete } from "../../functions/attachment-routing/ocr-complete/handler";
import { makeHandler as makeOcrStart } from "../../functions/attachment-routing/ocr-start/handler";
import { makeHandler as makeRoute } from "../../functions/attachment-routing/route/handler";
import { makeHandler as makeStart } from "../../functions/attachment-routing/start/handler";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { FakeParticipant, GenesysFake, startGenesysFake } from "../support/genesys-fake";
import { LocalS3, startS3rver } from "../support/s3rver";
import { awsError, CONVERSATION_ID, CUSTOMER_ADDRESS, genesysClientFor, lambdaContext, LocalTokenTable, recorders, recordingDeadLetters, startTokenTable, TRIAGE_QUEUE_ID } from "./harness";
import { documentModel, DOCUMENT_QUEUES, FALLBACK_QUEUE_ID, QUEUE_IDS, slowFetch } from "./pipeline-bench";

/**
 * Hostile inputs and faults at every attachment entry point, through the real handlers, each counted by
 * what became of it:
 * - handled: a result, or a named permanent error the state machine catches at once (the fallback step
 *   then routes the email by its text intent, or the execution ends cleanly for an ended conversation);
 * - retried: a transient error under a name the state machine retries (steps), or an asynchronous
 *   invocation that throws, which Lambda retries and then keeps in the on-failure queue (start, ocr-complete);
 * - dead-lettered: an event the entry point can never handle, sent at once to its dead-letter queue;
 * - lost: a valid email (or completion) that was neither acted on, nor retried, nor kept;
 * - unhandled: an unnamed crash (TypeError, RangeError, a plain Error).
 * Set FAULT_SUITE_REPORT=1 to print the table.
 */
type Verdict = "handled" | "retried" | "dead-lettered" | "lost" | "unhandled";
const VERDICTS: readonly Verdict[] = ["handled", "retried", "dead-lettered", "lost", "unhandled"];
const CRASHES = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError"]);

/** A step invoked by the state machine: a result, a retried name, a caught name, or a crash. */
async function stepVerdict(call: () => Promise<unknown>): Promise<Verdict> {
  try {
    return (await call()) === undefined ? "lost" : "handled";
  } catch (error) {
    const name = errorName(error);
    if (CRASHES.has(name)) return "unhandled";
    return TRANSIENT_STEP_ERROR_NAMES.includes(name) ? "retried" : "handled";
  }
}

/** An asynchronously invoked entry point: `acted` says whether a valid input had its effect. */
async function asyncVerdict(call: () => Promise<{ outcome?: string; outcomes?: string[] }>, acted: () => boolean): Promise<Verdict> {
  try {
    const result = await call();
    const outcomes = result.outcomes ?? [result.outcome];
    if (outcomes.includes("dead-lettered")) return "dead-lettered";
    return acted() ? "handled" : "lost";
  } catch (error) {
    return CRASHES.has(errorName(error)) ? "unhandled" : "retried";
  }
}

const table: Record<string, Record<Verdict | "tried", number>> = {};
function record(entryPoint: string, input: string, verdict: Verdict): void {
  const row = (table[entryPoint] ??= { tried: 0, handled: 0, retried: 0, "dead-lettered": 0, lost: 0, unhandled: 0 });
  row.tried++;
  row[verdict]++;
  if (verdict === "lost" || verdict === "unhandled") throw new Error(`${entryPoint}: ${input}: ${verdict}`);
}

const HUGE = "x".repeat(240 * 1024);
const doc = (attachmentId: string, overrides: Partial<DocumentRef> = {}): DocumentRef => ({
  attachmentId,
  fileName: `${attachmentId}.pdf`,
  status: "readable",
  objectKey: documentKeys(CONVERSATION_ID, attachmentId).original,
  ocrKey: documentKeys(CONVERSATION_ID, attachmentId).ocr,
  textKey: documentKeys(CONVERSATION_ID, attachmentId).text,
  needsOcr: false,
  pagesTotal: 1,
  pagesAnalyzed: 1,
  truncated: false,
  ...overrides,
});
const EMAIL: LoadedEmail = { conversationId: CONVERSATION_ID, customerParticipantId: "p-customer", acdParticipantId: "p-acd", customerAddress: CUSTOMER_ADDRESS, intentQueueName: "Billing", documents: [doc("a-1")], documentsOmitted: 0 };
const DECISION = { processingStatus: "CLASSIFIED", documentType: "Invoice", documentConfidence: 0.9, targetQueueName: "Invoices", requestResend: false };
/** Inputs no step contract accepts. */
const MALFORMED: Array<[string, unknown]> = [
  ["undefined", undefined],
  ["null", null],
  ["a string", "not an event"],
  ["an array", [1, 2, 3]],
  ["an empty object", {}],
  ["__proto__ keys", JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')],
  ["a 240 KB string field", { conversationId: HUGE, triageQueueId: TRIAGE_QUEUE_ID, email: { conversationId: HUGE } }],
];

describe("fault suite: every attachment entry point under hostile inputs and faults", () => {
  const sfn = mockClient(SFNClient);
  const textract = mockClient(TextractClient);
  let fake: GenesysFake;
  let s3: LocalS3;
  let tokens: LocalTokenTable;
  const participants = (acdState = "connected"): FakeParticipant[] => [
    { id: "p-customer", purpose: "customer", state: "connected", attributes: { intent: "Billing" } },
    { id: "p-acd", purpose: "acd", state: acdState, queue: { id: TRIAGE_QUEUE_ID } },
  ];
  const seed = (overrides: { participants?: FakeParticipant[]; attachments?: number } = {}) =>
    fake.seedConversation({
      id: CONVERSATION_ID,
      participants: overrides.participants ?? participants(),
      messages: [
        {
          id: "m-1",
          textBody: "see attached",
          time: "2026-01-05T10:00:00.000Z",
          attachments: Array.from({ length: overrides.attachments ?? 1 }, (_, i) => ({ attachmentId: `a-${i}`, name: `file-${i}.txt`, contentType: "text/plain", bytes: "plain text, not a document" })),
        },
      ],
    });

  beforeAll(async () => {
    [fake, s3, tokens] = await Promise.all([startGenesysFake(), startS3rver(["documents"]), startTokenTable()]);
    await s3DocumentStore(s3.client, "documents").put(documentKeys(CONVERSATION_ID, "a-1").text, "Invoice No. 4471 Total due $1,020.80 remit within 30 days", "text/plain");
  });
  afterAll(async () => {
    await Promise.all([fake.close(), s3.close(), tokens.close()]);
    if (process.env.FAULT_SUITE_REPORT) {
      const lines = Object.entries(table).map(([entry, row]) => `| ${entry} | ${row.tried} | ${VERDICTS.map((v) => row[v]).join(" | ")} |`);
      console.log(["| entry point | tried | handled | retried | dead-lettered | lost | unhandled |", "|---|---|---|---|---|---|---|", ...lines].join("\n"));
    }
  });
  beforeEach(() => {
    sfn.reset();
    textract.reset();
    fake.conversations.clear();
    fake.transfers.length = 0;
  });

  it("attachment-start (EventBridge, asynchronous)", async () => {
    const { deadLetters } = recordingDeadLetters();
    const handler = makeStart({ sfn: new SFNClient({ region: "us-east-1" }), stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:p", triageQueueId: TRIAGE_QUEUE_ID, deadLetters, ...recorders() });
    const event = (body: Record<string, unknown> = {}, detailType = ACD_START_TOPIC) => ({
      id: "e-1",
      source: "aws.partner/genesys.com/cloud/o/s",
      "detail-type": detailType,
      detail: { eventBody: { conversationId: CONVERSATION_ID, queueId: TRIAGE_QUEUE_ID, mediaType: "EMAIL", ...body } },
    });
    const started = () => sfn.commandCalls(StartExecutionCommand).length > 0;
    const ignoredRightly = () => sfn.commandCalls(StartExecutionCommand).length === 0;
    const cases: Array<[string, unknown, () => void, () => boolean]> = [
      ["a valid arrival", event(), () => sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:x" }), started],
      ["a repeated arrival (ExecutionAlreadyExists)", event(), () => sfn.on(StartExecutionCommand).rejects(awsError("ExecutionAlreadyExists")), started],
      ["an arrival in another queue", event({ queueId: "q-other" }), () => undefined, ignoredRightly],
      ["a voice interaction", event({ mediaType: "VOICE" }), () => undefined, ignoredRightly],
      ["another topic", event({}, "v2.detail.events.conversation.{id}.customer.start"), () => undefined, ignoredRightly],
      ["a 240 KB unknown field", { ...event(), detail: { ...event().detail, extra: HUGE } }, () => sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:x" }), started],
      ["no queueId", event({ queueId: undefined }), () => undefined, () => false],
      ["a 300-character conversation id", event({ conversationId: "c".repeat(300) }), () => undefined, () => false],
      ["an eventBody that is an array", { ...event(), detail: { eventBody: [1] } }, () => undefined, () => false],
      ...MALFORMED.map(([name, input]): [string, unknown, () => void, () => boolean] => [name, input, () => undefined, () => false]),
      ["Step Functions throttling", event(), () => sfn.on(StartExecutionCommand).rejects(awsError("ThrottlingException")), started],
      ["Step Functions 5xx", event(), () => sfn.on(StartExecutionCommand).rejects(Object.assign(awsError("InternalFailure"), { $fault: "server" })), started],
      ["the state machine missing", event(), () => sfn.on(StartExecutionCommand).rejects(awsError("StateMachineDoesNotExist")), started],
    ];
    for (const [input, value, arrange, acted] of cases) {
      sfn.reset();
      arrange();
      record("attachment-start", input, await asyncVerdict(() => handler(value), acted));
    }
  });

  it("LoadEmail (attachment-load)", async () => {
    const load = (options: Parameters<typeof genesysClientFor>[1] = {}) =>
      makeLoad({ genesys: genesysClientFor(fake, { maxRetries: 1, ...options }).client, store: s3DocumentStore(s3.client, "documents"), limits: {}, ...recorders() });
    const input = { conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID };
    const path = `/api/v2/conversations/emails/${CONVERSATION_ID}`;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["a valid email", async () => (seed(), load()(input))],
      [`${MAX_DOCUMENTS_PER_EMAIL + 10} attachments`, async () => (seed({ attachments: MAX_DOCUMENTS_PER_EMAIL + 10 }), load()(input))],
      ["no customer participant", async () => (seed({ participants: [participants()[1]!] }), load()(input))],
      ["already left triage", async () => (seed({ participants: participants("disconnected") }), load()(input))],
      ["an ended conversation (404)", async () => load()(input)],
      ["a 429 with Retry-After 120", async () => (seed(), fake.script(path, [{ status: 429, headers: { "retry-after": "120" } }]), load()(input))],
      ["503 twice", async () => (seed(), fake.script(path, [{ status: 503 }, { status: 503 }]), load()(input))],
      ["401 twice (token refused)", async () => (seed(), fake.script(path, [{ status: 401 }, { status: 401 }]), load()(input))],
      ["400 (request refused)", async () => (seed(), fake.script(path, [{ status: 400 }]), load()(input))],
      ["a download refused (403)", async () => (seed(), fake.script(/^\/api\/v2\/downloads\//, [{ status: 403 }]), load()(input))],
      ["a download failing (502 twice)", async () => (seed(), fake.script(/^\/api\/v2\/downloads\//, [{ status: 502 }, { status: 502 }]), load()(input))],
      ["a Genesys slower than the invocation", async () => (seed(), load({ fetch: slowFetch([{ match: () => true, delayMs: 60_000, times: 5 }]) })(input, lambdaContext(1_500)))],
      ...MALFORMED.map(([name, value]): [string, () => Promise<unknown>] => [name, () => load()(value)]),
    ];
    for (const [name, call] of cases) {
      fake.conversations.clear();
      record("LoadEmail", name, await stepVerdict(call));
    }
  });

  it("Ocr (attachment-ocr-start, and the Map around it)", async () => {
    const ocrStart = makeOcrStart({ textract: new TextractClient({ region: "us-east-1" }), tokens: tokens.store, bucket: "documents", topicArn: "arn:aws:sns:us-east-1:1:t", roleArn: "arn:aws:iam::1:role/r", ...recorders() });
    const request = (document: DocumentRef = doc("a-scan", { needsOcr: true, textKey: undefined })) => ({ taskToken: "t".repeat(1000), conversationId: CONVERSATION_ID, document });
    const cases: Array<[string, () => void, unknown]> = [
      ["a valid document", () => textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-1" }), request()],
      ["Textract throttling", () => textract.on(StartDocumentTextDetectionCommand).rejects(awsError("ThrottlingException")), request()],
      ["Textract's job limit", () => textract.on(StartDocumentTextDetectionCommand).rejects(awsError("LimitExceededException")), request()],
      ["Textract refusing the object", () => textract.on(StartDocumentTextDetectionCommand).rejects(awsError("InvalidS3ObjectException")), request()],
      ["Textract answering no JobId", () => textract.on(StartDocumentTextDetectionCommand).resolves({}), request()],
      ["an encrypted document", () => undefined, request(doc("a-locked", { status: "encrypted", ocrKey: undefined }))],
      ["a task token over 8 KB", () => undefined, { ...request(), taskToken: "t".repeat(9_000) }],
      ...MALFORMED.map(([name, value]): [string, () => void, unknown] => [name, () => undefined, value]),
    ];
    for (const [name, arrange, value] of cases) {
      textract.reset();
      arrange();
      record("Ocr (ocr-start)", name, await stepVerdict(() => ocrStart(value)));
    }
  });

  it("attachment-ocr-complete (SNS, asynchronous)", async () => {
    const { deadLetters } = recordingDeadLetters();
    const complete = makeOcrComplete({
      textract: new TextractClient({ region: "us-east-1" }),
      sfn: new SFNClient({ region: "us-east-1" }),
      tokens: tokens.store,
      store: s3DocumentStore(s3.client, "documents"),
      deadLetters,
      retry: { sleep: async () => undefined },
      ...recorders(),
    });
    const park = () => tokens.store.put({ jobId: "job-1", taskToken: "token-1", conversationId: CONVERSATION_ID, attachmentId: "a-scan", expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const completion = (status = "SUCCEEDED", jobId = "job-1") => ({ Records: [{ Sns: { MessageId: "m", Message: JSON.stringify({ JobId: jobId, Status: status }) } }] });
    const answered = () => sfn.commandCalls(SendTaskSuccessCommand).length + sfn.commandCalls(SendTaskFailureCommand).length > 0;
    const lines = { JobStatus: "SUCCEEDED" as const, Blocks: [{ BlockType: "LINE" as const, Text: "Invoice", Page: 1 }] };
    const cases: Array<[string, () => Promise<void> | void, unknown, () => boolean]> = [
      ["a successful job", () => void (textract.on(GetDocumentTextDetectionCommand).resolves(lines), sfn.on(SendTaskSuccessCommand).resolves({})), completion(), answered],
      ["a failed job", () => void (textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: "FAILED" as const }), sfn.on(SendTaskFailureCommand).resolves({})), completion("FAILED"), answered],
      ["throttled twice, then read", () => void (textract.on(GetDocumentTextDetectionCommand).rejectsOnce(awsError("ThrottlingException")).rejectsOnce(awsError("ThrottlingException")).resolves(lines), sfn.on(SendTaskSuccessCommand).resolves({})), completion(), answered],
      ["throttled throughout", () => void (textract.on(GetDocumentTextDetectionCommand).rejects(awsError("ThrottlingException")), sfn.on(SendTaskFailureCommand).resolves({})), completion(), answered],
      ["a late result (TaskTimedOut)", () => void (textract.on(GetDocumentTextDetectionCommand).resolves(lines), sfn.on(SendTaskSuccessCommand).rejects(awsError("TaskTimedOut"))), completion(), () => true],
      ["an unknown job", () => undefined, completion("SUCCEEDED", "job-unknown"), () => true],
      ["Step Functions unreachable", () => void (textract.on(GetDocumentTextDetectionCommand).resolves(lines), sfn.on(SendTaskSuccessCommand).rejects(awsError("ServiceUnavailable"))), completion(), answered],
      ["a message that is not JSON", () => undefined, { Records: [{ Sns: { Message: "{oops" } }] }, () => false],
      ["a message without JobId", () => undefined, { Records: [{ Sns: { Message: JSON.stringify({ Status: "SUCCEEDED" }) } }] }, () => false],
      ["11 records", () => undefined, { Records: Array.from({ length: 11 }, () => completion().Records[0]) }, () => false],
      ["a 240 KB message", () => undefined, { Records: [{ Sns: { Message: HUGE } }] }, () => false],
      ...MALFORMED.map(([name, value]): [string, () => void, unknown, () => boolean] => [name, () => undefined, value, () => false]),
    ];
    for (const [name, arrange, value, acted] of cases) {
      textract.reset();
      sfn.reset();
      await park();
      await arrange();
      record("attachment-ocr-complete", name, await asyncVerdict(() => complete(value) as Promise<{ outcomes: string[] }>, acted));
    }
  });

  it("Classify (attachment-classify)", async () => {
    const classify = (backend = embeddedBackend(documentModel())) =>
      makeClassify({ backend: () => backend, store: s3DocumentStore(s3.client, "documents"), policy: { documentQueues: DOCUMENT_QUEUES, confidenceThreshold: 0.6 }, ...recorders() });
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["a text document", () => classify()({ email: EMAIL, ocr: [{ attachmentId: "a-1" }], failure: null })],
      ["an OCR timeout", () => classify()({ email: EMAIL, ocr: [], failure: "timeout" })],
      ["an OCR failure", () => classify()({ email: { ...EMAIL, documents: [doc("a-2", { needsOcr: true, textKey: undefined })] }, ocr: null, failure: "ocr-failed" })],
      ["text missing from the bucket", () => classify()({ email: { ...EMAIL, documents: [doc("a-missing")] }, ocr: [], failure: null })],
      ["a classifier that throws", () => classify({ name: "broken", classify: async () => Promise.reject(new Error("endpoint down")) })({ email: EMAIL, ocr: [], failure: null })],
      ["a classifier that never answers", () => classify({ name: "stuck", classify: () => new Promise(() => undefined) })({ email: EMAIL, ocr: [], failure: null }, lambdaContext(3_000))],
      ["an unknown failure kind", () => classify()({ email: EMAIL, failure: "exploded" })],
      ["1,000 OCR results", () => classify()({ email: EMAIL, ocr: Array.from({ length: 1000 }, (_, i) => ({ attachmentId: `a-${i}` })), failure: null })],
      [`${MAX_DOCUMENTS_PER_EMAIL + 1} documents`, () => classify()({ email: { ...EMAIL, documents: Array.from({ length: MAX_DOCUMENTS_PER_EMAIL + 1 }, (_, i) => doc(`a-${i}`)) }, ocr: [], failure: null })],
      ...MALFORMED.map(([name, value]): [string, () => Promise<unknown>] => [name, () => classify()(value)]),
    ];
    for (const [name, call] of cases) record("Classify", name, await stepVerdict(call));
  });

  it("Route (attachment-route)", async () => {
    const route = () =>
      makeRoute({
        genesys: genesysClientFor(fake, { maxRetries: 1 }).client,
        queueIds: QUEUE_IDS,
        fallbackQueueId: FALLBACK_QUEUE_ID,
        resend: { fromAddress: "support@acme.mypurecloud.com", fromName: "Acme", subject: "Resend", body: "Please resend." },
        ...recorders(),
      });
    const replace = `/api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`;
    const attributes = `/api/v2/conversations/${CONVERSATION_ID}/participants/p-customer/attributes`;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["a classified email", async () => (seed(), route()({ email: EMAIL, decision: DECISION }))],
      ["a resend request", async () => (seed(), route()({ email: EMAIL, decision: { ...DECISION, processingStatus: "ENCRYPTED", requestResend: true } }))],
      ["an unknown queue name", async () => (seed(), route()({ email: EMAIL, decision: { ...DECISION, targetQueueName: "Mortgages" } }))],
      ["a 429 with Retry-After 3600", async () => (seed(), fake.script(attributes, [{ status: 429, headers: { "retry-after": "3600" } }]), route()({ email: EMAIL, decision: DECISION }))],
      ["503 twice on the move", async () => (seed(), fake.script(replace, [{ status: 503 }, { status: 503 }]), route()({ email: EMAIL, decision: DECISION }))],
      ["401 twice", async () => (seed(), fake.script(attributes, [{ status: 401 }, { status: 401 }]), route()({ email: EMAIL, decision: DECISION }))],
      ["400 on the move", async () => (seed(), fake.script(replace, [{ status: 400 }]), route()({ email: EMAIL, decision: DECISION }))],
      ["an ended conversation (404)", async () => route()({ email: EMAIL, decision: DECISION })],
      ["a confidence of 2", async () => route()({ email: EMAIL, decision: { ...DECISION, documentConfidence: 2 } })],
      ["a 240 KB queue name", async () => route()({ email: EMAIL, decision: { ...DECISION, targetQueueName: HUGE } })],
      ...MALFORMED.map(([name, value]): [string, () => Promise<unknown>] => [name, () => route()(value)]),
    ];
    for (const [name, call] of cases) {
      fake.conversations.clear();
      record("Route", name, await stepVerdict(call));
    }
  });

  it("Fallback (attachment-fallback: the catch path, and the rescue of ended executions)", async () => {
    const fallback = () => makeFallback({ genesys: genesysClientFor(fake, { maxRetries: 1 }).client, queueIds: QUEUE_IDS, fallbackQueueId: FALLBACK_QUEUE_ID, ...recorders() });
    const request = { conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID, processingStatus: "LOAD_FAILED", error: { Error: "GenesysRequestRejectedError", Cause: HUGE.slice(0, 30_000) } };
    const rescue = (status: string, input: unknown = { conversationId: CONVERSATION_ID, triageQueueId: TRIAGE_QUEUE_ID }) => ({
      source: PIPELINE_STATUS_CHANGE.source,
      "detail-type": PIPELINE_STATUS_CHANGE.detailType,
      detail: { executionArn: "arn:aws:states:us-east-1:1:execution:p:c", status, input: JSON.stringify(input) },
    });
    const replace = `/api/v2/conversations/${CONVERSATION_ID}/participants/p-acd/replace/queue`;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["a failed step", async () => (seed(), fallback()(request))],
      ...(["FAILED", "TIMED_OUT", "ABORTED"] as const).map((status): [string, () => Promise<unknown>] => [`an execution ${status}`, async () => (seed(), fallback()(rescue(status)))]),
      ["already left triage", async () => (seed({ participants: participants("disconnected") }), fallback()(request))],
      ["an ended conversation (404)", async () => fallback()(request)],
      ["503 twice on the move", async () => (seed(), fake.script(replace, [{ status: 503 }, { status: 503 }]), fallback()(request))],
      ["400 on the intent's queue", async () => (seed(), fake.script(replace, [{ status: 400 }]), fallback()(request))],
      ["400 on every queue", async () => (seed(), fake.script(replace, [{ status: 400 }, { status: 400 }]), fallback()(request))],
      ["a rescue of a SUCCEEDED execution", async () => fallback()(rescue("SUCCEEDED"))],
      ["a rescue whose input is not JSON", async () => fallback()({ ...rescue("FAILED"), detail: { ...rescue("FAILED").detail, input: "{" } })],
      ["a rescue without a triage queue", async () => fallback()(rescue("FAILED", { conversationId: CONVERSATION_ID }))],
      ...MALFORMED.map(([name, value]): [string, () => Promise<unknown>] => [name, () => fallback()(value)]),
    ];
    for (const [name, call] of cases) {
      fake.conversations.clear();
      record("Fallback", name, await stepVerdict(call));
    }
  });

  it("loses nothing and leaves nothing unhandled", () => {
    expect(Object.keys(table).sort()).toEqual(["Classify", "Fallback", "LoadEmail", "Ocr (ocr-start)", "Route", "attachment-ocr-complete", "attachment-start"]);
    for (const [entry, row] of Object.entries(table)) expect({ entry, lost: row.lost, unhandled: row.unhandled }).toEqual({ entry, lost: 0, unhandled: 0 });
    const row = (tried: number, handled: number, retried: number, deadLettered: number) => ({ tried, handled, retried, "dead-lettered": deadLettered, lost: 0, unhandled: 0 });
    expect(table).toEqual({
      "attachment-start": row(19, 6, 3, 10),
      LoadEmail: row(19, 15, 4, 0),
      "Ocr (ocr-start)": row(14, 12, 2, 0),
      "attachment-ocr-complete": row(18, 6, 1, 11),
      Classify: row(16, 16, 0, 0),
      Route: row(17, 15, 2, 0),
      Fallback: row(19, 18, 1, 0),
    });
  });
});
