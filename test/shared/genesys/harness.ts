import { GenesysClient, GenesysClientOptions } from "../../../functions/shared/genesys/client";
import { FakeEmailConversation, GenesysFake } from "../../support/genesys-fake";

/** A fake clock: `sleep` records the delay and advances `now` by it, instantly. */
export function fakeClock(start = 1_700_000_000_000) {
  const clock = {
    time: start,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

/** A client pointed at the fake, with an instant recording sleep and a fake clock. */
export function clientFor(fake: GenesysFake, overrides: Partial<GenesysClientOptions> = {}) {
  const clock = fakeClock();
  const credentialCalls = { count: 0 };
  const client = new GenesysClient({
    apiBaseUrl: fake.apiBaseUrl,
    loginBaseUrl: fake.loginBaseUrl,
    credentials: async () => {
      credentialCalls.count++;
      return { clientId: fake.clientId, clientSecret: fake.clientSecret };
    },
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    ...overrides,
  });
  return { client, clock, credentialCalls };
}

export const CONVERSATION_ID = "5e7a1c2d-0000-4000-8000-000000000001";

/** One inbound email waiting in a triage queue, with a PDF attachment and an inline image. */
export function triageEmail(pdfBytes: Uint8Array = new TextEncoder().encode("%PDF-1.7 fake invoice")): FakeEmailConversation {
  return {
    id: CONVERSATION_ID,
    participants: [
      { id: "p-customer", purpose: "customer", state: "connected", attributes: { language: "en" } },
      { id: "p-acd", purpose: "acd", state: "connected", queue: { id: "q-triage" } },
    ],
    messages: [
      {
        id: "m-1",
        subject: "Invoice 42",
        textBody: "Please find my invoice attached.",
        htmlBody: "<p>Please find my invoice attached.</p>",
        time: "2026-01-05T10:00:00.000Z",
        attachments: [
          { attachmentId: "a-pdf", name: "invoice.pdf", contentType: "application/pdf", bytes: pdfBytes },
          { attachmentId: "a-logo", name: "logo.png", contentType: "image/png", bytes: "png", inlineImage: true },
        ],
      },
    ],
  };
}
