/**
 * Two stacks deploying the cloud side of one environment into one account must not collide:
 * the first AWS resource of the environment is an SSM parameter naming the owning stack, which
 * SSM refuses to create twice, and every other AWS resource waits for it — so a second stack
 * stops before it creates, or takes over, anything (roles, queues, a bucket's notifications).
 */
import * as pulumi from '@pulumi/pulumi';
import { installMocks, one, recorded, settle } from '../support/pulumi-mocks';

installMocks('prod');
/* eslint-disable @typescript-eslint/no-require-imports */
const { deployCloud, ownerParameterName } = require('../../lib/platform/cloud') as typeof import('../../lib/platform/cloud');
const { HybridPlatform } = require('../../lib/platform/hybrid-platform') as typeof import('../../lib/platform/hybrid-platform');
const { parseSpec } = require('../../lib/spec/parse') as typeof import('../../lib/spec/parse');
const { referenceSpec } = require('../../stacks/reference') as typeof import('../../stacks/reference');
/* eslint-enable @typescript-eslint/no-require-imports */

const byName = (urn: string) => urn.split('::').pop()!;

/** Resource name → names it depends on (dependsOn and inputs that are other resources' outputs), as the engine receives them. */
const dependencies = new Map<string, Set<string>>();
const types = new Map<string, string>();

beforeAll(async () => {
  // The mock monitor sees each registration request: record its dependency lists.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    const deps = new Set<string>(req.getDependenciesList().map(byName));
    for (const [, list] of req.getPropertydependenciesMap().entries()) for (const d of list.getUrnsList()) deps.add(byName(d));
    dependencies.set(req.getName(), deps);
    types.set(req.getName(), req.getType());
    return register(req, cb);
  };
  deployCloud(new HybridPlatform(parseSpec(referenceSpec), 'prod'));
  await settle();
});

function reaches(name: string, target: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  return [...(dependencies.get(name) ?? [])].some((d) => d === target || reaches(d, target, seen));
}

test('the environment has one owner parameter, named after platform and environment, holding the stack', () => {
  const lock = one('aws:ssm/parameter:Parameter');
  expect(lock.inputs).toMatchObject({ name: ownerParameterName('acme', 'prod'), type: 'String' });
  // the provider marks a parameter's value secret: the mocks see it wrapped
  expect(JSON.stringify(lock.inputs.value)).toContain('"hybrid-serverless/prod"');
  expect(lock.inputs.name).toBe('/hybrid-serverless/acme/prod/cloud-owner');
  expect(lock.inputs.overwrite).toBeUndefined();
});

test('every other AWS resource of the environment waits for it', () => {
  const aws = [...types.entries()].filter(([, t]) => t.startsWith('aws:') && t !== 'aws:ssm/parameter:Parameter');
  expect(aws.length).toBeGreaterThan(15);
  expect(recorded.filter((r) => r.type.startsWith('aws:')).length).toBe(aws.length + 1);
  const waiting = aws.filter(([name]) => !reaches(name, 'acme-prod-cloud-owner')).map(([name]) => name);
  expect(waiting).toEqual([]);
});
