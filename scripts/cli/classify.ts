/**
 * Classifies emails locally through the same core as the classify-email Lambda, with the
 * embedded model trained from corpus/email-intents.csv and the routing policy of an environment.
 *
 *   npm run classify -- --subject "Roth question" --body "Can I convert my traditional IRA?"
 *   npm run classify < emails.jsonl        # {"EmailSubject","EmailBody"} per line -> one result per line
 *   options: --env <name> (default dev)
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { classifyEmail } from "../../functions/email-routing/core/classify";
import { parseClassifyEmailInput } from "../../functions/email-routing/core/contract";
import { localEmailClassifier } from "../local/classifier";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { subject: { type: "string" }, body: { type: "string" }, env: { type: "string", default: "dev" } },
  });
  const { backend, policy } = localEmailClassifier(values.env);
  const classify = async (candidate: unknown): Promise<string> => {
    const parsed = parseClassifyEmailInput(candidate);
    if ("problems" in parsed) return JSON.stringify({ error: "invalid input", problems: parsed.problems });
    return JSON.stringify((await classifyEmail(parsed.input, backend, policy)).output);
  };

  if (values.subject !== undefined || values.body !== undefined) {
    console.log(await classify({ EmailSubject: values.subject ?? "", EmailBody: values.body ?? "" }));
    return;
  }
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    if (!line.trim()) continue;
    let candidate: unknown;
    try {
      candidate = JSON.parse(line);
    } catch {
      console.log(JSON.stringify({ error: `line ${lineNumber} is not valid JSON` }));
      continue;
    }
    console.log(await classify(candidate));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
