/**
 * LambdaFunction triggers beyond the reference stack: SQS, EventBridge Scheduler, MSK and
 * self-managed Kafka, direct S3, a function URL, a container image — and a dead-letter
 * destination on every asynchronous path.
 */
import { installMocks, one, ofType, recorded, settle, type Recorded } from '../support/pulumi-mocks';

installMocks('dev');
/* eslint-disable @typescript-eslint/no-require-imports */
const { LambdaFunction } = require('../../lib/aws/lambda/lambda-function') as typeof import('../../lib/aws/lambda/lambda-function');
const { lambdaFunctionArgs } = require('../../lib/platform/lambda-args') as typeof import('../../lib/platform/lambda-args');
const { BucketNotifications } = require('../../lib/aws/s3/bucket-notifications') as typeof import('../../lib/aws/s3/bucket-notifications');
const { parseSpec } = require('../../lib/spec/parse') as typeof import('../../lib/spec/parse');
/* eslint-enable @typescript-eslint/no-require-imports */

const ACCOUNT = '210987654321';
const REGION = 'eu-central-1';
const MSK = `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/events/0a1b2c3d-1111-2222-3333-444455556666-7`;
const SCRAM = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:kafka-scram-AbC123`;
const CA = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:kafka-ca-XyZ789`;
const arn = (service: string, res: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${res}`;
const env = { platform: 'tst', env: 'dev' as const, region: REGION, accountId: ACCOUNT };

const spec = parseSpec({
  name: 'tst',
  aws: { region: REGION, accountId: ACCOUNT },
  environments: { dev: { domain: 'dev.tst.example' } },
  tenants: [{ name: 'data' }],
  kafka: { topics: [], msk: { clusterArn: MSK } },
  functions: [
    {
      name: 'ingest',
      tenant: 'data',
      target: 'lambda',
      code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
      timeoutSeconds: 120,
      scaling: { max: 20 },
      delivery: { retries: 1 },
      secrets: [{ env: 'DB_PASSWORD', secret: 'orders-db', key: 'password' }],
      triggers: [{ type: 'sqs', queue: 'orders-in', batchSize: 50 }],
    },
    {
      name: 'report',
      tenant: 'data',
      target: 'lambda',
      image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/report:1.0.0`,
      lambda: { functionUrl: true, architecture: 'x86_64', maxEventAgeSeconds: 3600 },
      coldStart: { preset: 'prewarmed', instances: 3 },
      triggers: [
        { type: 'schedule', cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', data: '{"kind":"daily"}' },
        { type: 'schedule', cron: '*/15 * * * *' },
      ],
    },
    {
      name: 'msk-reader',
      tenant: 'data',
      target: 'lambda',
      code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
      triggers: [{ type: 'kafka', topic: 'telemetry', consumerGroup: 'readers' }],
    },
    {
      name: 'self-reader',
      tenant: 'data',
      target: 'lambda',
      code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
      lambda: {
        selfManagedKafka: { bootstrapServers: ['kafka.tst.example:9094'], subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0def5678'], saslScram512SecretArn: SCRAM, rootCaSecretArn: CA },
      },
      triggers: [{ type: 'kafka', topic: 'orders', batchSize: 500 }],
    },
    {
      name: 'raw',
      tenant: 'data',
      target: 'lambda',
      code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
      triggers: [{ type: 's3', bucket: 'tst-raw-data', prefix: 'in/', via: 'direct' }],
    },
    {
      name: 'lossy',
      tenant: 'data',
      target: 'lambda',
      code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
      delivery: { deadLetter: false },
      triggers: [{ type: 'sqs', queue: 'metrics' }],
    },
  ],
});

const fns: Record<string, InstanceType<typeof LambdaFunction>> = {};
const policyOf = (r: Recorded) => JSON.parse(r.inputs.policy);
const execPolicy = (fn: string) => policyOf(one('aws:iam/rolePolicy:RolePolicy', (r) => r.name === `tst-dev-${fn}-policy`)).Statement;

beforeAll(async () => {
  for (const fn of spec.functions) {
    fns[fn.name] = new LambdaFunction(`tst-dev-${fn.name}`, lambdaFunctionArgs(fn, { environment: env, logRetentionDays: 3, msk: spec.kafka?.msk }));
  }
  new BucketNotifications('tst-dev-s3-tst-raw-data', { bucket: 'tst-raw-data', targets: fns.raw.s3Notifications });
  await settle();
});

