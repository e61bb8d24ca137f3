import { attachmentPipelineDefinition, THROTTLING_ERRORS } from "../../constructs/aws/attachment-pipeline-definition";

type State = Record<string, unknown> & { Next?: string; End?: boolean };
const definition = attachmentPipelineDefinition({
  functions: { load: "arn:load", ocrStart: "arn:ocr-start", classify: "arn:classify", route: "arn:route" },
  ocrTimeoutSeconds: 60,
});
const states = definition.States as Record<string, State>;
const ocr = states.Ocr as State & { ItemProcessor: { States: Record<string, State> }; Catch: Array<{ ErrorEquals: string[]; Next: string }> };
const startOcr = ocr.ItemProcessor.States.StartOcr!;

/** Follows `Next` from a state to the end, taking the Choice default. */
function pathFrom(name: string): string[] {
  const path = [name];
  for (let state = states[name]; state && !state.End; ) {
    const next = (state.Next ?? state.Default) as string;
    path.push(next);
    state = states[next];
  }
  return path;
}

describe("attachment pipeline definition", () => {
  it("routes an email without attachments straight to classification and routing", () => {
    expect(states.HasAttachments).toMatchObject({ Type: "Choice", Choices: [{ Variable: "$.email.documents[0]", IsPresent: true, Next: "Ocr" }], Default: "NoAttachments" });
    expect(pathFrom("NoAttachments")).toEqual(["NoAttachments", "Classify", "Route"]);
  });

  it("waits for OCR with a callback task bounded by the configured timeout", () => {
    expect(startOcr).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      TimeoutSeconds: 60,
      Parameters: { FunctionName: "arn:ocr-start", Payload: { "taskToken.$": "$$.Task.Token", "conversationId.$": "$.conversationId", "document.$": "$.document" } },
    });
    expect(ocr.ItemProcessor.States.NeedsOcr).toMatchObject({ Choices: [{ Variable: "$.document.needsOcr", BooleanEquals: true, Next: "StartOcr" }], Default: "NoOcr" });
  });

  it("routes anyway, as MANUAL_REVIEW_REQUIRED, when OCR times out, and as a failure when it fails", () => {
    expect(startOcr.Catch).toEqual([
      { ErrorEquals: ["States.Timeout"], Next: "OcrTimeout" },
      { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "OcrUnavailable" },
    ]);
    expect(ocr.ItemProcessor.States.OcrTimeout).toEqual({ Type: "Fail", Error: "OcrTimeout", Cause: "OCR did not finish in time" });
    expect(ocr.Catch).toEqual([
      { ErrorEquals: ["OcrTimeout"], ResultPath: "$.error", Next: "OcrTimedOut" },
      { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "OcrFailed" },
    ]);
    expect(states.OcrTimedOut).toMatchObject({ Result: "timeout", ResultPath: "$.failure" });
    expect(states.OcrFailed).toMatchObject({ Result: "ocr-failed", ResultPath: "$.failure" });
    expect(pathFrom("OcrTimedOut")).toEqual(["OcrTimedOut", "Classify", "Route"]);
    expect((states.Classify!.Parameters as { Payload: Record<string, string> }).Payload).toEqual({ "email.$": "$.email", "ocr.$": "$.ocr", "failure.$": "$.failure" });
  });

  it("treats a document Textract cannot read as unreadable without failing the others", () => {
    expect(ocr.ItemProcessor.States.OcrUnavailable).toEqual({ Type: "Pass", Parameters: { "attachmentId.$": "$.document.attachmentId", ocrFailed: true }, End: true });
  });

  it("retries throttling with bounded exponential backoff and full jitter", () => {
    for (const state of [startOcr, states.LoadEmail!, states.Route!]) {
      const throttling = (state.Retry as Array<Record<string, unknown>>).find((r) => (r.ErrorEquals as string[]).includes("ThrottlingException"));
      expect(throttling).toMatchObject({ IntervalSeconds: 1, BackoffRate: 2, MaxDelaySeconds: 16, JitterStrategy: "FULL" });
      expect(throttling!.MaxAttempts as number).toBeGreaterThanOrEqual(4);
      expect(throttling!.ErrorEquals).toEqual(expect.arrayContaining(THROTTLING_ERRORS));
    }
  });

  it("starts every execution with an empty OCR list and no failure, so every path reads the same shape", () => {
    expect(states.KeepEmail).toMatchObject({ Parameters: { "email.$": "$.loaded.value", ocr: [], failure: null } });
    expect(pathFrom("LoadEmail")).toEqual(["LoadEmail", "KeepEmail", "HasAttachments", "NoAttachments", "Classify", "Route"]);
  });

  it("refuses a timeout too short to OCR anything", () => {
    expect(() => attachmentPipelineDefinition({ functions: { load: "a", ocrStart: "b", classify: "c", route: "d" }, ocrTimeoutSeconds: 5 })).toThrow(
      "ocrTimeoutSeconds must be an integer of at least 10, got 5",
    );
  });
});
