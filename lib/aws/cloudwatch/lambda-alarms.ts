import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type { Provider } from '@pulumi/aws/provider';
import * as pulumi from '@pulumi/pulumi';
import { fail } from '../../core/errors';
import { childOptions } from '../options';

/** Evaluation period of every alarm (seconds). */
const PERIOD = 300;
/** "Near the timeout": the slowest invocation of a period took this share of the timeout. */
export const DURATION_ALARM_RATIO = 0.9;

export interface LambdaAlarmsArgs {
  /** Deterministic Lambda function name. */
  readonly functionName: string;
  readonly timeoutSeconds: number;
  /** Error ratio (percent of invocations) above which the errors alarm fires (the function's SLO). */
  readonly errorRatioPercent: number;
  /**
   * Dead-letter queues of the function: each alarms as soon as it holds a message. Empty when
   * the function keeps no dead letters (`delivery.deadLetter: false`): then failed
   * asynchronous events are dropped, and that alarms instead.
   */
  readonly deadLetterQueues: readonly string[];
  /** SNS topic notified on alarm and on recovery. */
  readonly topicArn: pulumi.Input<string>;
  /**
   * Topics notified as well for lost events (dead letters waiting, asynchronous events
   * dropped or not delivered to the dead-letter queue): the function's tenant's. @default none
   */
  readonly lostEventTopicArns?: readonly pulumi.Input<string>[];
  /** @default the parent's provider */
  readonly provider?: Provider;
}

/**
 * CloudWatch alarms of one Lambda function: error ratio above its SLO, any throttling, an
 * invocation close to the timeout, and lost events: a dead letter waiting in any of its DLQs,
 * and an asynchronous event that failed its retries and could not be kept (dropped without
 * a DLQ, or the DLQ refused it: Lambda's `AsyncEventsDropped` / `DestinationDeliveryFailures`).
 * Lost-event alarms also notify `lostEventTopicArns`.
 */
export class LambdaAlarms extends pulumi.ComponentResource {
  /** Alarm names, in creation order. */
  readonly alarmNames: string[] = [];

  constructor(name: string, args: LambdaAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:LambdaAlarms', name, {}, opts);
    if (!(args.errorRatioPercent > 0 && args.errorRatioPercent <= 100)) fail('slo.errorRatioPercent', args.errorRatioPercent, 'must be a percentage above 0 and at most 100');
    if (!(args.timeoutSeconds >= 1)) fail('timeoutSeconds', args.timeoutSeconds, 'must be at least 1 second');
    const o = childOptions(this, args.provider, opts);
    const fn = args.functionName;
    const common = {
      alarmActions: [args.topicArn],
      okActions: [args.topicArn],
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
    };
    const lambdaMetric = (metricName: string, stat: string) => ({ namespace: 'AWS/Lambda', metricName, period: PERIOD, stat, dimensions: { FunctionName: fn } });
    const alarm = (id: string, args2: cloudwatch.MetricAlarmArgs) => {
      this.alarmNames.push(args2.name as string);
      return new cloudwatch.MetricAlarm(`${name}-${id}`, { ...common, ...args2 }, o);
    };
    const lost = [args.topicArn, ...(args.lostEventTopicArns ?? [])];
    const lostActions = { alarmActions: lost, okActions: lost };

    alarm('errors', {
      name: `${fn}-errors`,
      alarmDescription: `${fn}: more than ${args.errorRatioPercent}% of invocations failed in 5 minutes (SLO)`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: args.errorRatioPercent,
      metricQueries: [
        { id: 'errors', metric: lambdaMetric('Errors', 'Sum'), returnData: false },
        { id: 'invocations', metric: lambdaMetric('Invocations', 'Sum'), returnData: false },
        { id: 'ratio', expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', label: 'Error ratio (%)', returnData: true },
      ],
    });
    alarm('throttles', {
      name: `${fn}-throttles`,
      alarmDescription: `${fn}: invocations were throttled (concurrency limit reached)`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      statistic: 'Sum',
      period: PERIOD,
      dimensions: { FunctionName: fn },
    });
    alarm('duration', {
      name: `${fn}-duration`,
      alarmDescription: `${fn}: an invocation took over ${DURATION_ALARM_RATIO * 100}% of the ${args.timeoutSeconds}s timeout`,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: Math.round(args.timeoutSeconds * 1000 * DURATION_ALARM_RATIO),
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      statistic: 'Maximum',
      unit: 'Milliseconds',
      period: PERIOD,
      dimensions: { FunctionName: fn },
    });
    // Lambda counts asynchronous events that fail every retry or expire as AsyncEventsDropped
    // (after sending them to the on-failure destination, if any): without a DLQ they are lost;
    // with one, only a failed delivery to it (DestinationDeliveryFailures) loses them.
    const keeps = args.deadLetterQueues.length > 0;
    alarm(keeps ? 'dead-letter-failures' : 'async-dropped', {
      ...lostActions,
      name: keeps ? `${fn}-dead-letter-failures` : `${fn}-async-dropped`,
      alarmDescription: keeps
        ? `${fn}: failed asynchronous events could not be sent to the dead-letter queue (lost)`
        : `${fn}: asynchronous events failed every retry or expired and were dropped (no dead-letter queue)`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      namespace: 'AWS/Lambda',
      metricName: keeps ? 'DestinationDeliveryFailures' : 'AsyncEventsDropped',
      statistic: 'Sum',
      period: PERIOD,
      dimensions: { FunctionName: fn },
    });
    for (const queue of args.deadLetterQueues) {
      alarm(`dlq-${queue}`, {
        ...lostActions,
        name: `${queue}-not-empty`,
        alarmDescription: `${queue}: dead letters are waiting — events of ${fn} that failed every retry`,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        period: PERIOD,
        dimensions: { QueueName: queue },
      });
    }
    this.registerOutputs({ alarms: this.alarmNames });
  }
}
