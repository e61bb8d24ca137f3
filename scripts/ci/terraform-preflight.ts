/**
 * `cdktf diff|deploy|destroy` without terraform, or with another version than the pinned one, would
 * synthesize, then fail deep inside the CLI (`execvp(3) failed`, or terraform's own version error).
 * The CLI has no hook before it runs terraform; the one thing it always runs first is the app
 * (`npx tsx main.ts`, from cdktf.json), with the same environment for every command. So the app
 * looks up its ancestors for the cdktf process, reads the command from its arguments, and when that
 * command runs terraform, checks terraform first and stops with one line saying what to install.
 * `cdktf synth` and `npm start` (no cdktf ancestor) never need terraform and are never stopped.
 * Where the ancestry cannot be read (no /proc and no `ps`, e.g. Windows) the check is skipped.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { TERRAFORM_INSTALL_URL, TERRAFORM_VERSION } from "../../config/terraform";

/** cdktf commands that run terraform (`cdktf --help`: aliases apply, plan, outputs). */
export const TERRAFORM_COMMANDS: ReadonlySet<string> = new Set(["deploy", "apply", "diff", "plan", "destroy", "output", "outputs", "watch"]);

export interface ProcessInfo {
  readonly ppid: number;
  readonly argv: readonly string[];
}
export type ProcessReader = (pid: number) => ProcessInfo | undefined;

/** Linux: /proc (exact arguments); elsewhere `ps`, whose arguments are split on spaces (UNCONFIRMED on macOS: tested on Linux only). */
export const readProcess: ProcessReader = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return Number.isInteger(ppid) ? { ppid, argv } : undefined;
  } catch {
    const ps = spawnSync("ps", ["-o", "ppid=,command=", "-p", String(pid)], { encoding: "utf8", timeout: 5000 });
    const match = ps.status === 0 ? /^\s*(\d+)\s+(.*)$/.exec(ps.stdout.trim()) : null;
    return match ? { ppid: Number(match[1]), argv: match[2]!.split(/\s+/) } : undefined;
  }
};

/** The cdktf command in one process's arguments (`cdktf diff dev`, `npx cdktf deploy`, `node .../bin/cdktf destroy`). */
export function cdktfCommandOf(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((arg) => ["cdktf", "cdktf.js"].includes(basename(arg)));
  if (at < 0) return undefined;
  return argv.slice(at + 1).find((arg) => !arg.startsWith("-"));
}

/** Walks up from `pid` to the first process that is a cdktf invocation, and returns its command. */
export function findCdktfCommand(pid: number, read: ProcessReader = readProcess, maxDepth = 16): string | undefined {
  for (let depth = 0, current = pid; depth < maxDepth && current > 1; depth++) {
    const info = read(current);
    if (!info) return undefined;
    const command = cdktfCommandOf(info.argv);
    if (command !== undefined) return command;
    current = info.ppid;
  }
  return undefined;
}

export type TerraformProbe = { readonly found: true; readonly version: string | undefined } | { readonly found: false };

/** Runs `<binary> version -json`, as the cdktf CLI does (TERRAFORM_BINARY_NAME, default `terraform`). */
export function probeTerraform(binary = process.env.TERRAFORM_BINARY_NAME || "terraform"): TerraformProbe {
  const result = spawnSync(binary, ["version", "-json"], { encoding: "utf8", timeout: 30_000 });
  if (result.error) return { found: false };
  try {
    const version = (JSON.parse(result.stdout) as { terraform_version?: unknown }).terraform_version;
    return { found: true, version: typeof version === "string" ? version : undefined };
  } catch {
    return { found: true, version: undefined };
  }
}

/** One line saying what to install, or undefined when the terraform found is the pinned one. */
export function terraformProblem(command: string, probe: TerraformProbe, required = TERRAFORM_VERSION): string | undefined {
  const install = `install terraform ${required} (${TERRAFORM_INSTALL_URL}, or \`tenv tf install ${required}\`)`;
  if (!probe.found) return `cdktf ${command} needs terraform ${required}, and there is no terraform on the PATH: ${install}.`;
  if (probe.version === required) return undefined;
  const found = probe.version ? `terraform ${probe.version} is installed` : "the installed terraform does not say its version";
  return `cdktf ${command} needs terraform ${required} (the version this project pins: S3 state locking needs >= 1.11), but ${found}: ${install}.`;
}

/** Called first by main.ts: stops the app, and with it `cdktf diff|deploy|destroy`, when terraform would fail. */
export function requireTerraformForCdktfCommand(read: ProcessReader = readProcess, probe: () => TerraformProbe = probeTerraform): void {
  const command = findCdktfCommand(process.ppid, read);
  if (command === undefined || !TERRAFORM_COMMANDS.has(command)) return;
  const problem = terraformProblem(command, probe());
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
