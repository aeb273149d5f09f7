import * as pulumi from '@pulumi/pulumi';
import { runProgram } from '../../lib/pulumi/program';
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

  test('an environment that is not one of the four is a RunError too', () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'qa' });
    expect(() => runProgram(referenceSpec)).toThrow('hybrid-serverless:environment: must be one of dev, staging, prod, edge (it defaults to the stack name) (got "qa")');
  });
});
