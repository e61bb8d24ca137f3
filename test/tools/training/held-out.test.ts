import { checkHeldOut, evaluateHeldOut, formatHeldOut, HeldOutEmail } from "../../../scripts/training/held-out";

const HEADER = "label,kind,subject,body";
const csv = (...lines: string[]) => lines.join("\n");

describe("checkHeldOut", () => {
  it("reads emails with their file line, a quoted body spanning lines included, and counts them by label and kind", () => {
    // Act
    const result = checkHeldOut(csv(HEADER, 'IRA,short,Roth,"Convert my\nIRA?"', "", "OFFTOPIC,offtopic,Card,Lost my card"));

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.emails).toEqual([
      { line: 2, label: "IRA", kind: "short", subject: "Roth", body: "Convert my\nIRA?" },
      { line: 5, label: "OFFTOPIC", kind: "offtopic", subject: "Card", body: "Lost my card" },
    ]);
    expect(result.counts).toEqual({ IRA: { short: 1 }, OFFTOPIC: { offtopic: 1 } });
  });

  it("requires the header", () => {
    // Act
    const result = checkHeldOut(csv("label,subject,body", "IRA,Roth,Convert"));

    // Assess
    expect(result.problems).toEqual(["line 1: expected the header label,kind,subject,body, found label,subject,body"]);
  });

  it("names the line where an unclosed quote opens, after a record that spans lines", () => {
    // Act
    const result = checkHeldOut(csv(HEADER, 'IRA,short,Roth,"two\nlines"', 'IRA,short,RMD,"never closed', "IRA,short,Later,lines"));

    // Assess
    expect(result.problems).toEqual(["line 4: malformed CSV (a quoted field is not closed; it opens here and runs to the end of the file)"]);
    expect(result.emails.map((e) => e.line)).toEqual([2]);
  });

  it("names the line of a record with the wrong number of columns, a bad label or kind, and an empty email", () => {
    // Act
    const result = checkHeldOut(csv(HEADER, "IRA,short,Roth", "IRA ACCOUNT,short,Roth,body", "IRA,Short,Roth,another body", "IRA,short, , "));

    // Assess
    expect(result.problems).toEqual([
      "line 2: expected 4 columns (label,kind,subject,body), found 3",
      `line 3: label "IRA ACCOUNT" must be 1-60 letters, digits, '_' or '-'`,
      'line 4: kind "Short" must be a lower-case word (e.g. short, implied, offtopic)',
      "line 5: subject and body are both empty",
    ]);
    expect(result.emails).toEqual([]);
  });

  it("names a duplicate email and the line it repeats", () => {
    // Act
    const result = checkHeldOut(csv(HEADER, "IRA,short,Roth,Convert", "IRA,short,roth, convert "));

    // Assess
    expect(result.problems).toEqual(["line 3: duplicate email (same as line 2)"]);
  });

  it("leaves out, and names, an email whose body or subject is a training text", () => {
    // Act
    const result = checkHeldOut(csv(HEADER, "IRA,short,Roth,Convert my IRA", "529,short,Tuition,Pay tuition", "IRA,short,RMD please,When?"), {
      trainingTexts: ["convert my  IRA", "RMD Please"],
    });

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.inTraining).toEqual([2, 4]);
    expect(result.emails.map((e) => e.line)).toEqual([3]);
  });
});

describe("evaluateHeldOut", () => {
  const QUEUES = { IRA: "IRA queue", "529": "529 queue" };
  const email = (label: string, kind: string, body: string): HeldOutEmail => ({ line: 0, label, kind, subject: "", body });

  it("scores per kind and overall: right queue, top label, fallback, wrong topic", async () => {
    // Prepare
    const emails = [
      email("IRA", "short", "routed right"),
      email("IRA", "short", "below threshold"),
      email("529", "implied", "wrong topic"),
      email("OFFTOPIC", "offtopic", "general"),
      email("OFFTOPIC", "offtopic", "routed to a topic"),
    ];
    const answers: Record<string, { queue: string; label?: string }> = {
      "routed right": { queue: "IRA queue", label: "IRA" },
      "below threshold": { queue: "", label: "IRA" },
      "wrong topic": { queue: "IRA queue", label: "IRA" },
      general: { queue: "", label: "GENERAL" },
      "routed to a topic": { queue: "529 queue", label: "529" },
    };

    // Act
    const reports = await evaluateHeldOut(emails, QUEUES, async (e) => answers[e.body]!);

    // Assess
    expect(reports).toEqual([
      { kind: "short", emails: 2, right: 1, topLabelRight: 2, toFallback: 1, toWrongTopic: 0 },
      { kind: "implied", emails: 1, right: 0, topLabelRight: 0, toFallback: 0, toWrongTopic: 1 },
      { kind: "offtopic", emails: 2, right: 1, topLabelRight: 1, toFallback: 1, toWrongTopic: 1 },
      { kind: "all", emails: 5, right: 2, topLabelRight: 3, toFallback: 2, toWrongTopic: 2 },
    ]);
    expect(formatHeldOut("title", reports)).toMatch(/^title\n {2}kind +emails +right queue.*\n {2}short +2 +50\.0% +100\.0% +50\.0% +0\.0%\n/);
  });
});
