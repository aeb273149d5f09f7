/**
 * Least privilege over the offline plan: every IAM policy document the program would deploy,
 * for every environment of the reference stack and of the examples, names its actions and
 * resources (iamProblems); the only `*` resources are the actions AWS defines without
 * resource-level permissions.
 */
import * as path from 'path';
import { iamProblems, planProgram, stackConfig, type Plan, type PlannedResource } from '../../lib/pulumi/plan';
import { runProgram } from '../../lib/pulumi/program';
import { referenceSpec } from '../../stacks/reference';
import { UNSCOPABLE_ACTIONS } from '../../lib/aws/iam/policy';

const ROOT = path.resolve(__dirname, '../..');

const resource = (policies: PlannedResource['policies']): PlannedResource => ({
  type: 'aws:iam/rolePolicy:RolePolicy',
  name: 'x-policy',
  group: 'cloud',
  custom: true,
  remote: false,
  dependsOn: [],
  policies,
});

describe('iamProblems', () => {
  test('finds wildcard actions, "*" resources of scopable actions and ARNs with a wildcard region or account; Describe* and Deny pass', () => {
    const plan = {
      resources: [
        resource({
          policy: {
            Statement: [
              { Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
              { Sid: 'Star', Effect: 'Allow', Action: ['*'], Resource: 'arn:aws:s3:::b' },
              { Sid: 'Put', Effect: 'Allow', Action: ['s3:PutObject'], Resource: '*' },
              { Sid: 'Msk', Effect: 'Allow', Action: ['kafka:DescribeClusterV2'], Resource: 'arn:aws:kafka:*:*:cluster/*' },
              { Sid: 'Describe', Effect: 'Allow', Action: Object.keys(UNSCOPABLE_ACTIONS), Resource: '*' },
              { Sid: 'Eni', Effect: 'Allow', Action: ['ec2:CreateNetworkInterface'], Resource: 'arn:aws:ec2:eu-west-1:123456789012:network-interface/*' },
              { Sid: 'NotFromCode', Effect: 'Deny', Action: ['ec2:*'], Resource: '*' },
            ],
          },
        }),
      ],
    };
    expect(iamProblems(plan)).toEqual([
      'aws:iam/rolePolicy:RolePolicy x-policy policy statement All: wildcard action "s3:*"',
      'aws:iam/rolePolicy:RolePolicy x-policy policy statement Star: wildcard action "*"',
      `aws:iam/rolePolicy:RolePolicy x-policy policy statement Put: "*" resource for s3:PutObject (only ${Object.keys(UNSCOPABLE_ACTIONS).join(', ')} may have it)`,
      'aws:iam/rolePolicy:RolePolicy x-policy policy statement Msk: resource "arn:aws:kafka:*:*:cluster/*" has a wildcard in its partition, service, region or account',
    ]);
  });
});

/** Every environment of the reference stack and of each example, cloud side only (the policies are there). */
// (three fields each: jest would take a missing third argument for a `done` callback)
const CASES: [label: string, env: string, specFile: string][] = [
  ...['dev', 'staging', 'prod', 'edge'].map((env): [string, string, string] => ['reference stack', env, '']),
  ...['dev', 'edge'].map((env): [string, string, string] => ['examples/minimal.platform.yaml', env, 'examples/minimal.platform.yaml']),
  ...['dev', 'prod', 'edge'].map((env): [string, string, string] => ['examples/openfaas-ce.platform.yaml', env, 'examples/openfaas-ce.platform.yaml']),
];

describe('the plan of every environment has no wildcard grant', () => {
  const plans: Plan[] = [];

  test.each(CASES)('%s, %s', async (_label, env, specFile) => {
    const config: Record<string, string> = {
      ...stackConfig(ROOT, env),
      'hybrid-serverless:environment': env,
      'hybrid-serverless:deployCluster': 'false',
      ...(specFile && { 'hybrid-serverless:specFile': path.join(ROOT, specFile) }),
    };
    // an example's region is its own, not the reference stack's Pulumi.<env>.yaml
    if (specFile) delete config['aws:region'];
    const plan = await planProgram({ root: ROOT, stack: env as never, config, load: () => runProgram(referenceSpec, { root: ROOT }) });
    plans.push(plan);
    expect(iamProblems(plan)).toEqual([]);
  });

  test('the check saw the policies: execution roles, trust policies and topic policies', () => {
    const documents = plans.flatMap((p) => p.resources.filter((r) => r.policies));
    expect(documents.some((r) => r.type === 'aws:iam/rolePolicy:RolePolicy')).toBe(true);
    expect(documents.some((r) => r.type === 'aws:iam/role:Role' && r.policies!.assumeRolePolicy)).toBe(true);
  });
});
