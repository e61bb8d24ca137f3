import aslValidator from "asl-validator";
import { attachmentPipelineDefinition, retryDelaySeconds, Retrier } from "../../constructs/attachment-routing/pipeline-definition";
import { LAMBDA_SERVICE_ERROR_NAMES, NO_LONGER_IN_TRIAGE_ERROR_NAMES, TRANSIENT_STEP_ERROR_NAMES, TransientAwsError } from "../../functions/attachment-routing/core/errors";
import { STEP_TIMEOUT_SECONDS } from "../../functions/attachment-routing/core/step-timeouts";
import { DeadlineExceededError } from "../../functions/shared/deadline";
import { GenesysConversationEndedError, PERMANENT_GENESYS_ERROR_NAMES, TRANSIENT_GENESYS_ERROR_NAMES } from "../../functions/shared/genesys/errors";
import { loadEnvironments } from "../../config/load";
import { onlyResource, shipped } from "../support/synth";
import { BENCH_TIMEOUTS, FUNCTION_ARNS } from "./pipeline-bench";

type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean; Retry?: Retrier[]; Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }> };
type Definition = { States: Record<string, State>; TimeoutSeconds: number };

const definition = attachmentPipelineDefinition({ functions: FUNCTION_ARNS, ocrTimeoutSeconds: 60 }) as unknown as Definition;
const states = definition.States;
const ocr = states.Ocr as State & { ItemProcessor: { States: Record<string, State> } };
const startOcr = ocr.ItemProcessor.States.StartOcr!;
const tasks: Array<[string, State]> = [...Object.entries(states).filter(([, s]) => s.Type === "Task"), ["StartOcr", startOcr]];

/** Follows `Next` (or a Choice's Default) from a state to the end. */
function pathFrom(name: string): string[] {
  const path = [name];
  for (let state = states[name]; state && !state.End && state.Type !== "Succeed" && state.Type !== "Fail"; ) {
    const next = (state.Next ?? state.Default) as string;
    path.push(next);
    state = states[next];
  }
  return path;
}

/** The definitions every shipped environment deploys, as synthesized. */
const synthesized = loadEnvironments().map((environment) => {
  const machine = onlyResource(shipped(environment.name), "aws_sfn_state_machine");
  return [environment.name, JSON.parse(machine.definition as string) as Definition] as const;
});

