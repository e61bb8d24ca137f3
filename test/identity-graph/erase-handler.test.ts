/**
 * The identity-erase Lambda's handler (functions/identity-graph/erase/handler.ts) over the real core and
 * the local engine: a valid request erases, any other payload is refused naming the problem with nothing
 * changed, running out of time or a throttled table fails retriably, and running the request again
 * finishes an erasure that was cut off. `IDENTITY_FAULT_TABLE=1` prints the closing table.
 */
import type { Context } from "aws-lambda";
import { DynamoDBClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { Deadline, deadlineIn } from "../../functions/shared/deadline";
import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { resolveEvent } from "../../functions/identity-graph/core/resolve";
import { DEFAULT_IDENTITY_SETTINGS } from "../../functions/identity-graph/core/settings";
import { makeHandler } from "../../functions/identity-graph/erase/handler";
import { customerStart } from "../../scripts/fixtures/sample-identity-events";
import { localDynamoDBClient, LocalIdentityStore, startLocalIdentityStore } from "../../scripts/local/identity-store";
import { invariantViolations } from "../support/identity-invariants";

type Outcome = "erased" | "refused" | "retriable" | "lost";

const CONTEXT = { getRemainingTimeInMillis: () => 60_000 } as Context;
const JANE = "jane.doe@example.com";
const table: Array<{ input: string; outcome: Outcome }> = [];

let graph: LocalIdentityStore;
let logged: unknown[];
let failing: ((target: string) => Error | undefined) | undefined;

beforeEach(async () => {
  failing = undefined;
  logged = [];
  graph = await startLocalIdentityStore({
    maxTransactionItems: 10,
    client: (endpoint): DynamoDBClient => {
      const client = localDynamoDBClient(endpoint);
      client.middlewareStack.add(
        (next) => async (args) => {
          const target = (args.request as { headers?: Record<string, string> }).headers?.["x-amz-target"] ?? "";
          const error = failing?.(target);
          if (error) throw error;
          return next(args);
        },
        { step: "build", name: "injectFaults" },
      );
      return client;
    },
  });
  const deps = { store: graph.store, hasher: graph.hasher, settings: DEFAULT_IDENTITY_SETTINGS };
  // Jane: an email conversation and four calls, too many identifiers for one transaction of 10.
  await resolveEvent(customerStart("e-0", "conv-0", "p-0", { mediaType: "EMAIL", addressFrom: JANE }), deps);
  for (let i = 1; i <= 4; i++) await resolveEvent(customerStart(`e-${i}`, `conv-${i}`, `p-${i}`, { mediaType: "EMAIL", addressFrom: JANE }), deps);
});

afterEach(async () => {
  await graph.close();
});

function handler(deadline: Deadline = deadlineIn(30_000)) {
  return makeHandler({
    erase: (request, options) => eraseIdentity(request, { store: graph.store, hasher: graph.hasher, settings: DEFAULT_IDENTITY_SETTINGS }, options),
    logger: { info: (...args: unknown[]) => void logged.push(args), warn: () => undefined, error: () => undefined } as never,
    deadlineOf: () => deadline,
  });
}

/** Invokes the handler; classifies how the invocation ended. */
async function invoke(input: string, payload: unknown, deadline?: Deadline) {
  let outcome: Outcome;
  let result: unknown;
  let error: (Error & { transient?: boolean }) | undefined;
  try {
    result = await handler(deadline)(payload, CONTEXT);
    outcome = "erased";
  } catch (caught) {
    error = caught as Error & { transient?: boolean };
    // A synchronous invocation loses nothing when it answers with an error the operator can act on.
    outcome = error.transient === true ? "retriable" : ["InvalidErasurePayloadError", "InvalidErasureRequestError"].includes(error.name) ? "refused" : "lost";
  }
  table.push({ input, outcome });
  return { outcome, result, error };
}

afterAll(() => {
  if (process.env.IDENTITY_FAULT_TABLE !== "1") return;
  const count = (o: Outcome) => table.filter((row) => row.outcome === o).length;
  process.stdout.write(
    [
      "| identity-erase input | outcome |",
      "|---|---|",
      ...table.map((row) => `| ${row.input} | ${row.outcome} |`),
      `| total ${table.length} | erased ${count("erased")}, refused ${count("refused")}, retriable ${count("retriable")}, lost ${count("lost")} |`,
    ].join("\n") + "\n",
  );
});

describe("identity-erase handler", () => {
  it("erases a customer by email, in several transactions, logging counts but never the identifier", async () => {
    // Act
    const { outcome, result } = await invoke("valid email (profile of 10 identifiers)", { email: "  Jane.Doe@Example.com " });

    // Assess
    expect(outcome).toBe("erased");
    expect(result).toMatchObject({ erased: true, identifiers: 6, conversations: 5, suppressed: 1 });
    expect(JSON.stringify(logged)).not.toMatch(/jane/i);
    expect(await graph.countProfiles()).toBe(0);
    expect(invariantViolations(await graph.scan())).toEqual([]);
  });

  it("suppresses a phone no profile holds", async () => {
    // Act
    const { outcome, result } = await invoke("valid phone nobody holds", { phone: "(202) 555-0199" });

    // Assess
    expect(outcome).toBe("erased");
    expect(result).toEqual({ erased: false, identifiers: 0, conversations: 0, suppressed: 1 });
  });

  it.each([
    ["no payload", undefined, /^expected \{"email": "\.\.\."\} or \{"phone": "\.\.\."\}: /],
    ["an empty object", {}, /^expected /],
    ["a string", "jane.doe@example.com", /^expected /],
    ["a number for the email", { email: 42 }, /^expected /],
    ["both an email and a phone", { email: JANE, phone: "+12025550147" }, /^expected /],
    ["an unknown field", { email: JANE, force: true }, /^expected /],
    ["an email of 300 characters", { email: `${"a".repeat(290)}@example.com` }, /^expected /],
    ["an address that is not one", { email: "jane at example" }, /^cannot erase: email is not a valid address$/],
    ["a truncated phone number", { phone: "tel:+12" }, /^cannot erase: phone is not a valid number$/],
  ])("refuses %s, naming the problem and changing nothing", async (input, payload, message) => {
    // Prepare
    const before = await graph.scan();

    // Act
    const { outcome, error } = await invoke(`refused: ${input}`, payload);

    // Assess
    expect(outcome).toBe("refused");
    expect(error?.message).toMatch(message);
    expect(await graph.scan()).toEqual(before);
  });

  it("fails retriably, changing nothing, when the invocation has no time left", async () => {
    // Prepare
    const before = await graph.scan();

    // Act
    const { outcome, error } = await invoke("no time left", { email: JANE }, deadlineIn(0));

    // Assess
    expect(outcome).toBe("retriable");
    expect(error?.message).toMatch(/^erasure not finished, run the same request again: DeadlineExceededError: /);
    expect(await graph.scan()).toEqual(before);
  });

  it("fails retriably when DynamoDB throttles, and the same request later erases", async () => {
    // Prepare
    failing = (target) => (target.endsWith(".Query") ? new ProvisionedThroughputExceededException({ message: "throttled", $metadata: {} }) : undefined);
    const { outcome } = await invoke("DynamoDB throttling", { email: JANE });
    failing = undefined;

    // Act
    const again = await invoke("the same request again", { email: JANE });

    // Assess
    expect(outcome).toBe("retriable");
    expect(again.outcome).toBe("erased");
    expect(await graph.countProfiles()).toBe(0);
  });

  it("finishes an erasure cut off between its transactions when the request runs again", async () => {
    // Prepare: the process dies at the erasure's third transaction.
    let transactions = 0;
    failing = (target) => (target.endsWith(".TransactWriteItems") && ++transactions === 3 ? Object.assign(new Error("the invocation timed out"), { name: "TimeoutError" }) : undefined);
    const cut = await invoke("cut off after two of its transactions", { email: JANE });
    failing = undefined;
    const left = await graph.scan();

    // Act
    const rerun = await invoke("the same request again", { email: JANE });

    // Assess
    expect(cut.outcome).toBe("retriable");
    expect(left.some((item) => item.erasing === true)).toBe(true);
    expect(rerun).toMatchObject({ outcome: "erased", result: { erased: true } });
    expect(await graph.countProfiles()).toBe(0);
    expect(invariantViolations(await graph.scan())).toEqual([]);
  });
});
