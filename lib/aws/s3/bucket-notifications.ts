import * as s3 from '@pulumi/aws/s3';
import type { Provider } from '@pulumi/aws/provider';
import { childOptions, dependencies } from '../options';
import * as pulumi from '@pulumi/pulumi';
import type { S3NotificationTarget } from '../lambda/lambda-function';

export interface BucketNotificationsArgs {
  /** The bucket (an existing bucket: the toolkit owns only its notification configuration). */
  readonly bucket: string;
  /** Every notification of the environment's functions on this bucket. */
  readonly targets: readonly S3NotificationTarget[];
  /** @default the parent's provider */
  readonly provider?: Provider;
}

/**
 * The notification configuration of one bucket. S3 keeps a single configuration per bucket
 * (saving one replaces the previous), so every function's S3 trigger on the bucket goes into
 * this one resource — SNS topics for fan-out, functions for direct triggers.
 */
export class BucketNotifications extends pulumi.ComponentResource {
  readonly notification: s3.BucketNotification;

  constructor(name: string, args: BucketNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:BucketNotifications', name, {}, opts);
    const sorted = [...args.targets].sort((a, b) => a.id.localeCompare(b.id));
    const entry = (t: S3NotificationTarget) => ({ id: t.id, events: [...t.events], ...(t.prefix && { filterPrefix: t.prefix }), ...(t.suffix && { filterSuffix: t.suffix }) });
    const topics = sorted.filter((t) => t.kind === 'topic').map((t) => ({ ...entry(t), topicArn: t.arn }));
    const lambdaFunctions = sorted.filter((t) => t.kind === 'lambda').map((t) => ({ ...entry(t), lambdaFunctionArn: t.arn }));
    this.notification = new s3.BucketNotification(
      `${name}-notification`,
      { bucket: args.bucket, ...(topics.length > 0 && { topics }), ...(lambdaFunctions.length > 0 && { lambdaFunctions }) },
      // S3 sends a test event when the configuration is saved: topic policies and invoke permissions first.
      { ...childOptions(this, args.provider, opts), dependsOn: [...dependencies(opts), ...sorted.flatMap((t) => t.dependsOn)] },
    );
    this.registerOutputs({ bucket: args.bucket, notifications: sorted.map((t) => t.id) });
  }
}
