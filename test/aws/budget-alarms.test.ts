/**
 * Budgets and alarms: one budget spec per environment drives an AWS Budget (platform/env
 * cost-allocation tags) notifying an SNS topic; every Lambda function gets its alarms.
 */
import { installMocks, one, ofType, recorded, settle } from '../support/pulumi-mocks';
import { specErrorOf } from '../support/errors';

installMocks('staging');
/* eslint-disable @typescript-eslint/no-require-imports */
const { deployCloud } = require('../../lib/platform/cloud') as typeof import('../../lib/platform/cloud');
const { HybridPlatform } = require('../../lib/platform/hybrid-platform') as typeof import('../../lib/platform/hybrid-platform');
const { BudgetAlarm } = require('../../lib/aws/budgets/budget-alarm') as typeof import('../../lib/aws/budgets/budget-alarm');
const { LambdaAlarms } = require('../../lib/aws/cloudwatch/lambda-alarms') as typeof import('../../lib/aws/cloudwatch/lambda-alarms');
const { TenantAlertTopic } = require('../../lib/aws/sns/tenant-alert-topic') as typeof import('../../lib/aws/sns/tenant-alert-topic');
const { parseSpec } = require('../../lib/spec/parse') as typeof import('../../lib/spec/parse');
const { referenceSpec } = require('../../stacks/reference') as typeof import('../../stacks/reference');
/* eslint-enable @typescript-eslint/no-require-imports */

const ACCOUNT = '123456789012';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:acme-staging-alerts';
/** The tenants' alert topics. */
const MEDIA_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:acme-staging-alerts-media';
const IOT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:acme-staging-alerts-iot';

beforeAll(async () => {
  // Two thresholds from a Pulumi config override on top of the staging profile, plus a second Lambda function.
  const spec = structuredClone(referenceSpec);
  spec.functions!.push({
    name: 'resize-batch',
    tenant: 'media',
    target: 'lambda',
    code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
    timeoutSeconds: 900,
    slo: { errorRatioPercent: 1 },
    triggers: [{ type: 'sqs', queue: 'resize-jobs' }],
  });
  // Another tenant's function that keeps no dead letters.
  spec.functions!.push({
    name: 'firmware-notify',
    tenant: 'iot',
    target: 'lambda',
    code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
    delivery: { deadLetter: false },
    triggers: [{ type: 'http' }],
  });
  // Receivers: all tenants' critical alerts by mail (the reference's on-call), the media team by mail and Slack,
  // a warning-only list (not for lost events), and the iot team by webhook only.
  spec.observability!.receivers = [
    ...spec.observability!.receivers!,
    { name: 'media-team', emails: ['media@acme.example', 'oncall@acme.example'], slackUrlSecret: { name: 'media-slack', key: 'url' }, tenants: ['media'] },
    { name: 'media-warnings', emails: ['media-low@acme.example'], severities: ['warning'], tenants: ['media'] },
    { name: 'iot-hook', webhookUrlSecret: { name: 'iot-hook', key: 'url' }, tenants: ['iot'] },
  ];
  spec.budgets!.emails = ['finops@acme.example', 'cto@acme.example'];
  const platform = new HybridPlatform(parseSpec(spec), 'staging', { overrides: { budget: { monthlyUsd: 1500, thresholds: [60, 90, 120] } } });
  deployCloud(platform);
  await settle();
});

describe('BudgetAlarm', () => {
  test('a monthly USD cost budget for costs tagged with this platform AND this environment', () => {
    const b = one('aws:budgets/budget:Budget').inputs;
    expect(b).toMatchObject({ name: 'acme-staging-monthly', accountId: ACCOUNT, budgetType: 'COST', limitAmount: '1500.00', limitUnit: 'USD', timeUnit: 'MONTHLY' });
    // the AWS provider refuses a filterExpression without metrics ("requires metrics")
    expect(b.metrics).toBe('UnblendedCost');
    expect(b.filterExpression).toEqual({
      ands: [{ tags: { key: 'platform', values: ['acme'], matchOptions: ['EQUALS'] } }, { tags: { key: 'env', values: ['staging'], matchOptions: ['EQUALS'] } }],
    });
  });

  test('an ACTUAL notification at each threshold and a FORECASTED one at 100 %, all to the topic', () => {
    const n = one('aws:budgets/budget:Budget').inputs.notifications;
    expect(n.map((x: { notificationType: string; threshold: number }) => `${x.notificationType} ${x.threshold}`)).toEqual(['ACTUAL 60', 'ACTUAL 90', 'ACTUAL 120', 'FORECASTED 100']);
    for (const x of n)
      expect(x).toEqual({ notificationType: x.notificationType, threshold: x.threshold, comparisonOperator: 'GREATER_THAN', thresholdType: 'PERCENTAGE', subscriberSnsTopicArns: [TOPIC] });
  });

  test('the topic lets AWS Budgets and this environment’s alarms publish, and mails every address', () => {
    const policy = JSON.parse(one('aws:sns/topicPolicy:TopicPolicy', (r) => r.name === 'acme-staging-budget-topic-policy').inputs.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'BudgetsPublish',
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: TOPIC,
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:budgets::${ACCOUNT}:*` } },
      },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: TOPIC,
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:acme-staging-*` } },
      },
    ]);
    expect(ofType('aws:sns/topicSubscription:TopicSubscription', (s) => s.name.startsWith('acme-staging-budget-') && s.inputs.protocol === 'email').map((s) => s.inputs.endpoint)).toEqual([
      'cto@acme.example',
      'finops@acme.example',
    ]);
  });
});

