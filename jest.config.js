/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tier 2 (a real API server) runs with `npm run test:cluster` (jest.cluster.config.js)
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  // swc strips types only; `npm test` type-checks the whole project once with tsc first.
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120000,
};
