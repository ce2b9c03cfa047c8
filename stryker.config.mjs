// StrykerJS (`pnpm mutation`; CI does not run it: too slow for a shared 2-core machine).
// Mutates the Certificate Provisioning Service handler and judges each mutant with the conformance suite's
// CertProv checks against the embedded reference target (conformance/test/mutation/certprov.mutation.ts).
// Scope: one handler file, one test, concurrency 1, so a run finishes in well under an hour here.
// Score and surviving mutants: README "Mutation score".
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'conformance/vitest.mutation.config.ts', dir: 'conformance' },
  // The request pipeline up to issuance (was handler.ts lines 207-294 before the pipeline split).
  mutate: [
    'packages/certprov/src/internal/handler.ts',
    ...['read', 'authenticate', 'device-id', 'entity', 'csr-policy', 'validity'].map((s) => `packages/certprov/src/internal/get-and-publish-cert/${s}.ts`),
  ],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 60_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/certprov-handler.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['bench', 'docs', '**/dist', '.turbo', 'reports'],
  thresholds: { high: 80, low: 60, break: null },
};