describe('sqs trigger', () => {
  test('a prefixed queue with its own DLQ (maxReceiveCount = retries + 1), visibility 6× the timeout', () => {
    const q = one('aws:sqs/queue:Queue', (r) => r.inputs.name === 'tst-dev-orders-in').inputs;
    expect(q.visibilityTimeoutSeconds).toBe(720);
    expect(q.sqsManagedSseEnabled).toBe(true);
    expect(JSON.parse(q.redrivePolicy)).toEqual({ deadLetterTargetArn: arn('sqs', 'tst-dev-orders-in-dlq'), maxReceiveCount: 2 });
  });

  test('event source mapping on the alias with partial batch failures and a batching window for batches above 10', () => {
    const m = one('aws:lambda/eventSourceMapping:EventSourceMapping', (r) => r.name === 'tst-dev-ingest-sqs-0-mapping').inputs;
    expect(m).toMatchObject({
      eventSourceArn: arn('sqs', 'tst-dev-orders-in'),
      functionName: arn('lambda', 'function:tst-dev-ingest:live'),
      batchSize: 50,
      maximumBatchingWindowInSeconds: 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: 20 },
    });
  });

  test('execution role: exactly the queue it polls, its own DLQ and log streams', () => {
    expect(execPolicy('ingest')).toEqual([
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arn('logs', 'log-group:/aws/lambda/tst-dev-ingest:log-stream:*') },
      { Sid: 'DeadLetterQueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: arn('sqs', 'tst-dev-ingest-dlq') },
      // Secrets Manager appends "-" and six random characters to the name in the ARN.
      { Sid: 'Secret0', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: arn('secretsmanager', 'secret:orders-db-??????') },
      { Sid: 'SqsTrigger0', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], Resource: arn('sqs', 'tst-dev-orders-in') },
    ]);
    expect(one('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', (r) => r.name === 'tst-dev-ingest-async').inputs.maximumRetryAttempts).toBe(1);
  });

  test('secrets reach the function as references (name and key), never as values', () => {
    expect(one('aws:lambda/function:Function', (r) => r.inputs.name === 'tst-dev-ingest').inputs.environment).toEqual({
      variables: { DB_PASSWORD_SECRET_ID: 'orders-db', DB_PASSWORD_SECRET_KEY: 'password' },
    });
  });
});