describe('LambdaAlarms', () => {
  const alarms = (fn: string) => ofType('aws:cloudwatch/metricAlarm:MetricAlarm', (a) => a.inputs.name.startsWith(fn)).map((a) => a.inputs);

  test('every Lambda function has errors, throttles, duration, DLQ and async-failure alarms, all notifying the topic on alarm and recovery', () => {
    expect(
      alarms('acme-staging-thumbnail')
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      'acme-staging-thumbnail-dead-letter-failures',
      'acme-staging-thumbnail-dlq-not-empty',
      'acme-staging-thumbnail-duration',
      'acme-staging-thumbnail-errors',
      'acme-staging-thumbnail-throttles',
    ]);
    // The SQS-triggered function also watches its source queue's DLQ.
    expect(
      alarms('acme-staging-resize')
        .map((a) => a.name)
        .sort(),
    ).toEqual(
      [
        'acme-staging-resize-batch-dead-letter-failures',
        'acme-staging-resize-batch-dlq-not-empty',
        'acme-staging-resize-batch-duration',
        'acme-staging-resize-batch-errors',
        'acme-staging-resize-batch-throttles',
        'acme-staging-resize-jobs-dlq-not-empty',
      ].sort(),
    );
    // Without a dead-letter queue, dropped asynchronous events alarm instead.
    expect(
      alarms('acme-staging-firmware-notify')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['acme-staging-firmware-notify-async-dropped', 'acme-staging-firmware-notify-duration', 'acme-staging-firmware-notify-errors', 'acme-staging-firmware-notify-throttles']);
    for (const a of recorded.filter((r) => r.type === 'aws:cloudwatch/metricAlarm:MetricAlarm')) {
      expect(a.inputs).toMatchObject({ alarmActions: expect.arrayContaining([TOPIC]), evaluationPeriods: 1, treatMissingData: 'notBreaching' });
      expect(a.inputs.okActions).toEqual(a.inputs.alarmActions);
    }
  });

  test('lost-event alarms (dead letters waiting, async events dropped or not kept) notify the tenant’s topic too; the others only the budget list', () => {
    const actions = Object.fromEntries(ofType('aws:cloudwatch/metricAlarm:MetricAlarm').map((a) => [a.inputs.name, a.inputs.alarmActions]));
    expect(actions['acme-staging-thumbnail-dlq-not-empty']).toEqual([TOPIC, MEDIA_TOPIC]);
    expect(actions['acme-staging-resize-jobs-dlq-not-empty']).toEqual([TOPIC, MEDIA_TOPIC]);
    expect(actions['acme-staging-thumbnail-dead-letter-failures']).toEqual([TOPIC, MEDIA_TOPIC]);
    expect(actions['acme-staging-firmware-notify-async-dropped']).toEqual([TOPIC, IOT_TOPIC]);
    for (const name of ['acme-staging-thumbnail-errors', 'acme-staging-thumbnail-throttles', 'acme-staging-thumbnail-duration', 'acme-staging-firmware-notify-errors'])
      expect(actions[name]).toEqual([TOPIC]);
    const byName = Object.fromEntries(ofType('aws:cloudwatch/metricAlarm:MetricAlarm').map((a) => [a.inputs.name, a.inputs]));
    expect(byName['acme-staging-thumbnail-dead-letter-failures']).toMatchObject({
      namespace: 'AWS/Lambda',
      metricName: 'DestinationDeliveryFailures',
      statistic: 'Sum',
      threshold: 0,
      dimensions: { FunctionName: 'acme-staging-thumbnail' },
    });
    expect(byName['acme-staging-firmware-notify-async-dropped']).toMatchObject({ namespace: 'AWS/Lambda', metricName: 'AsyncEventsDropped', statistic: 'Sum', threshold: 0 });
  });

  test('one topic per tenant with Lambda functions: mails the receivers routed that tenant’s critical alerts; only this environment’s alarms may publish', () => {
    const topics = ofType('aws:sns/topic:Topic', (t) => t.inputs.name.startsWith('acme-staging-alerts-')).map((t) => t.inputs.name);
    expect(topics).toEqual(['acme-staging-alerts-iot', 'acme-staging-alerts-media']);
    const mails = (tenant: string) =>
      ofType('aws:sns/topicSubscription:TopicSubscription', (s) => s.name.startsWith(`acme-staging-alerts-${tenant}-email-`)).map((s) => [s.inputs.protocol, s.inputs.endpoint]);
    // on-call (all tenants, critical) and the media team (all severities); not the warning-only list; each address once
    expect(mails('media')).toEqual([
      ['email', 'media@acme.example'],
      ['email', 'oncall@acme.example'],
    ]);
    // iot's own receiver is a webhook (a Secret reference): only on-call's address is subscribed
    expect(mails('iot')).toEqual([['email', 'oncall@acme.example']]);
    expect(ofType('aws:sns/topicSubscription:TopicSubscription', (s) => s.name.startsWith('acme-staging-alerts-') && s.inputs.protocol !== 'email')).toEqual([]);
    const policy = JSON.parse(one('aws:sns/topicPolicy:TopicPolicy', (r) => r.name === 'acme-staging-alerts-media-topic-policy').inputs.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: MEDIA_TOPIC,
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:acme-staging-*` } },
      },
    ]);
  });

  test('thresholds come from the spec: error ratio from the SLO, duration at 90 % of the timeout, any throttle, any dead letter', () => {
    const byName = Object.fromEntries(ofType('aws:cloudwatch/metricAlarm:MetricAlarm').map((a) => [a.inputs.name, a.inputs]));
    expect(byName['acme-staging-thumbnail-errors'].threshold).toBe(5); // observability.defaultSlo
    expect(byName['acme-staging-resize-batch-errors'].threshold).toBe(1); // the function's own SLO
    expect(byName['acme-staging-thumbnail-errors'].metricQueries[2]).toMatchObject({ id: 'ratio', expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', returnData: true });
    expect(byName['acme-staging-thumbnail-duration']).toMatchObject({
      metricName: 'Duration',
      statistic: 'Maximum',
      threshold: 54000,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      dimensions: { FunctionName: 'acme-staging-thumbnail' },
    });
    expect(byName['acme-staging-resize-batch-duration'].threshold).toBe(810000);
    expect(byName['acme-staging-thumbnail-throttles']).toMatchObject({ metricName: 'Throttles', statistic: 'Sum', threshold: 0, comparisonOperator: 'GreaterThanThreshold' });
    expect(byName['acme-staging-resize-jobs-dlq-not-empty']).toMatchObject({
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      threshold: 0,
      dimensions: { QueueName: 'acme-staging-resize-jobs-dlq' },
    });
  });
});

describe('bad budgets', () => {
  const env = { platform: 'bad', env: 'dev' as const, region: 'eu-west-1', accountId: ACCOUNT };
  const budgetError = (budget: { monthlyUsd: number; thresholds: number[]; emails: string[] }) => {
    const before = recorded.length;
    const error = specErrorOf(() => new BudgetAlarm(`bad-${recorded.length}`, { environment: env, budget }));
    // Only the component itself was registered: validation runs before any AWS resource.
    expect(recorded.slice(before).filter((r) => r.type.startsWith('aws:'))).toEqual([]);
    return (error as Error).message;
  };

  test('a budget of 0 or less', () => {
    expect(budgetError({ monthlyUsd: 0, thresholds: [80], emails: [] })).toContain('budgets.monthlyUsd: must be a positive amount in USD (got 0)');
    expect(budgetError({ monthlyUsd: -10, thresholds: [80], emails: [] })).toContain('budgets.monthlyUsd: must be a positive amount in USD (got -10)');
    expect(() => parseSpec({ ...referenceSpec, budgets: { ...referenceSpec.budgets, monthlyUsd: 0 } })).toThrow('budgets.monthlyUsd: must be a positive amount in USD (got 0)');
    expect(() => parseSpec({ ...referenceSpec, environments: { ...referenceSpec.environments, prod: { domain: 'acme.example', overrides: { budget: { monthlyUsd: -5 } } } } })).toThrow(
      /environments\.prod\.overrides\.budget\.monthlyUsd: .*\(got -5\)/,
    );
  });

  test('duplicate thresholds and more than AWS Budgets allows', () => {
    expect(budgetError({ monthlyUsd: 100, thresholds: [80, 80], emails: [] })).toContain('budgets.thresholds: lists a threshold twice');
    expect(budgetError({ monthlyUsd: 100, thresholds: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], emails: [] })).toContain('AWS Budgets allows 9 thresholds next to the FORECASTED 100 % notification');
    expect(() => parseSpec({ ...referenceSpec, budgets: { ...referenceSpec.budgets, thresholds: [50, 50] } })).toThrow(
      'budgets.thresholds: lists a threshold twice; each threshold is one budget notification (got [50,50])',
    );
  });

  test('a tenant topic refuses what is not an e-mail address, before creating anything', () => {
    const before = recorded.length;
    expect(() => new TenantAlertTopic('bad-topic', { environment: env, tenant: 'shop', emails: ['oncall@acme.example', 'not-an-address'] })).toThrow(
      'TenantAlertTopic(shop).emails: must be an email address (got "not-an-address")',
    );
    expect(recorded.slice(before).filter((r) => r.type.startsWith('aws:'))).toEqual([]);
  });

  test('alarms refuse an error ratio outside (0, 100]', () => {
    expect(() => new LambdaAlarms('bad-alarms', { functionName: 'x', timeoutSeconds: 10, errorRatioPercent: 0, deadLetterQueues: [], topicArn: TOPIC })).toThrow(
      'slo.errorRatioPercent: must be a percentage above 0 and at most 100 (got 0)',
    );
  });
});
