/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // ESM-only dependencies, bundled to CommonJS by the global setup.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  moduleNameMapper: { "^email-reply-parser$": "<rootDir>/node_modules/.cache/jest-esm/email-reply-parser.cjs" },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 60_000,
  // Synth tests bundle Lambdas with esbuild; two workers fit the 2-core machines this runs on.
  maxWorkers: 2,
};
