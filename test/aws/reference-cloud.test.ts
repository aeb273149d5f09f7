/**
 * The cloud side of the reference stack (seed 000's S3 → SNS → thumbnail Lambda, routed by
 * Kong), as `pulumi up` would register it for prod, under Pulumi mocks.
 */
import * as pulumi from '@pulumi/pulumi';
import { installMocks, one, ofType, providerTags, recorded, settle, valueOf, type Recorded } from '../support/pulumi-mocks';

installMocks('prod');
/* eslint-disable @typescript-eslint/no-require-imports */
const { deployCloud } = require('../../lib/platform/cloud') as typeof import('../../lib/platform/cloud');
const { HybridPlatform } = require('../../lib/platform/hybrid-platform') as typeof import('../../lib/platform/hybrid-platform');
const { parseSpec } = require('../../lib/spec/parse') as typeof import('../../lib/spec/parse');
const { referenceSpec } = require('../../stacks/reference') as typeof import('../../stacks/reference');
const { bundleCode } = require('../../lib/aws/lambda/code-bundle') as typeof import('../../lib/aws/lambda/code-bundle');
/* eslint-enable @typescript-eslint/no-require-imports */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const FN = 'acme-prod-thumbnail';
const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${FN}-dlq`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${FN}-s3-1`;
const ALERTS_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:acme-prod-alerts`;
// The reference stack's `acme-{env}-media-uploads`, resolved for prod.
const BUCKET = 'acme-prod-media-uploads';

let outputs: Record<string, unknown>;
let platform: InstanceType<typeof HybridPlatform>;
const policyOf = (r: Recorded) => JSON.parse(r.inputs.policy);
const awsResources = () => recorded.filter((r) => r.type.startsWith('aws:'));

beforeAll(async () => {
  platform = new HybridPlatform(parseSpec(referenceSpec), 'prod');
  outputs = deployCloud(platform);
  await settle();
});

describe('thumbnail Lambda (prod)', () => {
  const fn = () => one('aws:lambda/function:Function');

  test('function: deterministic name, arm64, memory and timeout from the spec, code hash of the deterministic zip', () => {
    const f = fn().inputs;
    const bundle = bundleCode({ path: 'stacks/functions/thumbnail', handler: 'index.handler', runtime: 'nodejs22.x' });
    expect(f).toMatchObject({
      name: FN,
      architectures: ['arm64'],
      memorySize: 512,
      timeout: 60,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      packageType: 'Zip',
      publish: true,
      sourceCodeHash: bundle.sha256,
      loggingConfig: { logFormat: 'JSON', logGroup: `/aws/lambda/${FN}` },
      environment: { variables: { SOURCE_BUCKET: BUCKET, SOURCE_PREFIX: 'uploads/', THUMBNAIL_PREFIX: 'thumbnails/' } },
    });
  });

  test('log group with the prod retention (90 days)', () => {
    expect(one('aws:cloudwatch/logGroup:LogGroup').inputs).toMatchObject({ name: `/aws/lambda/${FN}`, retentionInDays: 90 });
  });

  test('live alias with provisioned concurrency from the "warm" preset', () => {
    expect(one('aws:lambda/alias:Alias').inputs).toMatchObject({ name: 'live', functionName: FN, functionVersion: '1' });
    expect(one('aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig').inputs).toEqual(
      expect.objectContaining({ functionName: FN, qualifier: 'live', provisionedConcurrentExecutions: 1 }),
    );
  });

  test('asynchronous invocations: 2 retries, 6 h max age, failures to the SQS dead-letter queue', () => {
    expect(one('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig').inputs).toMatchObject({
      functionName: FN,
      qualifier: 'live',
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: DLQ_ARN } },
    });
    expect(one('aws:sqs/queue:Queue', (q) => q.inputs.name === `${FN}-dlq`).inputs).toMatchObject({ messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true });
  });

  test('execution role: Lambda trust, and exactly these statements (no wildcard action, specific ARNs)', () => {
    const role = one('aws:iam/role:Role', (r) => r.inputs.name === `${FN}-exec`);
    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const policy = policyOf(one('aws:iam/rolePolicy:RolePolicy', (r) => r.name === 'acme-prod-thumbnail-policy'));
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${FN}:log-stream:*` },
        { Sid: 'DeadLetterQueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: DLQ_ARN },
        { Sid: 'S3Write0', Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/thumbnails/*` },
        { Sid: 'S3Read1', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${BUCKET}/uploads/*.jpg` },
      ],
    });
  });

  test('S3 → SNS → Lambda: topic only S3 of that bucket and account may publish to, subscription on the alias with a redrive to the DLQ', () => {
    expect(one('aws:sns/topic:Topic', (t) => t.inputs.name === `${FN}-s3-1`)).toBeDefined();
    expect(policyOf(one('aws:sns/topicPolicy:TopicPolicy', (p) => p.name === `${FN}-s3-1-policy`))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'S3Publish',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: TOPIC_ARN,
          Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:s3:::${BUCKET}` }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ],
    });
    const sub = one('aws:sns/topicSubscription:TopicSubscription', (s) => s.inputs.protocol === 'lambda').inputs;
    expect(sub.endpoint).toBe(`${FN_ARN}:live`);
    expect(JSON.parse(sub.redrivePolicy)).toEqual({ deadLetterTargetArn: DLQ_ARN });
    expect(one('aws:lambda/permission:Permission').inputs).toMatchObject({ action: 'lambda:InvokeFunction', function: FN, qualifier: 'live', principal: 'sns.amazonaws.com', sourceArn: TOPIC_ARN });
    // SNS may put undeliverable events into the DLQ — only from this topic.
    expect(policyOf(one('aws:sqs/queuePolicy:QueuePolicy'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SnsDeadLetters',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: DLQ_ARN,
          Condition: { ArnEquals: { 'aws:SourceArn': [TOPIC_ARN] } },
        },
      ],
    });
  });

  test('the bucket notifies the topic for new .jpg objects under uploads/', () => {
    const n = one('aws:s3/bucketNotification:BucketNotification').inputs;
    expect(n.bucket).toBe(BUCKET);
    expect(n.topics).toEqual([{ id: `${FN}-s3-1`, topicArn: TOPIC_ARN, events: ['s3:ObjectCreated:*'], filterPrefix: 'uploads/', filterSuffix: '.jpg' }]);
    expect(n.lambdaFunctions).toBeUndefined();
  });

  test('no function URL unless asked', () => {
    expect(ofType('aws:lambda/functionUrl:FunctionUrl')).toHaveLength(0);
  });
});

describe('Kong IRSA role', () => {
  test("trusted only for Kong's service account tokens from the cluster's OIDC provider", () => {
    const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    const role = one('aws:iam/role:Role', (r) => r.inputs.name === 'acme-prod-kong-invoke');
    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KongServiceAccount',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kong:kong', [`${issuer}:aud`]: 'sts.amazonaws.com' } },
        },
      ],
    });
  });

  test('may invoke only the live alias of the routed Lambda function (not the unqualified name, i.e. not $LATEST)', () => {
    expect(policyOf(one('aws:iam/rolePolicy:RolePolicy', (r) => r.name === 'acme-prod-kong-invoke-policy'))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'InvokeRoutedFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [`${FN_ARN}:live`] }],
    });
  });

  test('the aws-lambda plugin (cluster side) invokes exactly the qualified ARN the role allows, which carries the provisioned concurrency', () => {
    const objects = platform.app.charts.flatMap((c) => c.toJson());
    const plugin = objects.find((o) => o.kind === 'KongPlugin' && o.plugin === 'aws-lambda');
    const { function_name, qualifier, aws_region } = plugin.config;
    const invoked = `arn:aws:lambda:${aws_region}:${ACCOUNT}:function:${function_name}:${qualifier}`;
    expect(policyOf(one('aws:iam/rolePolicy:RolePolicy', (r) => r.name === 'acme-prod-kong-invoke-policy')).Statement[0].Resource).toEqual([invoked]);
    const warm = one('aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig').inputs;
    expect(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${warm.functionName}:${warm.qualifier}`).toBe(invoked);
  });

  test('its ARN is the one the Kong install (cluster side, same platform) annotates its service account with', () => {
    const objects = platform.app.charts.flatMap((c) => c.toJson());
    const kong = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'kong');
    expect(kong.spec.values.deployment.serviceAccount).toMatchObject({ name: 'kong', annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/acme-prod-kong-invoke` } });
    expect(one('aws:iam/role:Role', (r) => r.name === 'acme-prod-kong-invoke-role').inputs.name).toBe('acme-prod-kong-invoke');
  });
});

describe('every IAM document of the environment', () => {
  test('names each action and a specific resource', () => {
    const docs = recorded.filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' || r.type === 'aws:sns/topicPolicy:TopicPolicy' || r.type === 'aws:sqs/queuePolicy:QueuePolicy').map(policyOf);
    expect(docs.length).toBeGreaterThanOrEqual(5);
    for (const doc of docs) {
      for (const s of doc.Statement) {
        for (const a of [].concat(s.Action)) expect(a).not.toMatch(/\*/);
        for (const r of [].concat(s.Resource)) {
          expect(r).toMatch(/^arn:aws:[a-z0-9-]+:/);
          // Only object keys and log streams of a named bucket/log group are patterns.
          expect((r as string).replace(/(log-stream:|\/uploads\/|\/thumbnails\/)\*/, '')).not.toMatch(/\*/);
        }
      }
    }
  });
});

