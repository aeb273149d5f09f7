import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sns from '@pulumi/aws/sns';
import * as sqs from '@pulumi/aws/sqs';
import { policyDocument, policyJson, serviceTrustPolicy, type PolicyStatement } from '../iam/policy';
import { arnProblem, formatArn, MSK_CLUSTER_ARN, parseArn, SECRETS_MANAGER_SECRET_ARN } from '../../core/arn';
import { fail } from '../../core/errors';
import type * as pulumi from '@pulumi/pulumi';
import type { LambdaNames } from './limits';
import type { Arns, AwsEnvironment } from '../context';

/** An S3 notification the bucket's (single) notification configuration must carry. */
export interface S3NotificationTarget {
  readonly bucket: string;
  readonly id: string;
  readonly kind: 'topic' | 'lambda';
  /** Topic ARN (kind topic) or alias ARN (kind lambda). */
  readonly arn: string;
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
  /** What S3 needs in place first: the topic policy or the invoke permission (S3 tests delivery on save). */
  readonly dependsOn: pulumi.Resource[];
}

/** What an event source needs of the function it binds to (LambdaFunction implements it). */
export interface ILambdaFunction {
  readonly names: LambdaNames;
  readonly arns: Arns;
  readonly environment: AwsEnvironment;
  readonly tags: Record<string, string>;
  readonly aliasArn: string;
  readonly alias: lambda.Alias;
  readonly policy: iam.RolePolicy;
  readonly statements: readonly PolicyStatement[];
  readonly deadLetterQueue?: sqs.Queue;
  readonly delivery: { readonly retries: number; readonly maxEventAgeSeconds: number; readonly deadLetter: boolean };
  readonly deadLetterRetentionSeconds: number;
  readonly timeoutSeconds: number;
  readonly topics: Record<string, sns.Topic>;
  readonly s3Notifications: S3NotificationTarget[];
  readonly resourceName: string;
  readonly childOptions: pulumi.CustomResourceOptions;
  readonly snsSources: string[];
  queue(resourceName: string, queueName: string, args: Omit<sqs.QueueArgs, 'name'>, deadLetter: boolean): sqs.Queue;
}

/** AWS recommends a source queue visibility timeout of six times the function timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Something that invokes a Lambda function (AWS CDK's `IEventSource`). A source is bound in two
 * steps because the execution role's policy is written once: `grants` adds the statements the
 * function's role needs to consume it, then `bind` creates the source's resources (after the
 * policy, the alias and the dead-letter queue exist).
 */
export interface IEventSource {
  /** Distinguishes this source's resources (`<function>-s3-<key>`) and statements (`S3Read<key>`). @default its position among the function's sources */
  readonly key?: string | number;
  /** Statements the function's execution role needs for this source. */
  grants(fn: ILambdaFunction, key: string | number): PolicyStatement[];
  /** Creates the source's resources for the function. */
  bind(fn: ILambdaFunction, key: string | number): void;
}

interface Keyed {
  /** See IEventSource.key. */
  readonly key?: string | number;
}

/** What every event source shares: its props, and the key from them. */
abstract class EventSource<P extends Keyed> implements IEventSource {
  constructor(readonly props: P) {}

  get key(): string | number | undefined {
    return this.props.key;
  }

  abstract grants(fn: ILambdaFunction, key: string | number): PolicyStatement[];
  abstract bind(fn: ILambdaFunction, key: string | number): void;
}

export interface S3EventSourceProps extends Keyed {
  readonly bucket: string;
  /** @default ['s3:ObjectCreated:*'] */
  readonly events?: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
  /** Through an SNS topic (fan-out, seed 000) or S3 invoking the function directly. @default 'sns' */
  readonly via?: 'sns' | 'direct';
}

/**
 * New objects in a bucket: S3 → SNS topic → function, or S3 → function. The bucket's
 * notification configuration itself is not created here (S3 keeps one per bucket): the
 * function lists it in `s3Notifications` for lib/aws/s3 BucketNotifications.
 */
