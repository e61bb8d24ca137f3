import { eraseIdentity } from "../../functions/identity-graph/core/erase";
import { InvalidEventError } from "../../functions/shared/genesys/event-envelope";
import { Graph, sampleEvents, startGraph } from "./harness";

/** Every clear identifier value (and recognizable fragment) the sample events carry. */
const CLEAR_VALUES = ["jane.doe@example.com", "Jane.Doe@Example.com", "+12025550147", "2025550147", "555-0147", "fp-7c1e22", "198.51.100.23"];
const KEY = /^(ext|crm|email|phone|session|conv|fp|ip)#[A-Za-z0-9_-]{43}$/;

let graph: Graph;
let items: Array<Record<string, unknown>>;

beforeAll(async () => {
  graph = await startGraph();
  for (const event of sampleEvents("conversations.jsonl")) {
    await graph.resolve(event).catch((error: unknown) => {
      if (!(error instanceof InvalidEventError)) throw error;
    });
  }
  await eraseIdentity({ email: "bob.erased@example.com" }, graph.deps);
  for (const event of sampleEvents("returning-customer.jsonl")) await graph.resolve(event);
  items = await graph.scan();
});

afterAll(async () => {
  await graph.close();
});

describe("the identity table after replaying the samples", () => {
  it("holds no clear identifier value anywhere", () => {
    // Act
    const dump = JSON.stringify(items).toLowerCase();

    // Assess
    expect(items.length).toBeGreaterThan(0);
    for (const value of CLEAR_VALUES) expect(dump).not.toContain(value.toLowerCase());
  });

  it("holds no clear value of an erased identifier", () => {
    // Act
    const dump = JSON.stringify(items).toLowerCase();

    // Assess
    expect(dump).not.toContain("bob.erased");
  });

  it("keys every owner and suppression entry by <type>#<base64url HMAC>", () => {
    // Act
    const keys = items
      .filter((item) => item.sk === "OWNER" || item.sk === "SUPPRESS")
      .map((item) => String(item.pk).replace(/^(ID|SUPPRESS)#/, ""));

    // Assess
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !KEY.test(key))).toEqual([]);
  });

  it("keys every profile's identifier index by <type>#<base64url HMAC>", () => {
    // Act
    const keys = items.filter((item) => String(item.pk).startsWith("PROFILE#") && String(item.sk).startsWith("ID#")).map((item) => String(item.sk).slice(3));

    // Assess
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !KEY.test(key))).toEqual([]);
  });

  it("stores the keys the hasher computes for the normalized values", () => {
    // Act
    const owned = new Set(items.filter((item) => item.sk === "OWNER").map((item) => String(item.pk).slice(3)));

    // Assess
    expect(owned.has(graph.key("email", "jane.doe@example.com"))).toBe(true);
    expect(owned.has(graph.key("phone", "+12025550147"))).toBe(true);
    expect(owned.has(graph.key("fp", "fp-7c1e22"))).toBe(true);
  });
});
