import { InvalidEventError, parseEnvelope } from "../../functions/shared/genesys/event-envelope";
import { extractIdentifiers } from "../../functions/identity-graph/core/events";
import { DEFAULT_IDENTITY_SETTINGS, identitySettingsSchema } from "../../functions/identity-graph/core/settings";
import { attributesEvent, customerStart, envelope, Graph, sampleEvents, startGraph } from "./harness";

let graph: Graph;

beforeAll(async () => {
  graph = await startGraph();
});

afterAll(async () => {
  await graph.close();
});

const extract = (event: unknown, settings = DEFAULT_IDENTITY_SETTINGS) => extractIdentifiers(parseEnvelope(event), settings);

describe("the EventBridge envelope", () => {
  const valid = customerStart("e-invalid", "conv-invalid", { mediaType: "EMAIL", addressFrom: "jane@example.com" });
  const without = (mutate: (event: ReturnType<typeof customerStart>) => void) => {
    const event = structuredClone(valid);
    mutate(event);
    return event;
  };

  it.each([
    ["source", without((e) => Reflect.deleteProperty(e, "source")), "source: Invalid input: expected string, received undefined"],
    ["detail.eventBody", without((e) => Reflect.deleteProperty(e.detail, "eventBody")), "detail.eventBody: Invalid input: expected object, received undefined"],
    [
      "detail.eventBody.conversationId",
      without((e) => Reflect.deleteProperty(e.detail.eventBody, "conversationId")),
      "detail.eventBody.conversationId: Invalid input: expected string, received undefined",
    ],
  ])("rejects an event without %s, naming the field", async (_field, event, problem) => {
    // Act
    const resolving = graph.resolve(event);

    // Assess
    await expect(resolving).rejects.toBeInstanceOf(InvalidEventError);
    await expect(resolving).rejects.toThrow(`not a Genesys EventBridge event: ${problem}`);
  });

  it.each([
    ["null", null, "null"],
    ["a string", "v2.detail.events.conversation.{id}.customer.start", "string"],
    ["a number", 42, "number"],
    ["an array", [valid], "array"],
  ])("rejects %s as not an event", async (_what, candidate, received) => {
    // Act
    const resolving = graph.resolve(candidate);

    // Assess
    await expect(resolving).rejects.toBeInstanceOf(InvalidEventError);
    await expect(resolving).rejects.toThrow(`not a Genesys EventBridge event: (event): Invalid input: expected object, received ${received}`);
  });

  it("names every problem of the sample's broken event", async () => {
    // Prepare
    const broken = sampleEvents("conversations.jsonl").at(-1);

    // Act
    const resolving = graph.resolve(broken);

    // Assess
    await expect(resolving).rejects.toThrow(
      "not a Genesys EventBridge event: source: Invalid input: expected string, received undefined; detail.eventBody: Invalid input: expected object, received undefined",
    );
  });

  it("ignores a topic the identity graph does not consume, without touching storage", async () => {
    // Prepare
    const acdStart = envelope("e-acd", "v2.detail.events.conversation.{id}.acd.start", { conversationId: "conv-acd", participantId: "p-1", queueId: "q-1" });

    // Act
    const resolution = await graph.resolve(acdStart);

    // Assess
    expect(resolution).toEqual({ eventId: "e-acd", conversationId: "conv-acd", action: "ignored", dropped: [], roundTrips: 0 });
    expect(await graph.scan()).toEqual([]);
  });
});