describe("attachment pipeline definition", () => {
  it.each(synthesized)("is valid Amazon States Language as synthesized for %s (asl-validator)", (_name, deployed) => {
    const result = aslValidator(JSON.parse(JSON.stringify(deployed)), { checkArn: true, checkPaths: true });
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("is refused by asl-validator when a transition is broken (the check is real)", () => {
    const broken = JSON.parse(JSON.stringify(definition)) as Definition;
    broken.States.Classify!.Next = "NoSuchState";
    expect(aslValidator(broken).errorsText()).toMatch(/MISSING_TRANSITION_TARGET/);
  });

  it("is the machine the local runs execute, but for the step timeouts", () => {
    const strip = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (key: string, v: unknown) => (key === "TimeoutSeconds" || key === "FunctionName" ? undefined : v));
    const bench = attachmentPipelineDefinition({ functions: FUNCTION_ARNS, ocrTimeoutSeconds: 10, stepTimeouts: BENCH_TIMEOUTS });
    expect(strip(bench)).toEqual(strip(synthesized[0]![1]));
  });

  it("retries only the transient error names, imported from where the errors are defined", () => {
    expect(TRANSIENT_STEP_ERROR_NAMES).toEqual([...LAMBDA_SERVICE_ERROR_NAMES, ...TRANSIENT_GENESYS_ERROR_NAMES, "DeadlineExceededError", "TransientAwsError"]);
    expect(new DeadlineExceededError("x").name).toBe("DeadlineExceededError");
    expect(new TransientAwsError("x").name).toBe("TransientAwsError");
    for (const [name, task] of tasks) {
      expect({ name, retried: task.Retry!.flatMap((r) => r.ErrorEquals) }).toEqual({ name, retried: TRANSIENT_STEP_ERROR_NAMES });
      for (const permanent of [...PERMANENT_GENESYS_ERROR_NAMES, "InvalidStepInputError", "States.ALL", "States.Timeout", "States.TaskFailed"]) {
        expect(task.Retry!.flatMap((r) => r.ErrorEquals)).not.toContain(permanent);
      }
      for (const retrier of task.Retry!) expect(retrier).toMatchObject({ BackoffRate: 2, JitterStrategy: "FULL", MaxDelaySeconds: expect.any(Number) });
    }
  });

  it("catches every error of every step: a transient one after the retries, the rest at once", () => {
    for (const [name, task] of tasks) expect({ name, catchAll: task.Catch?.some((c) => c.ErrorEquals.includes("States.ALL")) }).toEqual({ name, catchAll: true });
    expect(states.LoadEmail!.Catch!.at(-1)).toEqual({ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "LoadFailed" });
    expect(states.Classify!.Catch!.at(-1)).toEqual({ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "ClassifyFailed" });
    expect(states.Route!.Catch!.at(-1)).toEqual({ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "RouteFailed" });
    expect(states.Fallback!.Catch!.at(-1)).toEqual({ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "EmailNotRouted" });
  });

  it("sends every failed step to the fallback with the reason, and the fallback's own failure to one Fail state", () => {
    for (const [failed, status] of [
      ["LoadFailed", "LOAD_FAILED"],
      ["ClassifyFailed", "CLASSIFY_FAILED"],
      ["RouteFailed", "ROUTE_FAILED"],
    ] as const) {
      expect(states[failed]).toEqual({ Type: "Pass", Result: status, ResultPath: "$.fallbackStatus", Next: "Fallback" });
    }
    expect((states.Fallback!.Parameters as { Payload: Record<string, string> }).Payload).toEqual({
      "conversationId.$": "$$.Execution.Input.conversationId",
      "triageQueueId.$": "$$.Execution.Input.triageQueueId",
      "processingStatus.$": "$.fallbackStatus",
      "error.$": "$.error",
    });
    expect(states.FallbackOutcome).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.fallback.value.outcome", StringEquals: "routed", Next: "EmailRoutedByFallback" }],
      Default: "NoLongerInTriage",
    });
    expect(states.Fallback!.Retry![0]!.MaxAttempts).toBeGreaterThan(states.Route!.Retry![0]!.MaxAttempts);
    expect(Object.entries(states).filter(([, s]) => s.Type === "Fail").map(([name]) => name)).toEqual(["EmailNotRouted"]);
  });

  it("ends the execution cleanly, unretried, when the conversation ended or the email left triage", () => {
    expect(NO_LONGER_IN_TRIAGE_ERROR_NAMES).toEqual(["GenesysConversationEndedError", "EmailLeftTriageError"]);
    expect(new GenesysConversationEndedError({ status: 404, method: "GET", path: "/", attempts: 1 }, "c").name).toBe(NO_LONGER_IN_TRIAGE_ERROR_NAMES[0]);
    for (const name of ["LoadEmail", "Route", "Fallback"]) {
      expect(states[name]!.Catch![0]).toEqual({ ErrorEquals: NO_LONGER_IN_TRIAGE_ERROR_NAMES, ResultPath: "$.error", Next: "NoLongerInTriage" });
    }
    expect(states.NoLongerInTriage!.Type).toBe("Succeed");
  });

  it("bounds every Task by its function's timeout, and the OCR wait by the configured one", () => {
    for (const [step, state] of [
      ["load", "LoadEmail"],
      ["classify", "Classify"],
      ["route", "Route"],
      ["fallback", "Fallback"],
    ] as const) {
      expect(states[state]!.TimeoutSeconds).toBe(STEP_TIMEOUT_SECONDS[step] + 5);
    }
    expect(startOcr).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      TimeoutSeconds: 60,
      Parameters: { FunctionName: FUNCTION_ARNS.ocrStart, Payload: { "taskToken.$": "$$.Task.Token", "conversationId.$": "$.conversationId", "document.$": "$.document" } },
    });
  });

  it("gives the execution a time limit past the longest path it handles itself", () => {
    const worst = (state: State, fnTimeout: number) => state.Retry![0]!.MaxAttempts * fnTimeout + (state.TimeoutSeconds as number) + retryDelaySeconds(state.Retry![0]!);
    const longest =
      worst(states.LoadEmail!, STEP_TIMEOUT_SECONDS.load) +
      (startOcr.Retry![0]!.MaxAttempts * STEP_TIMEOUT_SECONDS.ocrStart + retryDelaySeconds(startOcr.Retry![0]!) + 60) +
      worst(states.Classify!, STEP_TIMEOUT_SECONDS.classify) +
      worst(states.Route!, STEP_TIMEOUT_SECONDS.route) +
      worst(states.Fallback!, STEP_TIMEOUT_SECONDS.fallback);
    expect(definition.TimeoutSeconds).toBeGreaterThan(longest);
    expect(definition.TimeoutSeconds).toBeLessThan(3_600);
    expect(retryDelaySeconds({ ErrorEquals: [], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 20, JitterStrategy: "FULL" })).toBe(2 + 4 + 8 + 16 + 20);
  });

  it("routes an email without attachments straight to classification, and an OCR timeout or failure through it", () => {
    expect(pathFrom("LoadEmail")).toEqual(["LoadEmail", "PrepareClassification", "HasAttachments", "NoAttachments", "Classify", "Route", "EmailRouted"]);
    expect(states.PrepareClassification).toMatchObject({ Parameters: { "email.$": "$.loaded.value", ocr: [], failure: null } });
    expect(ocr.Catch).toEqual([
      { ErrorEquals: ["OcrTimeout"], ResultPath: "$.error", Next: "OcrTimedOut" },
      { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "OcrFailed" },
    ]);
    expect(startOcr.Catch).toEqual([
      { ErrorEquals: ["States.Timeout"], Next: "OcrTimeout" },
      { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "OcrUnavailable" },
    ]);
    expect(pathFrom("OcrTimedOut")).toEqual(["OcrTimedOut", "Classify", "Route", "EmailRouted"]);
    expect(ocr.MaxConcurrency).toBe(20);
  });

  it("refuses timeouts that cannot work", () => {
    expect(() => attachmentPipelineDefinition({ functions: FUNCTION_ARNS, ocrTimeoutSeconds: 5 })).toThrow("ocrTimeoutSeconds must be an integer of at least 10, got 5");
    expect(() => attachmentPipelineDefinition({ functions: FUNCTION_ARNS, ocrTimeoutSeconds: 20, stepTimeouts: { ...BENCH_TIMEOUTS, ocrStart: 30 } })).toThrow(
      "ocrTimeoutSeconds (20) must be longer than the OCR start function's timeout (30 s)",
    );
    expect(() => attachmentPipelineDefinition({ functions: FUNCTION_ARNS, ocrTimeoutSeconds: 60, stepTimeouts: { ...BENCH_TIMEOUTS, load: 901 } })).toThrow("stepTimeouts.load must be an integer from 1 to 900");
  });
});
