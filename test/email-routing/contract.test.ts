import { dataActionContract, FALLBACK, parseClassifyEmailInput } from "../../functions/email-routing/core/contract";

describe("parseClassifyEmailInput", () => {
  it("accepts a subject and body", () => {
    // Act
    const result = parseClassifyEmailInput({ EmailSubject: "Roth question", EmailBody: "Can I convert?" });

    // Assess
    expect(result).toEqual({ input: { EmailSubject: "Roth question", EmailBody: "Can I convert?" } });
  });

  it("reports a missing EmailBody as required", () => {
    // Act
    const result = parseClassifyEmailInput({ EmailSubject: "Roth question" });

    // Assess
    expect(result).toEqual({ problems: ["EmailBody: is required"] });
  });

  it("names the field that has the wrong type", () => {
    // Act
    const result = parseClassifyEmailInput({ EmailBody: 42 });

    // Assess
    expect(result).toEqual({ problems: [expect.stringMatching(/^EmailBody: .*expected string, received number/)] });
  });

  it("names a subject of the wrong type", () => {
    // Act
    const result = parseClassifyEmailInput({ EmailSubject: 7, EmailBody: "text" });

    // Assess
    expect(result).toEqual({ problems: [expect.stringMatching(/^EmailSubject: .*expected string/)] });
  });

  it("defaults a missing subject to the empty string", () => {
    // Act
    const result = parseClassifyEmailInput({ EmailBody: "Can I convert?" });

    // Assess
    expect(result).toEqual({ input: { EmailSubject: "", EmailBody: "Can I convert?" } });
  });

  it("tolerates extra fields and leaves them out of the input", () => {
    // Act
    const result = parseClassifyEmailInput({ EmailBody: "body", EmailFrom: "someone@example.com", ConversationId: "c-1" });

    // Assess
    expect(result).toEqual({ input: { EmailSubject: "", EmailBody: "body" } });
  });

  it("labels a problem with the whole value as (body)", () => {
    // Act
    const result = parseClassifyEmailInput(null);

    // Assess
    expect(result).toEqual({ problems: [expect.stringMatching(/^\(body\): .*expected object/)] });
  });
});

describe("dataActionContract", () => {
  it("gives valid draft-04 JSON Schemas for input and output", () => {
    // Act
    const contract = dataActionContract();

    // Assess
    const input = JSON.parse(contract.input) as Record<string, unknown>;
    const output = JSON.parse(contract.output) as Record<string, unknown>;
    expect(input.$schema).toBe("http://json-schema.org/draft-04/schema#");
    expect(output.$schema).toBe("http://json-schema.org/draft-04/schema#");
    expect(input.type).toBe("object");
    expect(output.type).toBe("object");
  });

  it("requires EmailBody (and not the defaulted subject) in the input", () => {
    // Act
    const input = JSON.parse(dataActionContract().input) as { required: string[]; properties: Record<string, { type: string }> };

    // Assess
    expect(input.required).toEqual(["EmailBody"]);
    expect(input.properties.EmailBody?.type).toBe("string");
    expect(input.properties.EmailSubject?.type).toBe("string");
  });

  it("requires QueueName and Confidence in the output, with Confidence between 0 and 1", () => {
    // Act
    const output = JSON.parse(dataActionContract().output) as {
      required: string[];
      properties: Record<string, { type: string; minimum?: number; maximum?: number }>;
    };

    // Assess
    expect([...output.required].sort()).toEqual(["Confidence", "QueueName"]);
    expect(output.properties.QueueName?.type).toBe("string");
    expect(output.properties.Confidence).toMatchObject({ type: "number", minimum: 0, maximum: 1 });
  });
});

describe("FALLBACK", () => {
  it("routes to the fallback queue with zero confidence and cannot be changed", () => {
    // Assess
    expect(FALLBACK).toEqual({ QueueName: "", Confidence: 0 });
    expect(Object.isFrozen(FALLBACK)).toBe(true);
  });
});
