import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { MAX_PLAN_CHARS, planCommentBody, planMarker, planSummary, upsertPlanComment } from "../../scripts/ci/plan-comment";

interface Comment {
  id: number;
  body: string;
  user: { type: string };
}

/** GitHub's issue-comment endpoints, in memory, with its 100-per-page pagination. */
class FakeGithub {
  readonly comments: Comment[] = [];
  readonly requests: string[] = [];
  private server?: Server;
  private nextId = 1;
  failWith?: number;

  add(body: string, type = "User"): Comment {
    const comment = { id: this.nextId++, body, user: { type } };
    this.comments.push(comment);
    return comment;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    this.requests.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== "Bearer token-123") return [401, { message: "Bad credentials" }];
    if (this.failWith) return [this.failWith, { message: "nope" }];
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url!, "http://x");
    const list = /^\/repos\/acme\/gcx\/issues\/7\/comments$/.exec(url.pathname);
    const one = /^\/repos\/acme\/gcx\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === "GET") {
      const page = Number(url.searchParams.get("page"));
      const size = Number(url.searchParams.get("per_page"));
      return [200, this.comments.slice((page - 1) * size, page * size)];
    }
    if (list && req.method === "POST") return [201, this.add((JSON.parse(raw) as { body: string }).body, "Bot")];
    if (one && req.method === "PATCH") {
      const comment = this.comments.find((c) => c.id === Number(one[1]));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = (JSON.parse(raw) as { body: string }).body;
      return [200, comment];
    }
    return [404, { message: "Not Found" }];
  }
}

const PLAN = `Terraform will perform the following actions:\n\n  # aws_sqs_queue.q will be created\n\nPlan: 3 to add, 1 to change, 0 to destroy.\n`;

describe("the plan comment", () => {
  it("summarizes the plan under a hidden marker, in a fence the plan cannot close", () => {
    const body = planCommentBody({ environment: "dev", planText: "x ```` y\n" + PLAN, outcome: "success", runUrl: "https://github.com/acme/gcx/actions/runs/1", sha: "0123456789abcdef" });
    expect(body.split("\n").slice(0, 3)).toEqual([planMarker("dev"), "### Plan of `dev`: 3 to add, 1 to change, 0 to destroy", "Commit 0123456 · [workflow run](https://github.com/acme/gcx/actions/runs/1)"]);
    expect(body).toContain("\n`````text\nx ```` y\n");
    expect(planSummary("No changes. Your infrastructure matches the configuration.")).toBe("no changes");
    expect(planSummary("Error: boom")).toBeUndefined();
  });

  it("says plainly when the plan failed or never ran, and keeps the output's end when it is too long", () => {
    const failed = planCommentBody({ environment: "prod", planText: "a".repeat(MAX_PLAN_CHARS + 500) + "\nError: Error acquiring the state lock", outcome: "failure", runUrl: "u", sha: "abcdef0" });
    expect(failed).toContain("### Plan of `prod` failed");
    expect(failed).toContain("characters cut: the whole plan is in the run's log");
    expect(failed).toContain("Error: Error acquiring the state lock");
    expect(failed.length).toBeLessThan(65_536);
    expect(planCommentBody({ environment: "prod", planText: "", outcome: "missing", runUrl: "u", sha: "abcdef0" })).toContain("### Plan of `prod` did not run");
  });

  describe("against GitHub's API", () => {
    const github = new FakeGithub();
    let target: { apiUrl: string; repository: string; issueNumber: number; token: string };
    beforeAll(async () => {
      target = { apiUrl: await github.start(), repository: "acme/gcx", issueNumber: 7, token: "token-123" };
    });
    afterAll(() => github.stop());

    it("creates one comment per environment, then edits it on every push, past the first page, ignoring people's comments", async () => {
      github.add(`${planMarker("dev")}\nquoted by a person`, "User");
      for (let i = 0; i < 120; i++) github.add(`review comment ${i}`, i % 2 ? "User" : "Bot");
      const first = await upsertPlanComment(target, "dev", `${planMarker("dev")}\nfirst`);
      const prod = await upsertPlanComment(target, "prod", `${planMarker("prod")}\nprod`);
      const second = await upsertPlanComment(target, "dev", `${planMarker("dev")}\nsecond`);
      expect(first.action).toBe("created");
      expect(prod.action).toBe("created");
      expect(second).toEqual({ action: "updated", id: first.id });
      const devComments = github.comments.filter((c) => c.user.type === "Bot" && c.body.startsWith(planMarker("dev")));
      expect(devComments.map((c) => c.body)).toEqual([`${planMarker("dev")}\nsecond`]);
      expect(github.comments[0]!.body).toBe(`${planMarker("dev")}\nquoted by a person`);
      expect(github.requests.filter((r) => r.startsWith("GET")).length).toBeGreaterThan(3);
    });

    it("fails loudly when GitHub refuses", async () => {
      github.failWith = 403;
      await expect(upsertPlanComment(target, "dev", "x")).rejects.toThrow(/GitHub GET \/repos\/acme\/gcx\/issues\/7\/comments\?per_page=100&page=1: 403/);
      github.failWith = undefined;
      await expect(upsertPlanComment({ ...target, token: "wrong" }, "dev", "x")).rejects.toThrow(/401/);
    });
  });
});