describe('schedule trigger (EventBridge Scheduler)', () => {
  test('5-field cron converted to the 6-field AWS form, in the given time zone, with retries and the DLQ', () => {
    const weekday = one('aws:scheduler/schedule:Schedule', (r) => r.inputs.name === 'tst-dev-report-0').inputs;
    expect(weekday).toMatchObject({
      scheduleExpression: 'cron(0 6 ? * MON-FRI *)',
      scheduleExpressionTimezone: 'Europe/Berlin',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: arn('lambda', 'function:tst-dev-report:live'),
        roleArn: `arn:aws:iam::${ACCOUNT}:role/tst-dev-report-sched`,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: arn('sqs', 'tst-dev-report-dlq') },
      },
    });
    expect(JSON.parse(weekday.target.input)).toEqual({ source: 'hybrid-serverless.schedule', cron: '0 6 * * 1-5', data: '{"kind":"daily"}' });
    expect(one('aws:scheduler/schedule:Schedule', (r) => r.inputs.name === 'tst-dev-report-1').inputs).toMatchObject({ scheduleExpression: 'cron(0/15 * * * ? *)', scheduleExpressionTimezone: 'UTC' });
  });

  test('scheduler role: trusted by Scheduler for this account and its schedule group (the aws:SourceArn Scheduler sends); invokes the alias, sends dead letters', () => {
    const role = one('aws:iam/role:Role', (r) => r.inputs.name === 'tst-dev-report-sched');
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': arn('scheduler', 'schedule-group/default') } },
      },
    ]);
    expect(policyOf(one('aws:iam/rolePolicy:RolePolicy', (r) => r.name === 'tst-dev-report-sched-policy')).Statement).toEqual([
      { Sid: 'InvokeLive', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: arn('lambda', 'function:tst-dev-report:live') },
      { Sid: 'DeadLetterQueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: arn('sqs', 'tst-dev-report-dlq') },
    ]);
  });

  test('container image, x86_64, prewarmed instances, function URL with IAM auth on the alias', () => {
    expect(one('aws:lambda/function:Function', (r) => r.inputs.name === 'tst-dev-report').inputs).toMatchObject({
      packageType: 'Image',
      imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/report:1.0.0`,
      architectures: ['x86_64'],
      memorySize: 256,
      timeout: 30,
    });
    expect(one('aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig', (r) => r.name === 'tst-dev-report-warm').inputs.provisionedConcurrentExecutions).toBe(3);
    expect(one('aws:lambda/functionUrl:FunctionUrl').inputs).toMatchObject({ functionName: 'tst-dev-report', qualifier: 'live', authorizationType: 'AWS_IAM' });
  });
});

describe('kafka triggers', () => {
  test('MSK: mapping with the consumer group and failures to the DLQ; IAM on the cluster, topic and group ARNs', () => {
    expect(one('aws:lambda/eventSourceMapping:EventSourceMapping', (r) => r.name === 'tst-dev-msk-reader-kafka-0').inputs).toMatchObject({
      eventSourceArn: MSK,
      functionName: arn('lambda', 'function:tst-dev-msk-reader:live'),
      topics: ['telemetry'],
      startingPosition: 'LATEST',
      batchSize: 100,
      amazonManagedKafkaEventSourceConfig: { consumerGroupId: 'readers' },
      destinationConfig: { onFailure: { destinationArn: arn('sqs', 'tst-dev-msk-reader-dlq') } },
    });
    const uuid = 'events/0a1b2c3d-1111-2222-3333-444455556666-7';
    expect(execPolicy('msk-reader').slice(2)).toEqual([
      {
        Sid: 'MskCluster0',
        Effect: 'Allow',
        Action: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
        Resource: MSK,
      },
      { Sid: 'MskTopic0', Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: arn('kafka', `topic/${uuid}/telemetry`) },
      { Sid: 'MskGroup0', Effect: 'Allow', Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], Resource: arn('kafka', `group/${uuid}/readers`) },
      { Sid: 'KafkaNetworkInterfaces', Effect: 'Allow', Action: ['ec2:CreateNetworkInterface'], Resource: [arn('ec2', 'network-interface/*'), arn('ec2', 'subnet/*'), arn('ec2', 'security-group/*')] },
      { Sid: 'KafkaNetworkInterfaceCleanup', Effect: 'Allow', Action: ['ec2:DeleteNetworkInterface'], Resource: arn('ec2', 'network-interface/*') },
      // EC2 Describe* cannot be scoped to resources: the one "*" the toolkit writes in an Allow.
      { Sid: 'KafkaNetworkDescribe', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'], Resource: '*' },
      {
        Sid: 'KafkaNetworkNotFromCode',
        Effect: 'Deny',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
        Resource: '*',
        Condition: { ArnEquals: { 'lambda:SourceFunctionArn': arn('lambda', 'function:tst-dev-msk-reader') } },
      },
    ]);
  });

  test('self-managed Kafka (wins over the platform MSK): SCRAM + CA secrets and VPC access; IAM on exactly those secrets, subnets and groups', () => {
    const m = one('aws:lambda/eventSourceMapping:EventSourceMapping', (r) => r.name === 'tst-dev-self-reader-kafka-0').inputs;
    expect(m.eventSourceArn).toBeUndefined();
    expect(m).toMatchObject({
      topics: ['orders'],
      batchSize: 500,
      selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: 'kafka.tst.example:9094' } },
      selfManagedKafkaEventSourceConfig: { consumerGroupId: 'self-reader' },
      sourceAccessConfigurations: [
        { type: 'SASL_SCRAM_512_AUTH', uri: SCRAM },
        { type: 'SERVER_ROOT_CA_CERTIFICATE', uri: CA },
        { type: 'VPC_SUBNET', uri: 'subnet:subnet-0abc1234' },
        { type: 'VPC_SECURITY_GROUP', uri: 'security_group:sg-0def5678' },
      ],
      destinationConfig: { onFailure: { destinationArn: arn('sqs', 'tst-dev-self-reader-dlq') } },
    });
    expect(execPolicy('self-reader').slice(2, 5)).toEqual([
      { Sid: 'KafkaSecrets0', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [SCRAM, CA] },
      {
        Sid: 'KafkaNetworkInterfaces',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface'],
        Resource: [arn('ec2', 'network-interface/*'), arn('ec2', 'subnet/subnet-0abc1234'), arn('ec2', 'security-group/sg-0def5678')],
      },
      // Only ENIs in the mapping's own subnets may be deleted, not every ENI of the account.
      {
        Sid: 'KafkaNetworkInterfaceCleanup',
        Effect: 'Allow',
        Action: ['ec2:DeleteNetworkInterface'],
        Resource: arn('ec2', 'network-interface/*'),
        Condition: { ArnEquals: { 'ec2:Subnet': [arn('ec2', 'subnet/subnet-0abc1234')] } },
      },
    ]);
  });
});

describe('KafkaEventSource used directly (outside parseSpec)', () => {
  const { KafkaEventSource } = require('../../lib/aws/lambda/event-sources') as typeof import('../../lib/aws/lambda/event-sources'); // eslint-disable-line @typescript-eslint/no-require-imports

  test('refuses a wildcard cluster ARN and a partial secret ARN before any grant is written', () => {
    expect(() => new KafkaEventSource({ topic: 't', consumerGroup: 'g', msk: { clusterArn: 'arn:aws:kafka:*:*:cluster/*' } })).toThrow(
      /KafkaEventSource\(t\)\.msk\.clusterArn: must be the ARN of an MSK cluster.*wildcards/,
    );
    const selfManaged = { bootstrapServers: ['b:9094'], subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0def5678'], saslScram512SecretArn: SCRAM.replace('-AbC123', '') };
    expect(() => new KafkaEventSource({ topic: 't', consumerGroup: 'g', selfManaged })).toThrow(/selfManaged\.saslScram512SecretArn: must be the ARN of a Secrets Manager secret/);
  });
});

describe('direct S3 trigger', () => {
  test('S3 of that bucket and account may invoke the alias; the bucket notifies the alias directly', () => {
    expect(one('aws:lambda/permission:Permission', (r) => r.name === 'tst-dev-raw-s3-0-invoke').inputs).toMatchObject({
      function: 'tst-dev-raw',
      qualifier: 'live',
      principal: 's3.amazonaws.com',
      sourceArn: 'arn:aws:s3:::tst-raw-data',
      sourceAccount: ACCOUNT,
    });
    const n = one('aws:s3/bucketNotification:BucketNotification').inputs;
    expect(n.lambdaFunctions).toEqual([{ id: 'tst-dev-raw-s3-0', lambdaFunctionArn: arn('lambda', 'function:tst-dev-raw:live'), events: ['s3:ObjectCreated:*'], filterPrefix: 'in/' }]);
    expect(ofType('aws:sns/topic:Topic')).toHaveLength(0);
  });
});

describe('nothing is lost silently', () => {
  const withDlq = () => spec.functions.filter((f) => f.delivery?.deadLetter !== false).map((f) => `tst-dev-${f.name}`);

  test('every asynchronous path of a function with dead-lettering on ends in an SQS dead-letter queue', () => {
    for (const fn of withDlq()) {
      const dlq = arn('sqs', `${fn}-dlq`);
      expect(one('aws:sqs/queue:Queue', (r) => r.inputs.name === `${fn}-dlq`)).toBeDefined();
      expect(one('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', (r) => r.name === `${fn}-async`).inputs.destinationConfig).toEqual({ onFailure: { destination: dlq } });
    }
    for (const m of ofType('aws:lambda/eventSourceMapping:EventSourceMapping', (r) => !r.name.startsWith('tst-dev-lossy'))) {
      if (m.inputs.topics) expect(m.inputs.destinationConfig.onFailure.destinationArn).toMatch(/-dlq$/);
      else {
        const source = one('aws:sqs/queue:Queue', (q) => arn('sqs', q.inputs.name) === m.inputs.eventSourceArn);
        expect(JSON.parse(source.inputs.redrivePolicy).deadLetterTargetArn).toBe(`${m.inputs.eventSourceArn}-dlq`);
      }
    }
    for (const s of ofType('aws:scheduler/schedule:Schedule')) expect(s.inputs.target.deadLetterConfig.arn).toMatch(/-dlq$/);
  });

  test('turning dead-lettering off (delivery.deadLetter: false) is explicit and creates no queue', () => {
    expect(ofType('aws:sqs/queue:Queue', (r) => r.inputs.name.startsWith('tst-dev-lossy'))).toHaveLength(0);
    expect(ofType('aws:sqs/queue:Queue', (r) => r.inputs.name === 'tst-dev-metrics')[0].inputs.redrivePolicy).toBeUndefined();
    expect(one('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', (r) => r.name === 'tst-dev-lossy-async').inputs.destinationConfig).toBeUndefined();
    expect(fns.lossy.deadLetterQueueNames).toEqual([]);
    expect(fns.ingest.deadLetterQueueNames).toEqual(['tst-dev-ingest-dlq', 'tst-dev-orders-in-dlq']);
  });

  test('no Lambda resource is created without an explicit provider', () => {
    for (const r of recorded.filter((x) => x.type.startsWith('aws:') && x.type !== 'aws:s3/bucketNotification:BucketNotification')) expect(r.provider).toBeDefined();
  });
});
