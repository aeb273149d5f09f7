import { arns, type AwsEnvironment } from '../context';
import type { PolicyStatement } from '../iam/policy';

/**
 * The SNS topic policy statement that lets CloudWatch alarms of one environment — in its
 * account, named `<prefix>-…` — publish to `topicArn`, and no other alarm.
 */
export function alarmsPublish(topicArn: string, e: AwsEnvironment, prefix: string): PolicyStatement {
  return {
    Sid: 'CloudWatchAlarmsPublish',
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: { StringEquals: { 'aws:SourceAccount': e.accountId }, ArnLike: { 'aws:SourceArn': arns(e).alarm(`${prefix}-*`) } },
  };
}
