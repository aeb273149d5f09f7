import type { Provider } from '@pulumi/aws/provider';
import * as sns from '@pulumi/aws/sns';
import * as pulumi from '@pulumi/pulumi';
import { fail } from '../../core/errors';
import { naming } from '../../core/naming';
import { arns, type AwsEnvironment } from '../context';
import { policyDocument, policyJson } from '../iam/policy';
import { alarmsPublish } from './alarms-publish';
import { childOptions } from '../options';

/** A plausible e-mail address (SNS confirms each one by mail before it delivers). */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Name of a tenant's alert topic: `<platform>-<env>-alerts-<tenant>`. */
export const tenantAlertTopicName = (e: Pick<AwsEnvironment, 'platform' | 'env'>, tenant: string): string => `${naming.envPrefix(e.platform, e.env)}-alerts-${tenant}`;

export interface TenantAlertTopicArgs {
  readonly environment: AwsEnvironment;
  /** The tenant whose alarms the topic carries. */
  readonly tenant: string;
  /**
   * Addresses mailed: the tenant's receivers' e-mails. Each subscription stays pending until
   * its address confirms it. Receivers that are only Slack or webhook URLs cannot be
   * subscribed here: their URLs are Secret references, and an HTTPS subscription would put the
   * URL into the stack's state in plain text. @default none
   */
  readonly emails?: readonly string[];
  /** @default the parent's provider */
  readonly provider?: Provider;
}

/**
 * The SNS topic of one tenant's cloud alarms in one environment (lost events of its Lambda
 * functions): only this environment's CloudWatch alarms may publish to it, and it mails the
 * tenant's receivers.
 */
export class TenantAlertTopic extends pulumi.ComponentResource {
  readonly topic: sns.Topic;
  readonly topicName: string;
  readonly topicArn: string;
  /** Mailed addresses, sorted. */
  readonly emails: readonly string[];

  constructor(name: string, args: TenantAlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:TenantAlertTopic', name, {}, opts);
    const e = args.environment;
    for (const email of args.emails ?? []) if (!EMAIL.test(email)) fail(`TenantAlertTopic(${args.tenant}).emails`, email, 'must be an email address');
    const prefix = naming.envPrefix(e.platform, e.env);
    const a = arns(e);
    this.topicName = tenantAlertTopicName(e, args.tenant);
    this.topicArn = a.sns(this.topicName);
    this.emails = [...new Set(args.emails ?? [])].sort();
    const o = childOptions(this, args.provider, opts);

    this.topic = new sns.Topic(`${name}-topic`, { name: this.topicName, displayName: `${prefix} ${args.tenant} alarms` }, o);
    new sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: this.topic.arn,
        policy: policyJson(policyDocument([alarmsPublish(this.topicArn, e, prefix)])),
      },
      o,
    );
    for (const email of this.emails) {
      new sns.TopicSubscription(`${name}-email-${email.replace(/[^A-Za-z0-9-]/g, '-')}`, { topic: this.topic.arn, protocol: 'email', endpoint: email }, o);
    }
    this.registerOutputs({ topicArn: this.topicArn, emails: this.emails });
  }
}
