import { GenesysClient, GenesysClientOptions } from "../../../functions/shared/genesys/client";
import { FakeEmailConversation, GenesysFake, startGenesysFake } from "../../support/genesys-fake";

/**
 * A fake clock: `sleep` records the delay and advances `now` by it, instantly. `timeoutSignal` makes
 * signals that fire when fake time reaches their due instant (by a sleep, or by `expire` when a request
 * has stalled), so a test can account for every millisecond a call spends without waiting for it.
 */
export function fakeClock(start = 1_700_000_000_000) {
  const timers: { due: number; controller: AbortController }[] = [];
  const fireDue = () => {
    for (const timer of timers.filter((t) => t.due <= clock.time)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
    }
  };
  const clock = {
    start,
    time: start,
    sleeps: [] as number[],
    /** Every timeout the client asked for (per attempt, and for waits on the token or credentials). */
    timeouts: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
      fireDue();
    },
    timeoutSignal: (ms: number) => {
      const controller = new AbortController();
      clock.timeouts.push(ms);
      timers.push({ due: clock.time + ms, controller });
      fireDue();
      return controller.signal;
    },
    /** The request behind `signal` stalled: fake time runs on to the signal's due instant, which fires it. */
    expire: (signal: AbortSignal | null | undefined) => {
      const timer = timers.find((t) => t.controller.signal === signal);
      if (timer === undefined) return;
      clock.time = Math.max(clock.time, timer.due);
      fireDue();
    },
    elapsed: () => clock.time - start,
  };
  return clock;
}

export type FakeClock = ReturnType<typeof fakeClock>;

export interface HarnessOptions {
  /**
   * Run timeouts on the fake clock. A request whose answer the fake holds (`faults.slow`) runs into its
   * attempt timeout: fake time jumps to it and the attempt is aborted, without waiting in real time.
   */
  fakeTimeouts?: boolean;
}

/** A client pointed at the fake, with an instant recording sleep and a fake clock. */
export function clientFor(fake: GenesysFake, overrides: Partial<GenesysClientOptions> = {}, harness: HarnessOptions = {}) {
  const clock = fakeClock();
  const credentialCalls = { count: 0 };
  const timing: Partial<GenesysClientOptions> = {};
  if (harness.fakeTimeouts === true) {
    const realFetch = overrides.fetch ?? fetch;
    const inFlight: { host: string; path: string; signal: AbortSignal | null | undefined }[] = [];
    fake.onHeld((request) => {
      const host = new URL(request.host === "api" ? fake.apiBaseUrl : request.host === "login" ? fake.loginBaseUrl : fake.storageBaseUrl).host;
      const index = inFlight.findIndex((f) => f.host === host && f.path === request.path);
      if (index >= 0) clock.expire(inFlight.splice(index, 1)[0]?.signal);
    });
    timing.timeoutSignal = clock.timeoutSignal;
    timing.fetch = async (input, init) => {
      const url = new URL(String(input));
      const entry = { host: url.host, path: url.pathname, signal: init?.signal };
      inFlight.push(entry);
      try {
        return await realFetch(input, init);
      } finally {
        if (inFlight.includes(entry)) inFlight.splice(inFlight.indexOf(entry), 1);
      }
    };
  }
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
    ...timing,
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

/** A Genesys fake holding the triage email (`triageEmail()`), for a test to use and close. */
export async function seededGenesysFake(): Promise<GenesysFake> {
  const fake = await startGenesysFake();
  fake.seedConversation(triageEmail());
  return fake;
}
