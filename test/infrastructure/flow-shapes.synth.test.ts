import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { flowPlaceholders } from "../../constructs/genesys/architect-flow";
import { onlyResource, shipped } from "../support/synth";

const FLOWS = join(__dirname, "..", "..", "flows");
const flowFiles = readdirSync(FLOWS).filter((f) => /\.ya?ml$/.test(f));

/**
 * The flow with every placeholder replaced by `true`, parsed: the worst case for YAML typing (an
 * unquoted placeholder filled with true or false would turn an expression into a Boolean).
 */
function parsedFlow(file: string): unknown {
  const text = readFileSync(join(FLOWS, file), "utf8");
  return parse(flowPlaceholders(text).reduce((t, key) => t.replaceAll(`{{${key}}}`, "true"), text));
}

/** Every value stored under `key` anywhere in the document. */
function valuesUnder(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => valuesUnder(n, key));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => [...(k === key ? [v] : []), ...valuesUnder(v, key)]);
}

describe.each(flowFiles)("flows/%s uses the shapes real Architect exports use", (file) => {
  const flow = parsedFlow(file);

  it("writes every decision condition as an expression (exp:), never lit:", () => {
    const decisions = valuesUnder(flow, "decision") as Array<{ condition: Record<string, unknown> }>;
    expect(decisions.length).toBeGreaterThan(0);
    for (const decision of decisions) {
      expect(Object.keys(decision.condition)).toEqual(["exp"]);
      expect(typeof decision.condition.exp).toBe("string");
    }
  });

  it("gives callData either no timeout or lit: minutes: 1", () => {
    const calls = valuesUnder(flow, "callData") as Array<Record<string, unknown>>;
    for (const call of calls) {
      if ("timeout" in call) expect(call.timeout).toEqual({ lit: { minutes: 1 } });
    }
  });
});

describe("the inbound email flow's substitutions", () => {
  it("fills the decision placeholders with Boolean expressions", () => {
    const substitutions = onlyResource(shipped("dev"), "genesyscloud_flow").substitutions as Record<string, string>;
    for (const key of ["hold_for_attachments", "send_acknowledgement"]) expect(["true", "false"]).toContain(substitutions[key]);
  });

  it("keeps the flow's 1-minute callData bound at or above the data action's own timeout", () => {
    const action = onlyResource(shipped("dev"), "genesyscloud_integration_action");
    expect(action.config_timeout_seconds as number).toBeLessThanOrEqual(60);
  });
});
