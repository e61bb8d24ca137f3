import { Testing } from "cdktf";

Testing.setupJest();
// Powertools prints structured logs and EMF metrics; tests that care inject their own recorders.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

/**
 * esbuild's JavaScript API keeps a service running between calls, unreferenced so that it never holds
 * a process open: a child process for `build()`, a worker thread for `buildSync()`. Under Jest each
 * file loads its own copy of esbuild, and a service left running kept that file's module registry
 * alive until the worker exited. Stop this file's services once its tests are done.
 */
afterAll(async () => {
  await jest.requireActual<typeof import("esbuild")>("esbuild").stop();
});
