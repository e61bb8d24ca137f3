import { embeddedBackend } from "../../functions/shared/classifier/embedded";
import { classifyEmail, MAX_CLASSIFIER_TEXT_BYTES, RoutingPolicy } from "../../functions/email-routing/core/classify";
import type { ClassifierBackend } from "../../functions/shared/classifier/backend";
import { FALLBACK } from "../../functions/email-routing/core/contract";
import { ClassScore } from "../../functions/shared/classifier/model";
import { trainCorpusModel } from "../../scripts/build/corpus-models";

const POLICY: RoutingPolicy = { confidenceThreshold: 0.75, topicQueues: { "401K": "401K", IRA: "IRA", "529": "529" } };
const EMAIL = { EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" };

/** A backend that answers with fixed scores and records the texts it was asked about. */
function fakeBackend(scores: ClassScore[]): ClassifierBackend & { received: string[] } {
  const received: string[] = [];
  return {
    name: "fake",
    received,
    classify: async (text) => {
      received.push(text);
      return scores;
    },
  };
}

function failingBackend(error: unknown): ClassifierBackend {
  return {
    name: "failing",
    classify: async () => {
      throw error;
    },
  };
}

describe("classifyEmail", () => {
  it("routes to the topic's queue when the best score is above the threshold", async () => {
    // Prepare
    const backend = fakeBackend([
      { label: "IRA", score: 0.9 },
      { label: "529", score: 0.1 },
    ]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result).toEqual({
      output: { QueueName: "IRA", Confidence: 0.9 },
      outcome: "routed",
      label: "IRA",
      score: 0.9,
      textBytes: Buffer.byteLength("Roth question\nCan I convert my traditional IRA?"),
      truncated: false,
    });
  });

  it("passes the cleaned text, subject first, to the backend", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "IRA", score: 0.9 }]);

    // Act
    await classifyEmail({ EmailSubject: "Roth   question", EmailBody: "<p>Can I convert?</p>" }, backend, POLICY);

    // Assess
    expect(backend.received).toEqual(["Roth question\nCan I convert?"]);
  });

  it("routes when the score is exactly the threshold", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "529", score: 0.75 }]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.outcome).toBe("routed");
    expect(result.output).toEqual({ QueueName: "529", Confidence: 0.75 });
  });

  it("sends the email to the fallback queue, keeping the confidence, when the score is just below the threshold", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "IRA", score: 0.7499 }]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.outcome).toBe("below-threshold");
    expect(result.output).toEqual({ QueueName: "", Confidence: 0.7499 });
    expect(result.label).toBe("IRA");
  });

  it("sends a label that has no topic queue (GENERAL) to the fallback queue", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "GENERAL", score: 0.95 }]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.outcome).toBe("not-a-topic");
    expect(result.output).toEqual({ QueueName: "", Confidence: 0.95 });
    expect(result.label).toBe("GENERAL");
  });

  it("does not treat inherited object properties as topic queues", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "toString", score: 0.95 }]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.outcome).toBe("not-a-topic");
    expect(result.output.QueueName).toBe("");
  });

  it("rounds the confidence to four decimals", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "IRA", score: 0.876543 }]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.output).toEqual({ QueueName: "IRA", Confidence: 0.8765 });
    expect(result.score).toBe(0.8765);
  });

  it("returns the fallback answer with the error's name when the backend throws", async () => {
    // Prepare
    const backend = failingBackend(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.output).toEqual(FALLBACK);
    expect(result.outcome).toBe("backend-error");
    expect(result.error).toBe("ThrottlingException: Rate exceeded");
  });

  it("returns the fallback answer when the backend throws something that is not an Error", async () => {
    // Prepare
    const backend = failingBackend("socket hang up");

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result).toMatchObject({ output: FALLBACK, outcome: "backend-error", error: "socket hang up" });
  });

  it("treats a backend answer with no classes as a backend error", async () => {
    // Prepare
    const backend = fakeBackend([]);

    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result).toMatchObject({ output: FALLBACK, outcome: "backend-error", error: "backend returned no classes" });
  });

  it("does not call the backend for an empty subject and body", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "IRA", score: 0.9 }]);

    // Act
    const result = await classifyEmail({ EmailSubject: "", EmailBody: "  \n\t " }, backend, POLICY);

    // Assess
    expect(result).toEqual({ output: FALLBACK, outcome: "empty-text", textBytes: 0, truncated: false });
    expect(backend.received).toEqual([]);
  });

  it("cuts a 30 KB multibyte body to the classifier byte limit without splitting a character", async () => {
    // Prepare
    const backend = fakeBackend([{ label: "IRA", score: 0.9 }]);
    const body = "€".repeat(10_000); // 30,000 bytes

    // Act
    const result = await classifyEmail({ EmailSubject: "S", EmailBody: body }, backend, POLICY);

    // Assess
    const sent = backend.received[0] ?? "";
    expect(backend.received).toHaveLength(1);
    expect(Buffer.byteLength(sent, "utf8")).toBeLessThanOrEqual(MAX_CLASSIFIER_TEXT_BYTES);
    expect(Buffer.byteLength(sent, "utf8")).toBe(result.textBytes);
    expect(sent).toBe(`S\n${"€".repeat(3332)}`); // 2 + 3332 * 3 = 9,998 bytes; one more € would exceed 10,000
    expect(result.truncated).toBe(true);
    expect(result.outcome).toBe("routed");
  });
});

describe("classifyEmail with the embedded model trained from corpus/email-intents.csv", () => {
  let backend: ClassifierBackend;

  beforeAll(() => {
    backend = embeddedBackend(trainCorpusModel("email-intents"));
  });

  it("routes a Roth conversion question to the IRA queue", async () => {
    // Act
    const result = await classifyEmail(EMAIL, backend, POLICY);

    // Assess
    expect(result.outcome).toBe("routed");
    expect(result.output.QueueName).toBe("IRA");
    expect(result.output.Confidence).toBeGreaterThanOrEqual(0.75);
    expect(backend.name).toBe("embedded");
  });

  it("reads the topic from the subject when the body says nothing about it", async () => {
    // Act
    const withSubject = await classifyEmail({ EmailSubject: "Backdoor Roth conversion", EmailBody: "Can you help with this? Thanks" }, backend, POLICY);
    const withoutSubject = await classifyEmail({ EmailSubject: "", EmailBody: "Can you help with this? Thanks" }, backend, POLICY);

    // Assess
    expect(withSubject.label).toBe("IRA");
    expect(withSubject.score).toBeGreaterThan(withoutSubject.label === "IRA" ? withoutSubject.score! : 0);
  });

  it("weighs the subject above the body: the same words score higher as the subject", async () => {
    // Prepare
    const subject = "required minimum distribution";
    const body = "question about my account";

    // Act
    const asSubject = await classifyEmail({ EmailSubject: subject, EmailBody: body }, backend, POLICY);
    const inBody = await classifyEmail({ EmailSubject: "", EmailBody: `${subject} ${body}` }, backend, POLICY);

    // Assess
    expect(asSubject.label).toBe("IRA");
    expect(inBody.label).toBe("IRA");
    expect(asSubject.score).toBeGreaterThan(inBody.score!);
  });
});