export class S3EventSource extends EventSource<S3EventSourceProps> {
  grants(fn: ILambdaFunction, key: string | number): PolicyStatement[] {
    const p = this.props;
    return [{ Sid: `S3Read${key}`, Effect: 'Allow', Action: ['s3:GetObject'], Resource: fn.arns.s3Objects(p.bucket, `${p.prefix ?? ''}*${p.suffix ?? ''}`) }];
  }

  bind(fn: ILambdaFunction, i: string | number): void {
    const p = this.props;
    const o = fn.childOptions;
    const name = fn.resourceName;
    const events = [...(p.events ?? ['s3:ObjectCreated:*'])];
    const filter = { ...(p.prefix && { prefix: p.prefix }), ...(p.suffix && { suffix: p.suffix }) };
    if ((p.via ?? 'sns') === 'sns') {
      const topicName = `${fn.names.function}-s3-${i}`;
      const topicArn = fn.arns.sns(topicName);
      const topic = new sns.Topic(`${name}-s3-${i}`, { name: topicName, tags: fn.tags }, o);
      fn.topics[topicName] = topic;
      const topicPolicy = new sns.TopicPolicy(
        `${name}-s3-${i}-policy`,
        {
          arn: topic.arn,
          policy: policyJson(
            policyDocument([
              {
                Sid: 'S3Publish',
                Effect: 'Allow',
                Principal: { Service: 's3.amazonaws.com' },
                Action: 'sns:Publish',
                Resource: topicArn,
                Condition: { ArnEquals: { 'aws:SourceArn': fn.arns.s3Bucket(p.bucket) }, StringEquals: { 'aws:SourceAccount': fn.environment.accountId } },
              },
            ]),
          ),
        },
        o,
      );
      const permission = new lambda.Permission(
        `${name}-s3-${i}-invoke`,
        { action: 'lambda:InvokeFunction', function: fn.names.function, qualifier: fn.alias.name, principal: 'sns.amazonaws.com', sourceArn: topicArn },
        o,
      );
      new sns.TopicSubscription(
        `${name}-s3-${i}-subscription`,
        {
          topic: topic.arn,
          protocol: 'lambda',
          endpoint: fn.aliasArn,
          ...(fn.deadLetterQueue && { redrivePolicy: JSON.stringify({ deadLetterTargetArn: fn.arns.sqs(fn.names.deadLetterQueue) }) }),
        },
        { ...o, dependsOn: [permission, fn.alias] },
      );
      fn.snsSources.push(topicArn);
      fn.s3Notifications.push({ bucket: p.bucket, id: topicName, kind: 'topic', arn: topicArn, events, ...filter, dependsOn: [topicPolicy] });
    } else {
      const permission = new lambda.Permission(
        `${name}-s3-${i}-invoke`,
        {
          action: 'lambda:InvokeFunction',
          function: fn.names.function,
          qualifier: fn.alias.name,
          principal: 's3.amazonaws.com',
          sourceArn: fn.arns.s3Bucket(p.bucket),
          sourceAccount: fn.environment.accountId,
        },
        o,
      );
      fn.s3Notifications.push({ bucket: p.bucket, id: `${fn.names.function}-s3-${i}`, kind: 'lambda', arn: fn.aliasArn, events, ...filter, dependsOn: [permission] });
    }
  }
}

export interface SqsEventSourceProps extends Keyed {
  /** Name of the queue this source creates. */
  readonly queueName: string;
  /** @default 10 */
  readonly batchSize?: number;
  /** Most concurrent invocations the queue drives (2–1000). @default unlimited */
  readonly maxConcurrency?: number;
}

/** A queue created for the function, with its own dead-letter queue (redrive), polled with partial batch failures. */
export class SqsEventSource extends EventSource<SqsEventSourceProps> {
  grants(fn: ILambdaFunction, key: string | number): PolicyStatement[] {
    return [
      {
        Sid: `SqsTrigger${key}`,
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        Resource: fn.arns.sqs(this.props.queueName),
      },
    ];
  }

