/**
 * Tier 3: the real Pulumi engine (scripts/pulumi-engine.sh) deploying onto the real control
 * plane of tier 2 (scripts/control-plane.sh). Run in band.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/pulumi-engine'],
  testMatch: ['**/*.pulumi.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 1200000,
};
