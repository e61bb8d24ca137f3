/**
 * `npm run bench [-- [--json] [section...]]`: the project's speed and size figures, printed, never
 * asserted. Each section measures its own floor or reference in the same run and prints ratios
 * against it, so figures from a loaded machine still compare.
 *
 * Human-readable rows by default; with --json, one line per figure:
 *   {"section":"synth","figure":"synth_unchanged_to_floor","value":0.61,"unit":"x"}
 * Sections (one module each): synth, bundles, classifier, identity, documents.
 */
import * as bundles from "./bundles";
import * as classifier from "./classifier";
import * as documents from "./documents";
import * as identity from "./identity";
import { reporter, Reporter } from "./support";
import * as synth from "./synth";

interface Section {
  readonly description: string;
  run(report: Reporter): unknown;
}

const SECTIONS: Record<string, Section> = { synth, bundles, classifier, identity, documents };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const chosen = args.filter((a) => a !== "--json");
  const unknown = chosen.filter((s) => !(s in SECTIONS));
  if (unknown.length) {
    throw new Error(`unknown bench section(s) ${unknown.join(", ")}; choose from:\n${Object.entries(SECTIONS).map(([n, s]) => `  ${n}: ${s.description}`).join("\n")}`);
  }
  if (!json) console.log(`bench on node ${process.version}, ${process.platform}/${process.arch}, load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (chosen.length === 0 || chosen.includes(name)) await section.run(reporter(name, json));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
