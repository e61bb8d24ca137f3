/**
 * Posts an environment's plan on its pull request as ONE comment, found again on every push by a
 * hidden marker and edited in place, so a pull request carries one current plan per environment.
 * Uses only Node's fetch and GitHub's REST API (issues comments), with the job's GITHUB_TOKEN.
 *
 * Usage (in the workflow): plan-comment.ts <environment> <plan.txt> <plan-outcome file>
 * Reads GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN, PR_NUMBER, RUN_URL, HEAD_SHA.
 */
import { existsSync, readFileSync } from "node:fs";

/** GitHub refuses comment bodies over 65,536 characters; the plan is cut to leave room for the frame. */
export const MAX_PLAN_CHARS = 60_000;

export function planMarker(environment: string): string {
  return `<!-- genesys-cx-intelligence plan: ${environment} -->`;
}

export type PlanOutcome = "success" | "failure" | "missing";

export interface PlanCommentInput {
  readonly environment: string;
  readonly planText: string;
  readonly outcome: PlanOutcome;
  readonly runUrl: string;
  readonly sha: string;
}

/** `Plan: 1 to add, 2 to change, 0 to destroy.` or `No changes.` from `terraform show` output. */
export function planSummary(planText: string): string | undefined {
  const plan = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(planText);
  if (plan) return `${plan[1]} to add, ${plan[2]} to change, ${plan[3]} to destroy`;
  return /No changes\./.test(planText) ? "no changes" : undefined;
}

export function planCommentBody({ environment, planText, outcome, runUrl, sha }: PlanCommentInput): string {
  const text = planText.length > MAX_PLAN_CHARS ? `… (${planText.length - MAX_PLAN_CHARS} characters cut: the whole plan is in the run's log)\n${planText.slice(-MAX_PLAN_CHARS)}` : planText;
  // A fence longer than any run of backticks in the plan, so the plan cannot close it.
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const title =
    outcome === "success"
      ? `### Plan of \`${environment}\`: ${planSummary(planText) ?? "see below"}`
      : outcome === "failure"
        ? `### Plan of \`${environment}\` failed`
        : `### Plan of \`${environment}\` did not run`;
  return [
    planMarker(environment),
    title,
    `Commit ${sha.slice(0, 7)} · [workflow run](${runUrl})`,
    "",
    `<details${outcome === "success" ? "" : " open"}><summary>${outcome === "success" ? "terraform show" : "output"}</summary>`,
    "",
    `${fence}text`,
    text.trimEnd() || "(no output: see the workflow run)",
    fence,
    "",
    "</details>",
  ].join("\n");
}

export interface GithubTarget {
  readonly apiUrl: string;
  readonly repository: string;
  readonly issueNumber: number;
  readonly token: string;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string;
  readonly user?: { readonly type?: string };
}

async function github<T>(target: GithubTarget, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${target.apiUrl}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${target.token}`,
      "x-github-api-version": "2022-11-28",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`GitHub ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Edits this environment's plan comment (the bot's comment holding the marker) or creates it. */
export async function upsertPlanComment(target: GithubTarget, environment: string, body: string): Promise<{ action: "created" | "updated"; id: number }> {
  const base = `/repos/${target.repository}/issues`;
  const marker = planMarker(environment);
  for (let page = 1; ; page++) {
    const comments = await github<IssueComment[]>(target, "GET", `${base}/${target.issueNumber}/comments?per_page=100&page=${page}`);
    const mine = comments.find((c) => c.user?.type === "Bot" && c.body?.startsWith(marker));
    if (mine) {
      await github(target, "PATCH", `${base}/comments/${mine.id}`, { body });
      return { action: "updated", id: mine.id };
    }
    if (comments.length < 100) break;
  }
  const created = await github<IssueComment>(target, "POST", `${base}/${target.issueNumber}/comments`, { body });
  return { action: "created", id: created.id };
}

async function main(): Promise<void> {
  const [environment, planFile, outcomeFile] = process.argv.slice(2);
  const need = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  if (!environment || !planFile || !outcomeFile) throw new Error("usage: plan-comment.ts <environment> <plan.txt> <plan-outcome file>");
  const outcome: PlanOutcome = existsSync(outcomeFile) && readFileSync(outcomeFile, "utf8").trim() === "success" ? "success" : existsSync(outcomeFile) ? "failure" : "missing";
  const body = planCommentBody({
    environment,
    planText: existsSync(planFile) ? readFileSync(planFile, "utf8") : "",
    outcome,
    runUrl: need("RUN_URL"),
    sha: need("HEAD_SHA"),
  });
  const target = { apiUrl: need("GITHUB_API_URL"), repository: need("GITHUB_REPOSITORY"), issueNumber: Number(need("PR_NUMBER")), token: need("GITHUB_TOKEN") };
  const result = await upsertPlanComment(target, environment, body);
  console.log(`${result.action} the plan comment of ${environment} (${result.id})`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`::error::${(error as Error).message}`);
    process.exit(1);
  });
}
