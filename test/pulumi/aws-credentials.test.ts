import * as pulumi from '@pulumi/pulumi';
import { runProgram } from '../../lib/pulumi/program';
import { referenceSpec } from '../../stacks/reference';
import { recordPulumiResources } from '../support/pulumi-mocks';

const registered = recordPulumiResources('dev');
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("the explicit AWS providers follow the stack's aws: credentials", () => {
  test('profile, roles to assume and credential files reach every AWS provider', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({
      'hybrid-serverless:deployCluster': 'false',
      'aws:profile': 'acme-dev',
      'aws:assumeRoles': JSON.stringify([{ roleArn: 'arn:aws:iam::123456789012:role/deployer', sessionName: 'pulumi' }]),
      'aws:sharedCredentialsFiles': JSON.stringify(['/home/ci/.aws/credentials']),
    });
    runProgram(referenceSpec);
    await settle();
    const providers = registered.filter((r) => r.type === 'pulumi:providers:aws');
    expect(providers.length).toBeGreaterThan(0);
    for (const p of providers) {
      expect(p.inputs.profile).toBe('acme-dev');
      expect(JSON.parse(p.inputs.assumeRoles)).toEqual([{ roleArn: 'arn:aws:iam::123456789012:role/deployer', sessionName: 'pulumi' }]);
      expect(JSON.parse(p.inputs.sharedCredentialsFiles)).toEqual(['/home/ci/.aws/credentials']);
    }
  });

  test('without such config the providers carry only region, account guard and tags', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false' });
    runProgram(referenceSpec);
    await settle();
    for (const p of registered.filter((r) => r.type === 'pulumi:providers:aws')) {
      expect(p.inputs.profile).toBeUndefined();
      expect(p.inputs.assumeRoles).toBeUndefined();
    }
  });
});
