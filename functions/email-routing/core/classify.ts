import { emailToText, truncateUtf8 } from "../../shared/classifier/email-text";
import type { ClassifierBackend } from "../../shared/classifier/backend";
import { ClassScore } from "../../shared/classifier/model";
import { ClassifyEmailInput, ClassifyEmailOutput, FALLBACK } from "./contract";

/** Comprehend real-time classification accepts at most 10 KB of UTF-8 text; the embedded model uses the same cap. */
export const MAX_CLASSIFIER_TEXT_BYTES = 10_000;

export interface RoutingPolicy {
  /** Below this confidence the email goes to the fallback queue. */
  readonly confidenceThreshold: number;
  /** Label -> queue name. A label not listed here (e.g. GENERAL) goes to the fallback queue. */
  readonly topicQueues: Readonly<Record<string, string>>;
}

export type Outcome = "routed" | "below-threshold" | "not-a-topic" | "empty-text" | "text-error" | "backend-error";

/** The routing answer plus what happened, for logs and metrics. Holds no email text. */
export interface Classification {
  readonly output: ClassifyEmailOutput;
  readonly outcome: Outcome;
  readonly label?: string;
  readonly score?: number;
  readonly textBytes: number;
  readonly truncated: boolean;
  readonly error?: string;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** An error's name and message, for logs: backend errors carry no email text. */
const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

/**
 * Classifies an email and decides where it goes. Never throws: a failure to read the text or of the
 * backend becomes the fallback answer with the reason in `error`, so Genesys always gets a routable reply.
 */
export async function classifyEmail(
  input: ClassifyEmailInput,
  backend: ClassifierBackend,
  policy: RoutingPolicy,
): Promise<Classification> {
  let extracted: string;
  try {
    extracted = await emailToText(input.EmailSubject, input.EmailBody);
  } catch (error) {
    // Only the error's name: a parser's message may quote the email.
    return { output: FALLBACK, outcome: "text-error", textBytes: 0, truncated: false, error: error instanceof Error ? error.name : typeof error };
  }
  const { text, truncated, bytes } = truncateUtf8(extracted, MAX_CLASSIFIER_TEXT_BYTES);
  if (!text.trim()) return { output: FALLBACK, outcome: "empty-text", textBytes: 0, truncated: false };

  let best: ClassScore | undefined;
  try {
    [best] = await backend.classify(text);
  } catch (error) {
    return { output: FALLBACK, outcome: "backend-error", textBytes: bytes, truncated, error: describe(error) };
  }
  if (!best) return { output: FALLBACK, outcome: "backend-error", textBytes: bytes, truncated, error: "backend returned no classes" };
  if (!(best.score >= 0 && best.score <= 1)) return { output: FALLBACK, outcome: "backend-error", textBytes: bytes, truncated, error: `backend returned the score ${best.score}` };

  const score = round(best.score);
  const common = { label: best.label, score, textBytes: bytes, truncated };
  const queue = Object.hasOwn(policy.topicQueues, best.label) ? policy.topicQueues[best.label] : undefined;
  if (queue === undefined) return { ...common, output: { QueueName: "", Confidence: score }, outcome: "not-a-topic" };
  if (best.score < policy.confidenceThreshold) return { ...common, output: { QueueName: "", Confidence: score }, outcome: "below-threshold" };
  return { ...common, output: { QueueName: queue, Confidence: score }, outcome: "routed" };
}