describe("identifiers of customer.start events", () => {
  it("reads an EMAIL conversation's addressFrom as the email, normalized", () => {
    // Prepare
    const event = customerStart("e-1", "conv-email-1", { mediaType: "EMAIL", addressFrom: " Jane.Doe@Example.com" });

    // Act
    const extraction = extract(event);

    // Assess
    expect(extraction).toEqual({
      identifiers: [
        { type: "conv", value: "conv-email-1" },
        { type: "email", value: "jane.doe@example.com" },
      ],
      dropped: [],
      echoOnly: false,
    });
  });

  it("reads a voice call's ANI as the phone in E.164", () => {
    // Prepare
    const event = customerStart("e-2", "conv-call-1", { mediaType: "VOICE", ani: "tel:+12025550147", dnis: "tel:+18005550100" });

    // Act
    const { identifiers } = extract(event);

    // Assess
    expect(identifiers).toEqual([
      { type: "conv", value: "conv-call-1" },
      { type: "phone", value: "+12025550147" },
    ]);
  });

  it("reads an SMS conversation's addressFrom as the phone", () => {
    // Prepare
    const event = customerStart("e-3", "conv-sms-1", { mediaType: "MESSAGE", messageType: "SMS", addressFrom: "+12025550147" });

    // Act
    const { identifiers } = extract(event);

    // Assess
    expect(identifiers).toEqual([
      { type: "conv", value: "conv-sms-1" },
      { type: "phone", value: "+12025550147" },
    ]);
  });

  it("prefers the ANI over a voice call's addressFrom", () => {
    // Prepare
    const event = customerStart("e-4", "conv-call-2", { mediaType: "VOICE", ani: "tel:+12025550147", addressFrom: "tel:+12025550199" });

    // Act
    const { identifiers } = extract(event);

    // Assess
    expect(identifiers).toEqual([
      { type: "conv", value: "conv-call-2" },
      { type: "phone", value: "+12025550147" },
    ]);
  });

  it("reads external contact ids (deduplicated) and the journey session id", () => {
    // Prepare
    const event = customerStart("e-5", "conv-chat-1", {
      mediaType: "MESSAGE",
      externalContactId: "ec-1",
      conversationExternalContactIds: ["ec-1", "ec-2"],
      journeyContext: { customer: { id: "jc-1" }, sessionId: "js-9" },
    });

    // Act
    const { identifiers } = extract(event);

    // Assess
    expect(identifiers).toEqual([
      { type: "conv", value: "conv-chat-1" },
      { type: "ext", value: "ec-1" },
      { type: "ext", value: "ec-2" },
      { type: "session", value: "js-9" },
    ]);
  });

  it("uses the default phone region for a national number", () => {
    // Prepare
    const settings = identitySettingsSchema.parse({ defaultPhoneRegion: "GB" });
    const event = customerStart("e-6", "conv-call-gb", { mediaType: "VOICE", ani: "0207 946 0958" });

    // Act
    const { identifiers } = extract(event, settings);

    // Assess
    expect(identifiers).toEqual([
      { type: "conv", value: "conv-call-gb" },
      { type: "phone", value: "+442079460958" },
    ]);
  });

  it("drops an invalid ANI with its type and reason, never its value", () => {
    // Prepare
    const event = customerStart("e-7", "conv-call-3", { mediaType: "VOICE", ani: "tel:+12" });

    // Act
    const extraction = extract(event);

    // Assess
    expect(extraction.identifiers).toEqual([{ type: "conv", value: "conv-call-3" }]);
    expect(extraction.dropped).toEqual([{ type: "phone", reason: "phone is not a valid number" }]);
  });
});

describe("identifiers of attributes events", () => {
  it("reads the default attribute keys", () => {
    // Prepare
    const event = attributesEvent("e-10", "conv-msg-1", {
      email: "jane.doe@example.com ",
      phone: "(202) 555-0147",
      crmId: "CRM-7",
      deviceFingerprint: "fp-7c1e22",
      ipAddress: "198.51.100.23",
      intent: "IRA",
    });

    // Act
    const extraction = extract(event);

    // Assess
    expect(extraction).toEqual({
      identifiers: [
        { type: "conv", value: "conv-msg-1" },
        { type: "email", value: "jane.doe@example.com" },
        { type: "phone", value: "+12025550147" },
        { type: "crm", value: "CRM-7" },
        { type: "fp", value: "fp-7c1e22" },
        { type: "ip", value: "198.51.100.23" },
      ],
      dropped: [],
      echoOnly: false,
    });
  });

  it("reads identifiers under configured attribute names, and no longer under the defaults", () => {
    // Prepare
    const settings = identitySettingsSchema.parse({ attributeKeys: { email: "customerEmail", crmId: "accountNumber" } });
    const event = attributesEvent("e-11", "conv-msg-2", { customerEmail: "Jane@Example.com", accountNumber: "A-1", email: "other@example.com" });

    // Act
    const { identifiers } = extract(event, settings);

    // Assess
    expect(identifiers).toEqual([
      { type: "conv", value: "conv-msg-2" },
      { type: "email", value: "jane@example.com" },
      { type: "crm", value: "A-1" },
    ]);
  });

  it("ignores attribute values that are not strings", () => {
    // Prepare
    const event = attributesEvent("e-12", "conv-msg-3", { email: 42, phone: { number: "+12025550147" } });

    // Act
    const { identifiers } = extract(event);

    // Assess
    expect(identifiers).toEqual([{ type: "conv", value: "conv-msg-3" }]);
  });

  it("drops invalid attribute values by type and reason only", () => {
    // Prepare
    const event = attributesEvent("e-13", "conv-msg-4", { email: "not-an-address", phone: "555" });

    // Act
    const extraction = extract(event);

    // Assess
    expect(extraction.dropped).toEqual([
      { type: "email", reason: "email is not a valid address" },
      { type: "phone", reason: "phone is not a valid number" },
    ]);
    expect(JSON.stringify(extraction.dropped)).not.toMatch(/not-an-address|555/);
  });

  it("marks an event carrying only the write-back keys as our own echo", () => {
    // Prepare
    const event = attributesEvent("e-14", "conv-call-1", { resolvedCustomerId: "profile-1", identityTier: "deterministic", identityConfidence: "1.00" });

    // Act
    const { echoOnly } = extract(event);

    // Assess
    expect(echoOnly).toBe(true);
  });

  it("does not treat write-back keys next to an identifier as an echo", () => {
    // Prepare
    const event = attributesEvent("e-15", "conv-call-1", { resolvedCustomerId: "profile-1", email: "jane@example.com" });

    // Act
    const { echoOnly } = extract(event);

    // Assess
    expect(echoOnly).toBe(false);
  });
});
