import { GenesysClient, GenesysError } from "../../../functions/shared/genesys/client";
import { GenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, seededGenesysFake } from "./harness";

let fake: GenesysFake;

beforeEach(async () => (fake = await seededGenesysFake()));
afterEach(() => fake.close());

/** Every way a caller might print an error. */
function renderings(error: unknown): string {
  const e = error as Error;
  return [String(e), e.message, e.stack ?? "", JSON.stringify(e), JSON.stringify(Object.entries(e))].join("\n");
}

describe("GenesysClient errors never reveal credentials", () => {
  it("redacts a token or secret that Genesys echoes in an error body", async () => {
    // Prepare
    const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString("base64");
    let echoed = "";
    const echoingFetch: typeof fetch = async (input, init) => {
      if (String(input).startsWith(fake.loginBaseUrl)) return fetch(input, init);
      echoed = new Headers(init?.headers).get("authorization") ?? "";
      return Response.json({ message: `Denied for ${echoed}; client ${fake.clientSecret}; basic ${basic}`, code: "forbidden" }, { status: 403 });
    };
    const { client } = clientFor(fake, { fetch: echoingFetch });

    // Act
    const error = await client.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysError);
    expect(echoed).toBe(`Bearer ${fake.tokensIssued[0]}`);
    expect((error as { genesysMessage: string }).genesysMessage).toBe("Denied for Bearer [redacted]; client [redacted]; basic [redacted]");
    const text = renderings(error);
    expect(text).not.toContain(fake.tokensIssued[0]);
    expect(text).not.toContain(fake.clientSecret);
    expect(text).not.toContain(basic);
  });

  it("keeps credentials out of every error kind", async () => {
    // Prepare
    const errors: unknown[] = [];
    const { client } = clientFor(fake, { maxRetries: 1 });
    const wrongSecret = "wrong-secret-4411";
    const badClient = clientFor(fake, { credentials: async () => ({ clientId: fake.clientId, clientSecret: wrongSecret }) }).client;
    const unreachable = new GenesysClient({
      apiBaseUrl: "http://127.0.0.1:9",
      loginBaseUrl: fake.loginBaseUrl,
      credentials: async () => ({ clientId: fake.clientId, clientSecret: fake.clientSecret }),
      maxRetries: 0,
    });
    const signedUrlQuery = "X-Amz-Signature=";

    // Act
    fake.script("/api/v2/conversations/emails/c-x", [{ status: 503 }, { status: 503 }]);
    errors.push(await client.getEmailConversation("c-x").catch((e: unknown) => e));
    fake.script(/\/attributes$/, [{ status: 401 }, { status: 401 }]);
    errors.push(await client.patchParticipantAttributes(CONVERSATION_ID, "p-customer", { a: "b" }).catch((e: unknown) => e));
    fake.script(/^\/signed\//, [{ status: 403, body: "SignatureDoesNotMatch" }]);
    errors.push(await client.downloadAttachment(fake.contentUriOf("a-pdf"), 1024).catch((e: unknown) => e));
    errors.push(await client.downloadAttachment(fake.contentUriOf("a-pdf"), 1).catch((e: unknown) => e));
    errors.push(await badClient.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e));
    errors.push(await unreachable.getEmailConversation(CONVERSATION_ID).catch((e: unknown) => e));

    // Assess
    expect(errors.map((e) => (e as Error).name)).toEqual([
      "GenesysApiError",
      "GenesysAuthError",
      "GenesysRequestRejectedError",
      "GenesysAttachmentTooLargeError",
      "GenesysAuthError",
      "GenesysNetworkError",
    ]);
    expect((errors[2] as { path: string; status: number }).path).toBe("/signed/a-pdf");
    for (const error of errors) {
      const text = renderings(error);
      for (const token of fake.tokensIssued) expect(text).not.toContain(token);
      expect(text).not.toContain(fake.clientSecret);
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(signedUrlQuery);
    }
  });
});
