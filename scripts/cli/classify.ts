/**
 * Classifies emails locally through the same core as the classify-email Lambda, with the
 * embedded model trained from corpus/email-intents.csv and the routing policy of an environment.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { classifyEmail } from "../../functions/email-routing/core/classify";
import { parseClassifyEmailInput } from "../../functions/email-routing/core/contract";
import { localEmailClassifier } from "../local/classifier";

const USAGE = `usage: npm run classify -- --subject <text> --body <text> [--env <name>]
       npm run classify [-- --env <name>] < emails.jsonl

Classifies emails with the embedded model and the routing policy of an environment (default dev), through
the classify-email Lambda's core. Prints one JSON result {"QueueName","Confidence"} per email.

With --subject/--body: one email. Otherwise stdin holds one {"EmailSubject","EmailBody"} object per line:
one output line per input line, in order; blank lines are skipped; a line that is not valid JSON or not
that object gets {"line","error"} in its place, and the run ends with exit status 1 after the last line.`;

interface Options {
  readonly subject?: string;
  readonly body?: string;
  readonly env: string;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      subject: { type: "string" },
      body: { type: "string" },
      env: { type: "string", default: "dev" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  return { subject: values.subject, body: values.body, env: values.env, help: values.help };
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const single = options.subject !== undefined || options.body !== undefined;
  if (!single && process.stdin.isTTY) {
    console.error(`nothing to classify: give --subject/--body, or pipe JSON lines in\n\n${USAGE}`);
    return 2;
  }

  const { backend, policy } = localEmailClassifier(options.env);
  const classify = async (input: Parameters<typeof classifyEmail>[0]) => JSON.stringify((await classifyEmail(input, backend, policy)).output);

  if (single) {
    const parsed = parseClassifyEmailInput({ EmailSubject: options.subject ?? "", EmailBody: options.body ?? "" });
    if ("problems" in parsed) {
      console.error(`invalid email: ${parsed.problems.join("; ")}`);
      return 1;
    }
    console.log(await classify(parsed.input));
    return 0;
  }

  const invalid: number[] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    if (!line.trim()) continue;
    let candidate: unknown;
    try {
      candidate = JSON.parse(line);
    } catch (error) {
      invalid.push(lineNumber);
      console.log(JSON.stringify({ line: lineNumber, error: `not valid JSON: ${(error as Error).message}` }));
      continue;
    }
    const parsed = parseClassifyEmailInput(candidate);
    if ("problems" in parsed) {
      invalid.push(lineNumber);
      console.log(JSON.stringify({ line: lineNumber, error: `invalid input: ${parsed.problems.join("; ")}` }));
      continue;
    }
    console.log(await classify(parsed.input));
  }
  if (invalid.length > 0) {
    console.error(`${invalid.length} invalid input line${invalid.length === 1 ? "" : "s"} (line${invalid.length === 1 ? "" : "s"} ${invalid.join(", ")}); the other lines were classified`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
