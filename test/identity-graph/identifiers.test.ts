import { createHmac } from "node:crypto";
import { IdentifierHasher, normalizeEmail, normalizeIdentifier, normalizePhone } from "../../functions/identity-graph/core/identifiers";

describe("email normalization", () => {
  it("trims and lower-cases an address", () => {
    // Act
    const result = normalizeEmail("  Jane.Doe@Example.COM ");

    // Assess
    expect(result).toEqual({ ok: true, value: "jane.doe@example.com" });
  });

  it("drops a mailto: prefix", () => {
    // Act
    const result = normalizeEmail("mailto:Jane.Doe@example.com");

    // Assess
    expect(result).toEqual({ ok: true, value: "jane.doe@example.com" });
  });

  it("rejects a value that is not an address, with a reason and without the value", () => {
    // Act
    const result = normalizeEmail("jane.doe at example");

    // Assess
    expect(result).toEqual({ ok: false, reason: "email is not a valid address" });
  });
});

describe("email checks bounded in length and time", () => {
  it.each([
    ["two @", "jane@doe@example.com"],
    ["no dot in the domain", "jane@localhost"],
    ["a domain that starts with its dot", "jane@.com"],
    ["a domain that ends with its dot", "jane@example."],
    ["white space inside", "jane doe@example.com"],
    ["an empty local part", "@example.com"],
  ])("rejects an address with %s", (_case, address) => {
    // Act
    const result = normalizeEmail(address);

    // Assess
    expect(result).toEqual({ ok: false, reason: "email is not a valid address" });
  });

  it("rejects a crafted 240 KB value by its length, before looking at its shape", () => {
    // Act
    const result = normalizeEmail(`a@${"a.".repeat(120_000)}`);

    // Assess
    expect(result).toEqual({ ok: false, reason: "email is longer than 254 characters" });
  });

  it("accepts the longest address allowed (254 characters)", () => {
    // Prepare
    const address = `${"a".repeat(64)}@${"b".repeat(185)}.com`;

    // Act
    const result = normalizeEmail(address);

    // Assess
    expect(address).toHaveLength(254);
    expect(result).toEqual({ ok: true, value: address });
  });
});

describe("phone normalization to E.164", () => {
  it("reads a national US number with the US default region", () => {
    // Act
    const result = normalizePhone("(202) 555-0147", "US");

    // Assess
    expect(result).toEqual({ ok: true, value: "+12025550147" });
  });

  it("reads a national UK number with the GB default region", () => {
    // Act
    const result = normalizePhone("0207 946 0958", "GB");

    // Assess
    expect(result).toEqual({ ok: true, value: "+442079460958" });
  });

  it("reads a tel: URI as Genesys sends the ANI", () => {
    // Act
    const result = normalizePhone("tel:+12025550147", "GB");

    // Assess
    expect(result).toEqual({ ok: true, value: "+12025550147" });
  });

  it("reads a sip: URI with host and parameters", () => {
    // Act
    const result = normalizePhone("sip:+12025550147@carrier.example;user=phone", "US");

    // Assess
    expect(result).toEqual({ ok: true, value: "+12025550147" });
  });

  it("keeps the country of an international number regardless of the default region", () => {
    // Act
    const result = normalizePhone("+44 20 7946 0958", "US");

    // Assess
    expect(result).toEqual({ ok: true, value: "+442079460958" });
  });

  it("rejects a truncated number with a reason", () => {
    // Act
    const result = normalizePhone("tel:+12", "US");

    // Assess
    expect(result).toEqual({ ok: false, reason: "phone is not a valid number" });
  });
});

describe("identifier lengths", () => {
  it.each(["crm", "ext", "session", "fp", "ip"] as const)("drops a %s value over 256 characters with the reason", (type) => {
    // Act
    const result = normalizeIdentifier(type, "x".repeat(257), "US");

    // Assess
    expect(result).toEqual({ ok: false, reason: `${type} is longer than 256 characters` });
  });

  it("drops a phone value over 256 characters before parsing it", () => {
    // Act
    const result = normalizePhone("1".repeat(200_000), "US");

    // Assess
    expect(result).toEqual({ ok: false, reason: "phone is longer than 256 characters" });
  });
});

describe("other identifier types", () => {
  it("trims opaque identifiers and keeps their case", () => {
    // Act
    const result = normalizeIdentifier("crm", "  CRM-0042 ", "US");

    // Assess
    expect(result).toEqual({ ok: true, value: "CRM-0042" });
  });

  it("lower-cases an IP address", () => {
    // Act
    const result = normalizeIdentifier("ip", "2001:DB8::1", "US");

    // Assess
    expect(result).toEqual({ ok: true, value: "2001:db8::1" });
  });

  it("rejects a blank identifier", () => {
    // Act
    const result = normalizeIdentifier("session", "   ", "US");

    // Assess
    expect(result).toEqual({ ok: false, reason: "session is empty" });
  });

  it("rejects an identifier longer than 256 characters", () => {
    // Act
    const result = normalizeIdentifier("fp", "x".repeat(257), "US");

    // Assess
    expect(result).toEqual({ ok: false, reason: "fp is longer than 256 characters" });
  });
});

describe("IdentifierHasher", () => {
  const SECRET = "a-local-test-key-of-32-characters";

  it("keys an identifier as <type>#<base64url HMAC-SHA256 of type:value>", () => {
    // Prepare
    const hasher = new IdentifierHasher(SECRET);
    const expected = createHmac("sha256", SECRET).update("email:jane.doe@example.com").digest("base64url");

    // Act
    const identifier = hasher.identify({ type: "email", value: "jane.doe@example.com" });

    // Assess
    expect(identifier).toEqual({ type: "email", value: "jane.doe@example.com", key: `email#${expected}` });
    expect(identifier.key).toMatch(/^email#[A-Za-z0-9_-]{43}$/);
  });

  it("gives the same value different keys under different types", () => {
    // Prepare
    const hasher = new IdentifierHasher(SECRET);

    // Act
    const asCrm = hasher.identify({ type: "crm", value: "42" }).key;
    const asExternal = hasher.identify({ type: "ext", value: "42" }).key;

    // Assess
    expect(asCrm.slice(4)).not.toBe(asExternal.slice(4));
  });

  it("gives different keys under different secrets", () => {
    // Act
    const one = new IdentifierHasher(SECRET).identify({ type: "phone", value: "+12025550147" }).key;
    const other = new IdentifierHasher(`${SECRET}-rotated`).identify({ type: "phone", value: "+12025550147" }).key;

    // Assess
    expect(one).not.toBe(other);
  });

  it("refuses a secret shorter than 16 bytes", () => {
    // Act
    const create = () => new IdentifierHasher("too-short");

    // Assess
    expect(create).toThrow("the identifier hashing key must be at least 16 bytes");
  });
});