describe('tags and outputs', () => {
  test('one AWS provider for the environment (one plugin process, not one per function); function resources add tenant and function tags', () => {
    for (const r of awsResources()) expect(r.provider).toBeDefined();
    expect(ofType('pulumi:providers:aws').map((p) => p.name)).toEqual(['acme-prod-aws']);
    const p = one('pulumi:providers:aws').inputs;
    expect(p.region).toBe(REGION);
    expect(JSON.parse(p.allowedAccountIds)).toEqual([ACCOUNT]);
    const effective = (r: Recorded) => ({ ...providerTags(r), ...r.inputs.tags });
    const owned = { platform: 'acme', env: 'prod', tenant: 'media', function: 'thumbnail', 'managed-by': 'hybrid-serverless' };
    for (const type of ['aws:lambda/function:Function', 'aws:iam/role:Role', 'aws:cloudwatch/logGroup:LogGroup', 'aws:sqs/queue:Queue', 'aws:sns/topic:Topic']) {
      for (const r of ofType(type, (x) => x.name.startsWith(`${FN}-`))) expect([type, r.name, effective(r)]).toEqual([type, r.name, owned]);
    }
    expect(effective(one('aws:budgets/budget:Budget'))).toEqual({ platform: 'acme', env: 'prod', 'managed-by': 'hybrid-serverless' });
  });

  test("the outputs are the resources' outputs (what AWS reports once they exist), not names computed beforehand", async () => {
    const resolved = await valueOf(pulumi.output(outputs));
    // The mocks answer each resource's arn as `arn:mock:<type>:<name>`: an output equal to it came from the resource.
    const mock = (type: string, name: string) => `arn:mock:${type}:${name}`;
    expect(resolved).toEqual({
      lambdaFunctionArns: { thumbnail: mock('aws:lambda/function:Function', FN) },
      lambdaAliasArns: { thumbnail: mock('aws:lambda/alias:Alias', 'live') },
      lambdaRoleArns: { thumbnail: mock('aws:iam/role:Role', `${FN}-exec`) },
      lambdaDeadLetterQueues: { thumbnail: [`${FN}-dlq`] },
      lambdaFunctionUrls: {},
      s3EventTopicArns: { [`${FN}-s3-1`]: mock('aws:sns/topic:Topic', `${FN}-s3-1`) },
      alertTopicArn: mock('aws:sns/topic:Topic', 'acme-prod-alerts'),
      tenantAlertTopicArns: { media: mock('aws:sns/topic:Topic', 'acme-prod-alerts-media') },
      budgetName: 'acme-prod-monthly',
      cloudOwner: 'hybrid-serverless/prod',
      kongInvokeRoleArn: mock('aws:iam/role:Role', 'acme-prod-kong-invoke'),
    });
    // …and the ARNs the toolkit computes up front (for the cluster side and policies) name the same things.
    expect(FN_ARN).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${one('aws:lambda/function:Function').inputs.name}`);
    expect(ALERTS_ARN.endsWith(`:${one('aws:sns/topic:Topic', (r) => r.name === 'acme-prod-budget-topic').inputs.name}`)).toBe(true);
  });
});
