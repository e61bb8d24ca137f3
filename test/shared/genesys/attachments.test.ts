import { GenesysAttachmentTooLargeError, GenesysClient, GenesysDownloadRefusedError } from "../../../functions/shared/genesys/client";
import { GenesysFake, startGenesysFake } from "../../support/genesys-fake";
import { CONVERSATION_ID, clientFor, triageEmail } from "./harness";

let fake: GenesysFake;
const PDF = new TextEncoder().encode("%PDF-1.7 fake invoice");

beforeEach(async () => {
  fake = await startGenesysFake();
  fake.seedConversation(triageEmail(PDF));
});

afterEach(async () => {
  await fake.close();
});

describe("GenesysClient.downloadAttachment", () => {
  it("follows the signed-URL redirect without forwarding the token", async () => {
    // Prepare
    const { client } = clientFor(fake);
    const [message] = await client.listEmailMessages(CONVERSATION_ID);
    const contentUri = message?.attachments?.[0]?.contentUri ?? "";

    // Act
    const download = await client.downloadAttachment(contentUri, 1024);

    // Assess
    expect(download).toEqual({ bytes: PDF, contentType: "application/pdf" });
    const [, apiDownload] = fake.apiRequests();
    expect(apiDownload).toMatchObject({ method: "GET", path: "/api/v2/downloads/a-pdf" });
    expect(apiDownload?.headers.authorization).toBe(`Bearer ${fake.tokensIssued[0]}`);
    const storage = fake.requests.filter((r) => r.host === "storage");
    expect(storage).toHaveLength(1);
    expect(storage[0]?.path).toBe("/signed/a-pdf");
    expect(storage[0]?.headers.authorization).toBeUndefined();
  });

  it("the fake's signed URL refuses requests that carry an Authorization header", async () => {
    // Prepare
    const { client } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);
    const bearer = { authorization: `Bearer ${fake.tokensIssued[0]}` };
    const located = await fetch(fake.contentUriOf("a-pdf"), { redirect: "manual", headers: bearer });
    await located.text();
    const signedUrl = located.headers.get("location") ?? "";

    // Act
    const withAuth = await fetch(signedUrl, { headers: bearer });
    const withoutAuth = await fetch(signedUrl);

    // Assess
    expect(located.status).toBe(302);
    expect(signedUrl.startsWith(`${fake.storageBaseUrl}/signed/a-pdf?X-Amz-Signature=`)).toBe(true);
    expect([withAuth.status, await withAuth.text()]).toEqual([400, "InvalidArgument: Only one auth mechanism allowed"]);
    expect([withoutAuth.status, new Uint8Array(await withoutAuth.arrayBuffer())]).toEqual([200, PDF]);
  });

  it("renews an expired token for the contentUri request", async () => {
    // Prepare
    const { client } = clientFor(fake);
    await client.getEmailConversation(CONVERSATION_ID);
    fake.expireTokens();

    // Act
    const download = await client.downloadAttachment(fake.contentUriOf("a-pdf"), 1024);

    // Assess
    expect(download.bytes).toEqual(PDF);
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.apiRequests().map((r) => [r.path, r.headers.authorization])).toEqual([
      [`/api/v2/conversations/emails/${CONVERSATION_ID}`, `Bearer ${fake.tokensIssued[0]}`],
      ["/api/v2/downloads/a-pdf", `Bearer ${fake.tokensIssued[0]}`],
      ["/api/v2/downloads/a-pdf", `Bearer ${fake.tokensIssued[1]}`],
    ]);
  });

  it("accepts a body of exactly maxBytes", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const download = await client.downloadAttachment(fake.contentUriOf("a-pdf"), PDF.length);

    // Assess
    expect(download.bytes).toEqual(PDF);
  });

  it("refuses a body whose Content-Length exceeds maxBytes", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.downloadAttachment(fake.contentUriOf("a-pdf"), PDF.length - 1).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysAttachmentTooLargeError);
    expect(error).toMatchObject({ maxBytes: PDF.length - 1, observedBytes: PDF.length });
    expect((error as Error).message).toBe(`Attachment /signed/a-pdf declares ${PDF.length} bytes, over the limit of ${PDF.length - 1} bytes`);
  });

  it("refuses a streamed body without Content-Length once it passes maxBytes", async () => {
    // Prepare
    const big = new Uint8Array(64 * 1024).fill(7);
    fake.seedConversation({
      id: "c-big",
      participants: [{ id: "p-c", purpose: "customer" }],
      messages: [{ id: "m-big", textBody: "scan", attachments: [{ attachmentId: "a-big", name: "scan.tiff", contentType: "image/tiff", bytes: big, chunked: true }] }],
    });
    const { client } = clientFor(fake);

    // Act
    const error = await client.downloadAttachment(fake.contentUriOf("a-big"), 40 * 1024).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysAttachmentTooLargeError);
    expect(error).toMatchObject({ maxBytes: 40 * 1024 });
    expect((error as GenesysAttachmentTooLargeError).observedBytes).toBeGreaterThan(40 * 1024);
    expect((error as Error).message).toMatch(/^Attachment \/signed\/a-big exceeded the limit of 40960 bytes while downloading/);
  });

  it("downloads a chunked body within the limit", async () => {
    // Prepare
    const big = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    fake.seedConversation({
      id: "c-big",
      participants: [{ id: "p-c", purpose: "customer" }],
      messages: [{ id: "m-big", textBody: "scan", attachments: [{ attachmentId: "a-big", name: "scan.tiff", contentType: "image/tiff", bytes: big, chunked: true }] }],
    });
    const { client } = clientFor(fake);

    // Act
    const download = await client.downloadAttachment(fake.contentUriOf("a-big"), 64 * 1024);

    // Assess
    expect(download).toEqual({ bytes: big, contentType: "image/tiff" });
  });

  it("refuses plain-http contentUris other than loopback", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.downloadAttachment("http://api.mypurecloud.com/api/v2/downloads/x", 1024).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysDownloadRefusedError);
    expect((error as Error).message).toBe("contentUri http://api.mypurecloud.com/api/v2/downloads/x is not allowed (https only)");
    expect(fake.requests).toEqual([]);
  });

  it("refuses to send the token to a host outside the Genesys domain", async () => {
    // Prepare
    const { client } = clientFor(fake);

    // Act
    const error = await client.downloadAttachment("https://attacker.example/api/v2/downloads/x", 1024).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysDownloadRefusedError);
    expect((error as Error).message).toBe("contentUri host attacker.example is not a Genesys API host; refusing to send it the access token");
    expect(fake.requests).toEqual([]);
  });

  it("refuses a redirect to plain http", async () => {
    // Prepare
    const { client } = clientFor(fake);
    fake.script("/api/v2/downloads/a-pdf", [{ status: 302, headers: { location: "http://files.example.com/signed/a-pdf?sig=1" } }]);

    // Act
    const error = await client.downloadAttachment(fake.contentUriOf("a-pdf"), 1024).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GenesysDownloadRefusedError);
    expect((error as Error).message).toBe("redirect Location http://files.example.com/signed/a-pdf is not allowed (https only)");
  });

  it("sends the token to Genesys download hosts of the region and not to the signed URL", async () => {
    // Prepare
    const calls: { url: string; authorization: string | null }[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), authorization: new Headers(init?.headers).get("authorization") });
      if (String(input).endsWith("/oauth/token")) return Response.json({ access_token: "tok-1", expires_in: 86400 });
      if (String(input).includes("/api/v2/downloads/")) return new Response(null, { status: 302, headers: { location: "https://s3.example.com/bucket/a?X-Amz-Signature=abc" } });
      return new Response("bytes", { headers: { "content-type": "text/plain" } });
    };
    const client = new GenesysClient({ region: "us-east-1", fetch: fetchFn, credentials: async () => ({ clientId: "id", clientSecret: "secret" }) });

    // Act
    const download = await client.downloadAttachment("https://api-downloads.mypurecloud.com/api/v2/downloads/d-1", 100);

    // Assess
    expect(new TextDecoder().decode(download.bytes)).toBe("bytes");
    expect(calls.slice(1)).toEqual([
      { url: "https://api-downloads.mypurecloud.com/api/v2/downloads/d-1", authorization: "Bearer tok-1" },
      { url: "https://s3.example.com/bucket/a?X-Amz-Signature=abc", authorization: null },
    ]);
  });
});
