/**
 * Two lanes. `unit` (npm run test:unit): every test that neither synthesizes a stack, bundles a Lambda
 * nor starts a CLI, so it needs no esbuild and stays fast. `system`: the rest, named by what they do:
 * `*.synth.test.ts`, `*.bundle.test.ts`, `*.cli.test.ts`. `npm test` runs both.
 */
const SYSTEM_TESTS = "\\.(synth|bundle|cli)\\.test\\.ts$";

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // ESM-only dependencies, bundled to CommonJS by the global setup.
  moduleNameMapper: { "^email-reply-parser$": "<rootDir>/node_modules/.cache/jest-esm/email-reply-parser.cjs" },
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  // Synth tests bundle Lambdas with esbuild; two workers fit the 2-core machines this runs on.
  maxWorkers: 2,
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: [SYSTEM_TESTS],
      setupFilesAfterEnv: ["<rootDir>/test/setup.ts", "<rootDir>/test/support/unit-lane.ts"],
    },
    { ...shared, displayName: "system", testMatch: ["**/*.{synth,bundle,cli}.test.ts"], setupFilesAfterEnv: ["<rootDir>/test/setup.ts"] },
  ],
};
