/**
 * synth: CPU of synthesizing every environment, run as `cdktf synth` runs the app (cdktf.json), next
 * to the floor measured the same way in the same run: a trivial app with both providers and two
 * stacks (floors/synth-floor-app.ts).
 *   - unchanged: nothing changed since the last synth (the synth cache replays it)
 *   - warm: the app runs in full (SYNTH_CACHE=off) with every bundle and model in the build cache
 *   - cold: empty build cache, so every bundle and model is built (in parallel)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appCommand, cpuOfCommand, interleaved, Reporter } from "./support";

export const description = "synth CPU (unchanged, warm, cold) against the floor of a trivial two-stack app with both providers";

export function run(report: Reporter, runs = 5): void {
  const work = mkdtempSync(join(tmpdir(), "bench-synth-"));
  const outdir = (name: string) => ({ CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: join(work, name) });
  try {
    const app = appCommand();
    const floor = appCommand("scripts/bench/floors/synth-floor-app.ts");
    // Records the synth for the "unchanged" runs (and fills the build cache if it was empty).
    cpuOfCommand(app, { env: outdir("unchanged") });
    const wall: Record<string, number> = {};
    const measure = (key: string, command: string, env: Record<string, string>) => () => {
      const { cpuSeconds, wallSeconds } = cpuOfCommand(command, { env });
      wall[key] = (wall[key] ?? 0) + wallSeconds / runs;
      return cpuSeconds;
    };
    const cpu = interleaved(runs, {
      floor: measure("floor", floor, outdir("floor")),
      unchanged: measure("unchanged", app, outdir("unchanged")),
      warm: measure("warm", app, { ...outdir("warm"), SYNTH_CACHE: "off" }),
    });
    const cold = cpuOfCommand(app, { env: { ...outdir("cold"), SYNTH_CACHE: "off", BUILD_CACHE_DIR: join(work, "empty-cache") } });

    report.heading(`synth of every environment, as cdktf.json runs it (${app}); CPU user+system, median of ${runs}`);
    report.figure("synth_floor_cpu_seconds", cpu.floor, "s", "floor: trivial app, both providers, two stacks");
    report.figure("synth_unchanged_cpu_seconds", cpu.unchanged, "s", "nothing changed since the last synth (replayed)");
    report.figure("synth_warm_cpu_seconds", cpu.warm, "s", "app run in full, bundles and models cached");
    report.figure("synth_cold_cpu_seconds", cold.cpuSeconds, "s", "empty build cache (one run)");
    report.figure("synth_unchanged_to_floor", cpu.unchanged / cpu.floor, "x", "unchanged / floor");
    report.figure("synth_warm_to_floor", cpu.warm / cpu.floor, "x", "warm / floor");
    report.figure("synth_cold_to_floor", cold.cpuSeconds / cpu.floor, "x", "cold / floor");
    report.figure("synth_unchanged_wall_seconds", wall.unchanged!, "s", "unchanged, wall (mean)");
    report.figure("synth_warm_wall_seconds", wall.warm!, "s", "warm, wall (mean)");
    report.figure("synth_cold_wall_seconds", cold.wallSeconds, "s", "cold, wall");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
