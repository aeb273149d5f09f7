/**
 * Tier 2: the output applied to a real kube-apiserver on 127.0.0.1 (scripts/control-plane.sh).
 * One control plane per environment, started and stopped by each test file; run in band.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 600000,
};