  bind(fn: ILambdaFunction, i: string | number): void {
    const { queueName } = this.props;
    const name = fn.resourceName;
    const dlq = fn.delivery.deadLetter ? fn.queue(`${name}-sqs-${i}-dlq`, `${queueName}-dlq`, { messageRetentionSeconds: fn.deadLetterRetentionSeconds }, true) : undefined;
    const queue = fn.queue(
      `${name}-sqs-${i}`,
      queueName,
      {
        visibilityTimeoutSeconds: Math.min(fn.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR, SQS_MAX_VISIBILITY_SECONDS),
        ...(dlq && { redrivePolicy: JSON.stringify({ deadLetterTargetArn: fn.arns.sqs(`${queueName}-dlq`), maxReceiveCount: fn.delivery.retries + 1 }) }),
      },
      false,
    );
    const batchSize = this.props.batchSize ?? 10;
    const max = this.props.maxConcurrency;
    new lambda.EventSourceMapping(
      `${name}-sqs-${i}-mapping`,
      {
        eventSourceArn: fn.arns.sqs(queueName),
        functionName: fn.aliasArn,
        batchSize,
        // Standard queues need a batching window for batches above 10.
        ...(batchSize > 10 && { maximumBatchingWindowInSeconds: 1 }),
        functionResponseTypes: ['ReportBatchItemFailures'],
        ...(max !== undefined && max >= 2 && { scalingConfig: { maximumConcurrency: Math.min(max, 1000) } }),
        tags: fn.tags,
      },
      { ...fn.childOptions, dependsOn: [fn.policy, queue, fn.alias, ...(dlq ? [dlq] : [])] },
    );
  }
}

/** A self-managed Kafka cluster: reachable brokers, the VPC to reach them from, SCRAM-SHA-512 over TLS. */
export interface SelfManagedKafka {
  readonly bootstrapServers: readonly string[];
  readonly saslScram512SecretArn: string;
  readonly rootCaSecretArn?: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface KafkaEventSourceProps extends Keyed {
  readonly topic: string;
  readonly consumerGroup: string;
  /** @default 100 */
  readonly batchSize?: number;
  /** Amazon MSK (IAM auth), or a self-managed cluster: exactly one. */
  readonly msk?: { readonly clusterArn: string };
  readonly selfManaged?: SelfManagedKafka;
}

/** Kafka records from Amazon MSK (IAM auth) or a self-managed cluster (SCRAM over TLS), starting at LATEST. */
export class KafkaEventSource extends EventSource<KafkaEventSourceProps> {
  constructor(props: KafkaEventSourceProps) {
    if (!props.msk === !props.selfManaged) throw new Error(`KafkaEventSource ${props.topic}: give exactly one of msk or selfManaged`);
    // The ARNs become grants: a wildcard or another kind of resource would widen them.
    const arnChecks: [string, string | undefined, typeof MSK_CLUSTER_ARN][] = [
      ['msk.clusterArn', props.msk?.clusterArn, MSK_CLUSTER_ARN],
      ['selfManaged.saslScram512SecretArn', props.selfManaged?.saslScram512SecretArn, SECRETS_MANAGER_SECRET_ARN],
      ['selfManaged.rootCaSecretArn', props.selfManaged?.rootCaSecretArn, SECRETS_MANAGER_SECRET_ARN],
    ];
    for (const [field, value, kind] of arnChecks) {
      const problem = value === undefined ? undefined : arnProblem(value, kind);
      if (problem) fail(`KafkaEventSource(${props.topic}).${field}`, value, problem);
    }
    super(props);
  }

