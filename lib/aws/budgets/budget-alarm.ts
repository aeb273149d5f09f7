import * as sns from '@pulumi/aws/sns';
import * as budgets from '@pulumi/aws/budgets';
import type { Provider } from '@pulumi/aws/provider';
import * as pulumi from '@pulumi/pulumi';
import { fail } from '../../core/errors';
import { naming } from '../../core/naming';
import { MAX_BUDGET_THRESHOLDS } from './limits';
import { arns, type AwsEnvironment } from '../context';
import { policyDocument, policyJson } from '../iam/policy';
import { alarmsPublish } from '../sns/alarms-publish';
import { TAG_KEYS } from '../provider';
import { childOptions } from '../options';

export interface BudgetAlarmArgs {
  readonly environment: AwsEnvironment;
  /** The environment's budget (`platform.env.budget`): the same numbers drive the cluster-cost rule. */
  readonly budget: { readonly monthlyUsd: number; readonly thresholds: readonly number[]; readonly emails: readonly string[] };
  /** @default the parent's provider */
  readonly provider?: Provider;
}

/** One notification of the budget, as AWS Budgets stores it. */
export interface BudgetNotificationSpec {
  readonly notificationType: 'ACTUAL' | 'FORECASTED';
  readonly threshold: number;
}

/**
 * A monthly cost budget for the environment — only costs tagged with its `platform` and `env`
 * cost-allocation tags — that notifies an SNS topic at every ACTUAL threshold and when the
 * forecast reaches 100 %. The topic lets AWS Budgets and the environment's CloudWatch alarms
 * publish (nothing else), and mails every address of the budget spec.
 */
export class BudgetAlarm extends pulumi.ComponentResource {
  readonly topic: sns.Topic;
  readonly topicName: string;
  readonly topicArn: string;
  readonly budget: budgets.Budget;
  readonly budgetName: string;
  readonly notifications: readonly BudgetNotificationSpec[];

  constructor(name: string, args: BudgetAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:BudgetAlarm', name, {}, opts);
    const { monthlyUsd, thresholds, emails } = args.budget;
    if (!(monthlyUsd > 0) || !Number.isFinite(monthlyUsd)) fail('budgets.monthlyUsd', monthlyUsd, 'must be a positive amount in USD');
    if (thresholds.length === 0) fail('budgets.thresholds', thresholds, 'must list at least one percentage');
    for (const t of thresholds) if (!(t > 0 && t <= 1000)) fail('budgets.thresholds', t, 'each threshold must be a percentage above 0 and at most 1000');
    if (new Set(thresholds).size !== thresholds.length) fail('budgets.thresholds', thresholds, 'lists a threshold twice; each threshold is one budget notification');
    if (thresholds.length > MAX_BUDGET_THRESHOLDS) fail('budgets.thresholds', thresholds, `AWS Budgets allows ${MAX_BUDGET_THRESHOLDS} thresholds next to the FORECASTED 100 % notification`);

    const e = args.environment;
    const a = arns(e);
    const prefix = naming.envPrefix(e.platform, e.env);
    this.topicName = `${prefix}-alerts`;
    this.topicArn = a.sns(this.topicName);
    this.budgetName = `${prefix}-monthly`;
    const o = childOptions(this, args.provider, opts);

    this.topic = new sns.Topic(`${name}-topic`, { name: this.topicName, displayName: `${prefix} budget and alarms` }, o);
    const topicPolicy = new sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: this.topic.arn,
        policy: policyJson(
          policyDocument([
            {
              Sid: 'BudgetsPublish',
              Effect: 'Allow',
              Principal: { Service: 'budgets.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: this.topicArn,
              Condition: { StringEquals: { 'aws:SourceAccount': e.accountId }, ArnLike: { 'aws:SourceArn': `arn:${e.partition ?? 'aws'}:budgets::${e.accountId}:*` } },
            },
            alarmsPublish(this.topicArn, e, prefix),
          ]),
        ),
      },
      o,
    );
    [...new Set(emails)].sort().forEach((email) => {
      new sns.TopicSubscription(`${name}-email-${email.replace(/[^A-Za-z0-9-]/g, '-')}`, { topic: this.topic.arn, protocol: 'email', endpoint: email }, o);
    });

    this.notifications = [...[...thresholds].sort((x, y) => x - y).map((threshold) => ({ notificationType: 'ACTUAL' as const, threshold })), { notificationType: 'FORECASTED', threshold: 100 }];
    this.budget = new budgets.Budget(
      `${name}-budget`,
      {
        name: this.budgetName,
        accountId: e.accountId,
        budgetType: 'COST',
        limitAmount: monthlyUsd.toFixed(2),
        limitUnit: 'USD',
        timeUnit: 'MONTHLY',
        // A filterExpression budget must say what it sums (the provider refuses it without
        // `metrics`); unblended cost is what the bill shows.
        metrics: 'UnblendedCost',
        // Both tags must match: the platform's costs in this environment, not the account's.
        filterExpression: {
          ands: [{ tags: { key: TAG_KEYS.platform, values: [e.platform], matchOptions: ['EQUALS'] } }, { tags: { key: TAG_KEYS.env, values: [e.env], matchOptions: ['EQUALS'] } }],
        },
        notifications: this.notifications.map((n) => ({
          notificationType: n.notificationType,
          comparisonOperator: 'GREATER_THAN',
          threshold: n.threshold,
          thresholdType: 'PERCENTAGE',
          subscriberSnsTopicArns: [this.topicArn],
        })),
      },
      // AWS Budgets checks that it may publish to the topic when the notifications are saved.
      { ...o, dependsOn: [topicPolicy] },
    );
    this.registerOutputs({ topicArn: this.topicArn, budgetName: this.budgetName });
  }
}
