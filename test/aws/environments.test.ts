/** The same spec gives every environment its own cloud side, sized by its profile. */
import { installMocks, ofType, settle, valueOf } from '../support/pulumi-mocks';

installMocks('all');
/* eslint-disable @typescript-eslint/no-require-imports */
const { deployCloud } = require('../../lib/platform/cloud') as typeof import('../../lib/platform/cloud');
const { HybridPlatform } = require('../../lib/platform/hybrid-platform') as typeof import('../../lib/platform/hybrid-platform');
const { parseSpec } = require('../../lib/spec/parse') as typeof import('../../lib/spec/parse');
const { referenceSpec } = require('../../stacks/reference') as typeof import('../../stacks/reference');
/* eslint-enable @typescript-eslint/no-require-imports */

const ENVS = ['dev', 'staging', 'prod', 'edge'] as const;
const outputs: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  const spec = parseSpec(referenceSpec);
  for (const env of ENVS) outputs[env] = deployCloud(new HybridPlatform(spec, env), { codeRoot: process.cwd() });
  await settle();
});

test('log retention follows the profile (rounded up to what CloudWatch accepts), the budget the profile and overrides', () => {
  const retention = Object.fromEntries(ofType('aws:cloudwatch/logGroup:LogGroup').map((r) => [r.inputs.name, r.inputs.retentionInDays]));
  expect(retention).toEqual({ '/aws/lambda/acme-dev-thumbnail': 3, '/aws/lambda/acme-staging-thumbnail': 14, '/aws/lambda/acme-prod-thumbnail': 90, '/aws/lambda/acme-edge-thumbnail': 3 });
  const budgets = Object.fromEntries(ofType('aws:budgets/budget:Budget').map((r) => [r.inputs.name, [r.inputs.limitAmount, r.inputs.notifications.length]]));
  expect(budgets).toEqual({ 'acme-dev-monthly': ['200.00', 3], 'acme-staging-monthly': ['1000.00', 4], 'acme-prod-monthly': ['8000.00', 4], 'acme-edge-monthly': ['50.00', 3] });
});

test('names never collide between environments sharing an account', () => {
  for (const type of ['aws:lambda/function:Function', 'aws:iam/role:Role', 'aws:sqs/queue:Queue', 'aws:sns/topic:Topic', 'aws:cloudwatch/metricAlarm:MetricAlarm', 'aws:budgets/budget:Budget']) {
    const names = ofType(type).map((r) => r.inputs.name);
    expect(names.length).toBeGreaterThanOrEqual(ENVS.length);
    expect(new Set(names).size).toBe(names.length);
  }
});

test('the same code gives the same package hash in every environment', async () => {
  const hashes = new Set(ofType('aws:lambda/function:Function').map((r) => r.inputs.sourceCodeHash));
  expect(hashes.size).toBe(1);
  expect(await Promise.all(Object.values(outputs).map((o) => valueOf(o.budgetName as string)))).toEqual(['acme-dev-monthly', 'acme-staging-monthly', 'acme-prod-monthly', 'acme-edge-monthly']);
});

test('each environment gets its own bucket from "acme-{env}-media-uploads": notifications, grants and the function’s variable', () => {
  const notified = ofType('aws:s3/bucketNotification:BucketNotification').map((r) => r.inputs.bucket);
  expect(notified).toEqual(ENVS.map((e) => `acme-${e}-media-uploads`));
  const variables = Object.fromEntries(ofType('aws:lambda/function:Function').map((r) => [r.inputs.name, r.inputs.environment.variables.SOURCE_BUCKET]));
  expect(variables['acme-dev-thumbnail']).toBe('acme-dev-media-uploads');
  expect(variables['acme-prod-thumbnail']).toBe('acme-prod-media-uploads');
  const topicSources = ofType('aws:sns/topicPolicy:TopicPolicy', (r) => r.name.includes('-s3-')).map((r) => JSON.parse(r.inputs.policy).Statement[0].Condition.ArnEquals['aws:SourceArn']);
  expect(topicSources).toEqual(ENVS.map((e) => `arn:aws:s3:::acme-${e}-media-uploads`));
  const writes = ofType('aws:iam/rolePolicy:RolePolicy', (r) => r.name.endsWith('thumbnail-policy')).map(
    (r) => JSON.parse(r.inputs.policy).Statement.find((s: { Sid: string }) => s.Sid === 'S3Write0').Resource,
  );
  expect(writes).toEqual(ENVS.map((e) => `arn:aws:s3:::acme-${e}-media-uploads/thumbnails/*`));
});