  grants(fn: ILambdaFunction, key: string | number): PolicyStatement[] {
    const i = key;
    const { msk, selfManaged: k, topic, consumerGroup } = this.props;
    const out: PolicyStatement[] = [];
    if (msk) {
      // MSK ARNs: cluster/<name>/<uuid>; its topics and groups are topic/<name>/<uuid>/<topic> and
      // group/<name>/<uuid>/<group> in the same partition, region and account.
      const cluster = parseArn(msk.clusterArn)!;
      const under = (type: string, name: string) => formatArn({ ...cluster, resource: `${type}/${cluster.resourceId}/${name}` });
      out.push({
        Sid: `MskCluster${i}`,
        Effect: 'Allow',
        Action: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
        Resource: msk.clusterArn,
      });
      out.push({ Sid: `MskTopic${i}`, Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: under('topic', topic) });
      out.push({ Sid: `MskGroup${i}`, Effect: 'Allow', Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], Resource: under('group', consumerGroup) });
    } else {
      out.push({ Sid: `KafkaSecrets${i}`, Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [k!.saslScram512SecretArn, ...(k!.rootCaSecretArn ? [k!.rootCaSecretArn] : [])] });
    }
    if (![...fn.statements, ...out].some((s) => s.Sid === 'KafkaNetworkInterfaces')) {
      // The Kafka poller reaches the brokers through ENIs it creates with this role, in the
      // subnets of the mapping (self-managed: ours; MSK: the cluster's, which the spec does not
      // name, so those stay account- and region-wide).
      const subnets = msk ? [fn.arns.ec2('subnet/*')] : k!.subnetIds.map((s) => fn.arns.ec2(`subnet/${s}`));
      const groups = msk ? [fn.arns.ec2('security-group/*')] : k!.securityGroupIds.map((s) => fn.arns.ec2(`security-group/${s}`));
      // DeleteNetworkInterface takes the ENI's subnet as the ec2:Subnet condition key (an ARN).
      const inSubnets = msk ? undefined : { ArnEquals: { 'ec2:Subnet': subnets } };
      out.push({ Sid: 'KafkaNetworkInterfaces', Effect: 'Allow', Action: ['ec2:CreateNetworkInterface'], Resource: [fn.arns.ec2('network-interface/*'), ...subnets, ...groups] });
      out.push({
        Sid: 'KafkaNetworkInterfaceCleanup',
        Effect: 'Allow',
        Action: ['ec2:DeleteNetworkInterface'],
        Resource: fn.arns.ec2('network-interface/*'),
        ...(inSubnets && { Condition: inSubnets }),
      });
      out.push({ Sid: 'KafkaNetworkDescribe', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'], Resource: '*' });
      // The ENI rights are for Lambda's poller, not the function's code: requests made with the
      // role's credentials from inside the function carry lambda:SourceFunctionArn (AWS's
      // documented way to keep the code from managing ENIs); the poller's do not.
      out.push({
        Sid: 'KafkaNetworkNotFromCode',
        Effect: 'Deny',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
        Resource: '*',
        Condition: { ArnEquals: { 'lambda:SourceFunctionArn': fn.arns.lambda(fn.names.function) } },
      });
    }
    return out;
  }

  bind(fn: ILambdaFunction, i: string | number): void {
    const { msk, selfManaged: k, topic, consumerGroup } = this.props;
    new lambda.EventSourceMapping(
      `${fn.resourceName}-kafka-${i}`,
      {
        functionName: fn.aliasArn,
        topics: [topic],
        startingPosition: 'LATEST',
        batchSize: this.props.batchSize ?? 100,
        tags: fn.tags,
        ...(fn.deadLetterQueue && { destinationConfig: { onFailure: { destinationArn: fn.arns.sqs(fn.names.deadLetterQueue) } } }),
        ...(msk
          ? { eventSourceArn: msk.clusterArn, amazonManagedKafkaEventSourceConfig: { consumerGroupId: consumerGroup } }
          : {
              selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: k!.bootstrapServers.join(',') } },
              selfManagedKafkaEventSourceConfig: { consumerGroupId: consumerGroup },
              sourceAccessConfigurations: [
                { type: 'SASL_SCRAM_512_AUTH', uri: k!.saslScram512SecretArn },
                ...(k!.rootCaSecretArn ? [{ type: 'SERVER_ROOT_CA_CERTIFICATE', uri: k!.rootCaSecretArn }] : []),
                ...k!.subnetIds.map((s) => ({ type: 'VPC_SUBNET', uri: `subnet:${s}` })),
                ...k!.securityGroupIds.map((s) => ({ type: 'VPC_SECURITY_GROUP', uri: `security_group:${s}` })),
              ],
            }),
      },
      { ...fn.childOptions, dependsOn: [fn.policy, fn.alias, ...(fn.deadLetterQueue ? [fn.deadLetterQueue] : [])] },
    );
  }
}

