import { CLASSIFY_EMAIL } from "../../functions/email-routing/classify-email/environment";
import { parseLambdaEnvironment } from "../../functions/shared/env";

const readSettings = (env: Record<string, string | undefined>) => parseLambdaEnvironment(CLASSIFY_EMAIL, env);

const GOOD = {
  CLASSIFIER_BACKEND: "embedded",
  CONFIDENCE_THRESHOLD: "0.75",
  TOPIC_QUEUES: '{"401K":"401K Queue","IRA":"IRA Queue","529":"529 Queue"}',
};
const ENDPOINT_ARN = "arn:aws:comprehend:us-east-1:123456789012:document-classifier-endpoint/email-intents";

describe("the classify-email environment contract", () => {
  it("reads a good embedded configuration, converting the threshold and parsing the queues", () => {
    // Act
    const settings = readSettings(GOOD);

    // Assess
    expect(settings).toEqual({
      CLASSIFIER_BACKEND: "embedded",
      CONFIDENCE_THRESHOLD: 0.75,
      TOPIC_QUEUES: { "401K": "401K Queue", IRA: "IRA Queue", "529": "529 Queue" },
    });
  });

  it("reads a good comprehend configuration with its endpoint ARN", () => {
    // Act
    const settings = readSettings({ ...GOOD, CLASSIFIER_BACKEND: "comprehend", COMPREHEND_ENDPOINT_ARN: ENDPOINT_ARN });

    // Assess
    expect(settings.CLASSIFIER_BACKEND).toBe("comprehend");
    expect(settings.COMPREHEND_ENDPOINT_ARN).toBe(ENDPOINT_ARN);
  });

  it("ignores unrelated environment variables", () => {
    // Act
    const settings = readSettings({ ...GOOD, AWS_REGION: "us-east-1", PATH: "/usr/bin" });

    // Assess
    expect(Object.keys(settings).sort()).toEqual(["CLASSIFIER_BACKEND", "CONFIDENCE_THRESHOLD", "TOPIC_QUEUES"]);
  });

  it("requires COMPREHEND_ENDPOINT_ARN when the backend is comprehend", () => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, CLASSIFIER_BACKEND: "comprehend" })).toThrow(
      "invalid email-routing/classify-email configuration: COMPREHEND_ENDPOINT_ARN: is required when CLASSIFIER_BACKEND is comprehend",
    );
  });

  it("rejects a COMPREHEND_ENDPOINT_ARN that is not an ARN", () => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, CLASSIFIER_BACKEND: "comprehend", COMPREHEND_ENDPOINT_ARN: "email-intents" })).toThrow(
      /COMPREHEND_ENDPOINT_ARN: /,
    );
  });

  it("rejects TOPIC_QUEUES that is not JSON", () => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, TOPIC_QUEUES: "IRA=IRA Queue" })).toThrow(
      "invalid email-routing/classify-email configuration: TOPIC_QUEUES: must be JSON: an object of label to queue name",
    );
  });

  it("rejects TOPIC_QUEUES whose queue names are not strings", () => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, TOPIC_QUEUES: '{"IRA": 5}' })).toThrow(
      "invalid email-routing/classify-email configuration: TOPIC_QUEUES: must be an object of label to queue name: IRA: Invalid input: expected string, received number",
    );
  });

  it.each(["1.5", "-0.1"])("rejects a CONFIDENCE_THRESHOLD of %s, outside 0..1", (threshold) => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, CONFIDENCE_THRESHOLD: threshold })).toThrow(/CONFIDENCE_THRESHOLD: /);
  });

  it("rejects a CONFIDENCE_THRESHOLD that is not a number", () => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, CONFIDENCE_THRESHOLD: "high" })).toThrow(/CONFIDENCE_THRESHOLD: /);
  });

  it.each(["0", "1"])("accepts the boundary threshold %s", (threshold) => {
    // Act
    const settings = readSettings({ ...GOOD, CONFIDENCE_THRESHOLD: threshold });

    // Assess
    expect(settings.CONFIDENCE_THRESHOLD).toBe(Number(threshold));
  });

  it("rejects an unknown backend", () => {
    // Act / Assess
    expect(() => readSettings({ ...GOOD, CLASSIFIER_BACKEND: "openai" })).toThrow(/CLASSIFIER_BACKEND: /);
  });

  it("names every missing variable", () => {
    // Act / Assess
    expect(() => readSettings({})).toThrow(/CLASSIFIER_BACKEND: .*CONFIDENCE_THRESHOLD: .*TOPIC_QUEUES: /);
  });
});
