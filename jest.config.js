/**
 * Two lanes. `unit` (npm run test:unit): every test that neither synthesizes a stack, bundles a Lambda,
 * starts a CLI nor runs a whole workload, so it needs no esbuild and stays fast. `system`: the rest,
 * named by what they do: `*.synth.test.ts`, `*.bundle.test.ts`, `*.cli.test.ts`, and
 * `*.integration.test.ts` (many concurrent workers, a state machine run end to end). `npm test` runs both.
 */
const SYSTEM_TESTS = "\\.(synth|bundle|cli|integration)\\.test\\.ts$";

/** @type {import('jest').Config} */
const shared = {
  // Jest's node environment, putting back after each file what its modules installed on the globals it shares.
  testEnvironment: "<rootDir>/test/support/node-environment.ts",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  // Synth tests bundle Lambdas with esbuild; two workers fit the 2-core machines this runs on.
  maxWorkers: 2,
  // A worker that synthesized stacks (cdktf, the AWS provider, the SDKs) ends a file at 1.1-1.6 GB. Workers
  // past this limit are replaced between files: memory stays bounded on 2-core CI machines, and the workers
  // left at the end are small enough to exit within Jest's 500 ms, where a large one drew the warning
  // "A worker process has failed to exit gracefully" without any leak (--detectOpenHandles finds none).
  workerIdleMemoryLimit: "512MB",
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: [SYSTEM_TESTS],
      setupFilesAfterEnv: ["<rootDir>/test/setup.ts", "<rootDir>/test/support/unit-lane.ts"],
    },
    { ...shared, displayName: "system", testMatch: ["**/*.{synth,bundle,cli,integration}.test.ts"], setupFilesAfterEnv: ["<rootDir>/test/setup.ts"] },
  ],
};