export interface ScheduleEventSourceProps extends Keyed {
  /** An EventBridge Scheduler expression: `cron(…)`, `rate(…)` or `at(…)`. */
  readonly expression: string;
  /** @default 'UTC' */
  readonly timezone?: string;
  /** The event the function receives. @default {} */
  readonly input?: unknown;
}

/**
 * An EventBridge Scheduler schedule invoking the live alias, retried like the function's other
 * asynchronous paths, with its dead letters in the function's queue. The schedules of a
 * function share one scheduler role (created with the first).
 */
export class ScheduleEventSource extends EventSource<ScheduleEventSourceProps> {
  grants(): PolicyStatement[] {
    return [];
  }

  bind(fn: ILambdaFunction, i: string | number): void {
    const { policy } = schedulerRole(fn);
    new scheduler.Schedule(
      `${fn.resourceName}-schedule-${i}`,
      {
        name: `${fn.names.function}-${i}`,
        groupName: 'default',
        scheduleExpression: this.props.expression,
        scheduleExpressionTimezone: this.props.timezone ?? 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: fn.aliasArn,
          roleArn: fn.arns.role(fn.names.schedulerRole),
          input: JSON.stringify(this.props.input ?? {}),
          retryPolicy: { maximumRetryAttempts: fn.delivery.retries, maximumEventAgeInSeconds: fn.delivery.maxEventAgeSeconds },
          ...(fn.deadLetterQueue && { deadLetterConfig: { arn: fn.arns.sqs(fn.names.deadLetterQueue) } }),
        },
      },
      { ...fn.childOptions, dependsOn: [policy, fn.alias] },
    );
  }
}

const schedulerRoles = new WeakMap<ILambdaFunction, { role: iam.Role; policy: iam.RolePolicy }>();

/** The function's scheduler role: may invoke its live alias and send to its dead-letter queue. */
function schedulerRole(fn: ILambdaFunction): { role: iam.Role; policy: iam.RolePolicy } {
  const existing = schedulerRoles.get(fn);
  if (existing) return existing;
  const o = fn.childOptions;
  const name = fn.resourceName;
  // Scheduler sends its schedule group's ARN as aws:SourceArn when it assumes the role, never
  // the schedule's: a schedule ARN in the trust policy would never match and nothing would run.
  const scheduleGroupArn = fn.arns.scheduleGroup('default');
  const statements: PolicyStatement[] = [{ Sid: 'InvokeLive', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: fn.aliasArn }];
  if (fn.deadLetterQueue) statements.push({ Sid: 'DeadLetterQueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: fn.arns.sqs(fn.names.deadLetterQueue) });
  const role = new iam.Role(
    `${name}-sched`,
    {
      name: fn.names.schedulerRole,
      assumeRolePolicy: policyJson(serviceTrustPolicy('scheduler.amazonaws.com', { accountId: fn.environment.accountId, arn: scheduleGroupArn })),
      description: `EventBridge Scheduler role of Lambda function ${fn.names.function}`,
      tags: fn.tags,
    },
    o,
  );
  const policy = new iam.RolePolicy(`${name}-sched-policy`, { name: 'least-privilege', role: role.id, policy: policyJson(policyDocument(statements)) }, o);
  const created = { role, policy };
  schedulerRoles.set(fn, created);
  return created;
}
