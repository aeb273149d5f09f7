import * as pulumi from '@pulumi/pulumi';
import { runProgram } from '../../lib/pulumi/program';
import type { PlatformSpecInput } from '../../lib/spec/platform';
import { referenceSpec } from '../../stacks/reference';

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, 'hybrid-serverless', 'prod', true);
});

describe('the Pulumi program on bad config', () => {
  test('invalid overrides in Pulumi.<env>.yaml stop the program with a RunError naming the config key, no stack trace', () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:overrides': JSON.stringify({ components: { kong: { replicas: 0 } } }), 'hybrid-serverless:deployCluster': 'false' });
    let error: unknown;
    try {
      runProgram(referenceSpec);
    } catch (e) {
      error = e;
    }
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('hybrid-serverless:overrides.components.kong.replicas: Too small: expected number to be >=1 (got 0)');
  });

  test("an environment the spec does not define is a RunError too, listing the spec's environments", () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'qa' });
    expect(() => runProgram(referenceSpec)).toThrow('hybrid-serverless:environment: must be an environment of the spec: dev, staging, prod, edge (it defaults to the stack name) (got "qa")');
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'QA_1' });
    expect(() => runProgram(referenceSpec)).toThrow('hybrid-serverless:environment: must be a DNS-1123 label');
  });
});

describe('the Pulumi program with free environment names', () => {
  const fleet: PlatformSpecInput = {
    ...referenceSpec,
    // exec is granted per environment name; these sites grant none
    tenants: referenceSpec.tenants.map(({ developerExec: _, ...t }) => t),
    environments: {
      'edge-berlin': { domain: 'berlin.acme.example', profile: 'edge' },
      'prod-eu': { domain: 'eu.acme.example', profile: 'prod' },
    },
  };

  test('deploys an environment of the spec by its name; its resources carry the name', () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'edge-berlin', 'hybrid-serverless:deployCloud': 'false' });
    expect(runProgram(fleet)).toMatchObject({ environment: 'edge-berlin', platform: 'acme', clusterLayers: ['platform', 'config', 'apps'] });
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'edge' });
    expect(() => runProgram(fleet)).toThrow('hybrid-serverless:environment: must be an environment of the spec: edge-berlin, prod-eu (it defaults to the stack name) (got "edge")');
  });

  test('an environment of the prod profile needs a named kube context, whatever its name', () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'prod-eu', 'hybrid-serverless:deployCloud': 'false' });
    expect(() => runProgram(fleet)).toThrow(
      'hybrid-serverless:kubeContext: is required for environment "prod-eu" (profile prod) (environments of the staging, prod profiles never deploy into whatever kubeconfig context is current)',
    );
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'prod-eu', 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:kubeContext': 'eu-cluster' });
    expect(runProgram(fleet)).toMatchObject({ environment: 'prod-eu' });
  });
});
