/**
 * Runs a state machine definition locally with aws-local-stepfunctions, its Task states bound to local
 * handlers, and records the path taken, so a test can prove which states ran (a `States.ALL` Catch must
 * never hide a broken run).
 *
 * ```ts
 * const run = await runLocally(definition, { conversationId: "c-1" }, {
 *   tasks: { LoadEmail: lambdaInvoke(loadHandler, 120) },
 *   taskToken: "token-1",
 * });
 * expect(run.path).toEqual(["LoadEmail", ...]);
 * ```
 *
 * What differs from AWS, and how the binding makes up for it:
 * - A Task's Resource is never called: `tasks[stateName]` runs instead, with the Parameters-processed
 *   input. `lambdaInvoke` gives it the `lambda:invoke` shape: the function receives `Payload`, the result
 *   comes back as `{ Payload, StatusCode }`, and a thrown error keeps its name (the error type Retry and
 *   Catch match). It also plays Lambda's timeout: past it, `Sandbox.Timedout`.
 * - `.waitForTaskToken` has no callback: the handler's return value is the task's result, so a test binds
 *   the start function and the callback together. `$$.Task.Token` resolves only from `taskToken`.
 * - Task states without TimeoutSeconds time out after 60 s (AWS: never); Retry waits are overridden to
 *   `retryIntervalMs` so runs are fast (the intervals themselves are checked on the definition).
 * - When the execution ends, tasks still running (cut short by the execution's time limit, or in a Map
 *   iteration aborted by another's failure) are abandoned: Step Functions stops waiting for them, and
 *   so does the run, which ends their timers (the engine's TimeoutSeconds, lambdaInvoke's Lambda
 *   timeout) instead of leaving them pending after the run.
 */
import { setMaxListeners } from "node:events";
import "./promise-with-resolvers";
import { ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A local stand-in for one Task state: receives the state's Parameters-processed input, and a signal
 * aborted when the execution has ended (the task's result is no longer wanted).
 */
export type TaskHandler = (input: unknown, executionEnded: AbortSignal) => Promise<unknown>;

export interface LocalRunOptions {
  /** Task state name (top level or inside a Map) -> its handler. Every Task state must have one. */
  readonly tasks: Readonly<Record<string, TaskHandler>>;
  /** What `$$.Task.Token` resolves to. */
  readonly taskToken?: string;
  /** Wait between retries, in ms (default 0). */
  readonly retryIntervalMs?: number;
}

export interface StateEvent {
  readonly state: string;
  /** The Map iteration, for states inside a Map. */
  readonly index?: number;
}

export interface LocalRun {
  readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  readonly output?: unknown;
  /** The execution's error, when it failed: the Fail state's Error or the uncaught error's name. */
  readonly error?: string;
  /** Top-level states entered, in order. */
  readonly path: string[];
  /** States entered inside Map iterations, in order. */
  readonly iterations: StateEvent[];
  /** Errors states failed with (retried or caught or not), in order. */
  readonly failures: Array<StateEvent & { readonly error: string; readonly cause: unknown }>;
  /** Retries per state name. */
  readonly retries: Readonly<Record<string, number>>;
}

function taskStateNames(states: Record<string, { Type?: string; ItemProcessor?: { States: Record<string, unknown> } }>): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === "Task" ? [name] : []),
    ...(state.ItemProcessor ? taskStateNames(state.ItemProcessor.States as Record<string, { Type?: string }>) : []),
  ]);
}

