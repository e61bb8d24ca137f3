import type { APIGatewayProxyResult } from "aws-lambda";
import { makeHandler } from "../../functions/email-routing/classify-email/handler";
import { classifyEmailOutput, ClassifyEmailOutput, FALLBACK } from "../../functions/email-routing/core/contract";
import { RoutingPolicy } from "../../functions/email-routing/core/classify";
import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { trainCorpusModel } from "../../scripts/build/corpus-models";

/**
 * Hostile and malformed inputs through the real handler (embedded model trained from the corpus),
 * at both front doors. Every one must be answered with the data-action contract: a routing decision
 * or the fallback (200 or a 400 naming the problem behind API Gateway), never a throw.
 */

const POLICY: RoutingPolicy = { confidenceThreshold: 0.75, topicQueues: { "401K": "401K", IRA: "IRA", "529": "529" } };
/** API Gateway's payload limit (10 MB) and Lambda's synchronous invocation payload limit (6 MB). */
const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
const LAMBDA_MAX_BYTES = 6 * 1024 * 1024;
/** Appears only in email text, so it must never reach a log line. */
const MARKER = "zq7-hostile-marker-5521";

const fill = (unit: string, bytes: number) => unit.repeat(Math.floor(bytes / unit.length));

/** Email bodies that break naive parsers: depth, size, backtracking, binary. */
const BODIES: Record<string, string> = {
  "4,000 nested <div> (44 KB)": "<div>".repeat(4000) + `Roth IRA ${MARKER}` + "</div>".repeat(4000),
  "200,000 nested <div> (about 2 MB)": "<div>".repeat(200_000) + MARKER,
  "nested tables and lists": fill("<table><tr><td><ul><li>", 1024 * 1024) + MARKER,
  "unclosed attributes (<p  repeated)": fill("<p ", 3 * 1024 * 1024),
  "a million unterminated comments": fill("<!--", 4 * 1024 * 1024),
  "an unterminated style element": "<p>IRA</p><style>" + fill("x", 1024 * 1024),
  "an entity flood": "<p>" + fill("&amp;&#x41;&nbsp;&bogus;", 2 * 1024 * 1024) + "</p>",
  "Dutch quote headers that backtracked for seconds": fill(`Op x schreef y ${MARKER}\n`, 512 * 1024),
  "a 'On ... wrote' near miss on one long line": "On " + fill("a ", 1024 * 1024) + "wrot",
  "binary noise with NULs and lone surrogates": Array.from({ length: 200_000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join(""),
  "Lambda's largest plain-text body": fill(`I want to roll over my 401k ${MARKER} `, LAMBDA_MAX_BYTES - 1024),
  "a large HTML email with a big head": "<html><head><style>" + fill(".c{color:red}", 512 * 1024) + "</style></head><body>" + fill(`<p>Question about my 529 plan ${MARKER}</p>`, 4 * 1024 * 1024) + "</body></html>",
};

function recorders() {
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const metrics = { addDimension: jest.fn(), addMetric: jest.fn(), publishStoredMetrics: jest.fn() };
  return { logger, metrics };
}

const isContractOutput = (value: unknown): value is ClassifyEmailOutput => classifyEmailOutput.safeParse(value).success;

describe("classify-email with hostile inputs", () => {
  let handler: ReturnType<typeof makeHandler>;
  let logger: ReturnType<typeof recorders>["logger"];

  beforeAll(() => {
    const model = trainCorpusModel("email-intents");
    ({ logger } = recorders());
    handler = makeHandler({ backend: () => embeddedBackend(model), policy: POLICY, logger, metrics: recorders().metrics });
  });

  afterEach(() => {
    const logged = JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);
    expect(logged).not.toContain(MARKER);
    jest.clearAllMocks();
  });

  it.each(Object.entries(BODIES))("answers a direct invocation with %s by the contract", async (_name, body) => {
    // Act
    const answer = await handler({ EmailSubject: "Question", EmailBody: body });

    // Assess
    expect(isContractOutput(answer)).toBe(true);
  });

  it.each(Object.entries(BODIES))("answers an API Gateway request with %s by 200 and the contract", async (_name, body) => {
    // Act
    const answer = (await handler({ httpMethod: "POST", requestContext: {}, body: JSON.stringify({ EmailSubject: "Question", EmailBody: body }) })) as APIGatewayProxyResult;

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(isContractOutput(JSON.parse(answer.body))).toBe(true);
  });

  it("routes the 4,000 nested <div> email by the words it holds within the depth limit", async () => {
    // Prepare
    const body = "<div>".repeat(4000) + "x" + "</div>".repeat(4000) + "<p>Can I convert my traditional IRA to a Roth IRA?</p>";

    // Act / Assess
    await expect(handler({ EmailSubject: "", EmailBody: body })).resolves.toEqual({ QueueName: "IRA", Confidence: expect.any(Number) });
  });

  it("answers API Gateway's largest payload, plain and base64-encoded", async () => {
    // Prepare
    const email = JSON.stringify({ EmailSubject: fill("Roth ", 1024 * 1024), EmailBody: fill(`IRA conversion ${MARKER} `, API_GATEWAY_MAX_BYTES - 2 * 1024 * 1024) });
    const encoded = Buffer.from(email).toString("base64").slice(0, Math.floor((API_GATEWAY_MAX_BYTES * 3) / 4 / 4) * 4);

    // Act
    const plain = (await handler({ httpMethod: "POST", requestContext: {}, body: email })) as APIGatewayProxyResult;
    const base64 = (await handler({ httpMethod: "POST", requestContext: {}, isBase64Encoded: true, body: encoded })) as APIGatewayProxyResult;

    // Assess
    expect(plain.statusCode).toBe(200);
    expect(JSON.parse(plain.body)).toEqual({ QueueName: "IRA", Confidence: expect.any(Number) });
    // Cut short, the base64 body is no longer JSON: a 400 naming that, not a throw.
    expect(base64).toMatchObject({ statusCode: 400 });
  });

  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["a string", "EmailBody"],
    ["an array", [{ EmailBody: "IRA" }]],
    ["an empty object", {}],
    ["a number body", { EmailBody: 5 }],
    ["a null body", { EmailBody: null }],
    ["an object body", { EmailBody: { html: "<p>IRA</p>" } }],
    ["an array nested 100,000 deep as the body", { EmailBody: JSON.parse("[".repeat(100_000) + "]".repeat(100_000)) }],
    ["a number subject", { EmailSubject: 7, EmailBody: "IRA" }],
    ["API Gateway keys without a request context", { httpMethod: "POST", body: JSON.stringify({ EmailBody: "IRA" }) }],
  ])("answers a direct invocation with %s by the fallback", async (_name, event) => {
    // Act / Assess
    await expect(handler(event)).resolves.toEqual(FALLBACK);
  });

  it.each<[string, Record<string, unknown>, number]>([
    ["no body", { body: null }, 400],
    ["an empty body", { body: "" }, 400],
    ["a body that is not JSON", { body: "{EmailBody:" }, 400],
    ["a JSON array body", { body: "[]" }, 400],
    ["a JSON number body", { body: "7" }, 400],
    ["a body that is not a string", { body: { EmailBody: "IRA" } }, 400],
    ["base64 flagged on a body that is not a string", { isBase64Encoded: true, body: 7 }, 400],
    ["base64 garbage", { isBase64Encoded: true, body: "%%%not base64%%%" }, 400],
    ["a null request context", { requestContext: null, body: JSON.stringify({ EmailBody: "Roth IRA conversion" }) }, 200],
    ["JSON nested 100,000 deep", { body: "[".repeat(100_000) + "]".repeat(100_000) }, 400],
  ])("answers an API Gateway request with %s", async (_name, fields, status) => {
    // Act
    const answer = (await handler({ httpMethod: "POST", requestContext: {}, ...fields })) as APIGatewayProxyResult;

    // Assess
    expect(answer.statusCode).toBe(status);
    const body = JSON.parse(answer.body) as unknown;
    if (status === 200) expect(isContractOutput(body)).toBe(true);
    else expect(body).toMatchObject({ error: expect.any(String) });
  });

  it("answers with the fallback when its own telemetry throws, on both front doors", async () => {
    // Prepare
    const failing = { info: jest.fn(() => { throw new Error("log sink down"); }), warn: jest.fn(), error: jest.fn() };
    const broken = makeHandler({ backend: () => embeddedBackend(trainCorpusModel("email-intents")), policy: POLICY, logger: failing, metrics: recorders().metrics });

    // Act
    const direct = await broken({ EmailSubject: "Roth", EmailBody: "Can I convert my IRA?" });
    const proxied = (await broken({ httpMethod: "POST", requestContext: {}, body: JSON.stringify({ EmailBody: "Can I convert my IRA?" }) })) as APIGatewayProxyResult;

    // Assess
    expect(direct).toEqual(FALLBACK);
    expect(proxied).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(proxied.body)).toEqual(FALLBACK);
    expect(failing.error).toHaveBeenCalledWith("classify-email failed; answering with the fallback queue", { error: "Error" });
  });
});
