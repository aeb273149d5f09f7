/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tiers 2 and 3 (a real API server, the real Pulumi engine) run with `npm run test:cluster` and `npm run test:pulumi`
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/pulumi-engine/'],
  // swc strips types only; `npm test` type-checks the whole project once with tsc first.
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120000,
  // One worker per core: jest's default keeps a core for its parent process, which only waits
  // (on 2 cores that is a single worker).
  maxWorkers: '100%',
  // the CRD index the validators read, parsed once per run instead of once per test file
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // …and a temp folder for the run (TMPDIR), removed at the end: nothing is left in /tmp.
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