export async function runLocally(definition: Record<string, unknown>, input: unknown, options: LocalRunOptions): Promise<LocalRun> {
  const states = definition.States as Record<string, { Type?: string; Retry?: unknown[] }>;
  const taskNames = taskStateNames(states as never);
  const unbound = taskNames.filter((name) => !(name in options.tasks));
  if (unbound.length > 0) throw new Error(`no local handler for Task state(s) ${unbound.join(", ")}`);
  const retryable = Object.entries(states).filter(([, s]) => s.Retry).map(([name]) => name);
  const nestedRetryable = taskNames.filter((name) => !(name in states));

  // A JSON copy, not structuredClone: under Jest that makes objects of another realm, which the engine's
  // plain-object test (its prototype is Object.prototype) refuses, leaving Parameters unresolved.
  const machine = new StateMachine(JSON.parse(JSON.stringify(definition)) as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const ended = new AbortController();
  // Every task in flight listens (twice, with lambdaInvoke): a Map runs many at once.
  setMaxListeners(0, ended.signal);
  const execution = machine.run(input as Json, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        Object.entries(options.tasks).map(([name, handler]) => [name, async (taskInput: Json) => (await untilEnded(() => handler(taskInput, ended.signal), ended.signal)) as Json]),
      ),
      retryIntervalOverrides: Object.fromEntries([...retryable, ...nestedRetryable].map((name) => [name, options.retryIntervalMs ?? 0])),
    },
    context: options.taskToken === undefined ? {} : { Task: { Token: options.taskToken } },
  });

  const path: string[] = [];
  const iterations: StateEvent[] = [];
  const failures: Array<StateEvent & { error: string; cause: unknown }> = [];
  const retries: Record<string, number> = {};
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === "StateEntered") {
        if (event.index === undefined) path.push(event.state.name);
        else iterations.push({ state: event.state.name, index: event.index });
      }
      if (event.type === "StateFailed") failures.push({ state: event.state.name, ...(event.index === undefined ? {} : { index: event.index }), error: event.Error, cause: event.Cause });
      if (event.type === "StateRetried") retries[event.state.name] = (retries[event.state.name] ?? 0) + 1;
    }
  })();

  let run: Pick<LocalRun, "status" | "output" | "error">;
  try {
    run = { status: "SUCCEEDED", output: await execution.result };
  } catch (error) {
    if (error instanceof ExecutionTimeoutError) run = { status: "TIMED_OUT", error: "States.Timeout" };
    else if (error instanceof ExecutionError) run = { status: "FAILED", error: ((error as { cause?: { name?: string } }).cause?.name ?? error.message) as string };
    else throw error;
  } finally {
    ended.abort(new Error("the execution has ended"));
  }
  await collecting;
  return { ...run, path, iterations, failures, retries };
}

/** Lambda's context as a step handler reads it: the time left before the function's timeout. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** A step handler as deployed: `(event, context) => result`. */
export type LambdaHandler = (event: unknown, context: LambdaContextLike) => Promise<unknown>;

/** The error Lambda reports when a function runs past its timeout. UNCONFIRMED exact name; it is retried nowhere. */
export const LAMBDA_TIMEOUT_ERROR = "Sandbox.Timedout";

/**
 * A `lambda:invoke` Task bound to a handler, as Lambda runs it: the Payload is the event, the context
 * counts down from `timeoutSeconds`, a thrown error keeps its name, and an invocation still running at
 * the timeout fails with Sandbox.Timedout (the handler's work is abandoned, as when Lambda freezes it).
 */
export function lambdaInvoke(handler: LambdaHandler, timeoutSeconds: number, calls?: unknown[]): TaskHandler {
  return async (input, executionEnded) => {
    const payload = (input as { Payload?: unknown }).Payload;
    calls?.push(payload);
    const result = await invokeWithin(handler, payload, timeoutSeconds, executionEnded);
    return { Payload: result, StatusCode: 200 };
  };
}

/**
 * A `lambda:invoke.waitForTaskToken` Task: runs the start function like lambdaInvoke, then `callback`
 * plays the way back (e.g. the completion function resuming the task) and gives the task's result; a
 * callback that throws fails the task with that error, as SendTaskFailure does.
 */
export function lambdaInvokeWithCallback(handler: LambdaHandler, timeoutSeconds: number, callback: (started: unknown, payload: unknown) => Promise<unknown>, calls?: unknown[]): TaskHandler {
  return async (input, executionEnded) => {
    const payload = (input as { Payload?: unknown }).Payload;
    calls?.push(payload);
    const started = await invokeWithin(handler, payload, timeoutSeconds, executionEnded);
    return callback(started, payload);
  };
}

/** The handler's result within Lambda's timeout; abandoned (its timeout cleared) once the execution has ended. */
async function invokeWithin(handler: LambdaHandler, payload: unknown, timeoutSeconds: number, executionEnded: AbortSignal): Promise<unknown> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const context: LambdaContextLike = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`), { name: LAMBDA_TIMEOUT_ERROR })),
      timeoutSeconds * 1000,
    );
  });
  try {
    return await untilEnded(() => Promise.race([handler(payload, context), timedOut]), executionEnded);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `work`'s outcome, or a rejection with the signal's reason once the execution has ended; not started
 * at all after the end (the engine may still retry a task the end abandoned, but nothing runs).
 */
function untilEnded<T>(work: () => Promise<T>, executionEnded: AbortSignal): Promise<T> {
  if (executionEnded.aborted) return Promise.reject(executionEnded.reason);
  let running: Promise<T>;
  try {
    running = work();
  } catch (error) {
    return Promise.reject(error);
  }
  let abandon!: () => void;
  const abandoned = new Promise<never>((_, reject) => {
    abandon = () => reject(executionEnded.reason);
    executionEnded.addEventListener("abort", abandon, { once: true });
  });
  return Promise.race([running, abandoned]).finally(() => executionEnded.removeEventListener("abort", abandon));
}
