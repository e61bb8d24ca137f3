import { ClassifyDocumentCommand, ComprehendClient } from "@aws-sdk/client-comprehend";
import { ClassScore } from "./model";
import type { ClassifierBackend } from "./backend";

/** Comprehend names throttling differently per operation; ClassifyDocument may return either. */
const RETRYABLE = new Set(["ThrottlingException", "TooManyRequestsException", "InternalServerException"]);

export interface ComprehendBackendOptions {
  readonly client: Pick<ComprehendClient, "send">;
  readonly endpointArn: string;
  /** Total attempts, default 4 (full-jitter exponential backoff from 100 ms: at most 700 ms of waiting). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Real-time classification against a Comprehend custom classifier endpoint, retrying throttling. */
export function comprehendBackend(options: ComprehendBackendOptions): ClassifierBackend {
  const { client, endpointArn, maxAttempts = 4, baseDelayMs = 100, sleep = defaultSleep, random = Math.random } = options;
  return {
    name: "comprehend",
    async classify(text: string): Promise<ClassScore[]> {
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await client.send(new ClassifyDocumentCommand({ EndpointArn: endpointArn, Text: text }));
          return (response.Classes ?? [])
            .filter((c): c is { Name: string; Score: number } => typeof c.Name === "string" && typeof c.Score === "number")
            .map((c) => ({ label: c.Name, score: c.Score }))
            .sort((a, b) => b.score - a.score);
        } catch (error) {
          const name = (error as { name?: string }).name ?? "";
          if (!RETRYABLE.has(name) || attempt >= maxAttempts) throw error;
          await sleep(Math.floor(random() * baseDelayMs * 2 ** (attempt - 1)));
        }
      }
    },
  };
}

/** The backend over a Comprehend endpoint with a client of its own (the backend does the retrying). */
export function comprehendEndpointBackend(endpointArn: string): ClassifierBackend {
  return comprehendBackend({ client: new ComprehendClient({ maxAttempts: 1 }), endpointArn });
}
