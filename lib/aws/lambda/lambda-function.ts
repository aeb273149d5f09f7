import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { fail } from '../../core/errors';
import { coldStartScale, type FunctionSpec, type TriggerSpec } from '../../spec/function';
import { ENV_TOKEN, naming, resolveBucket } from '../../core/naming';
import { lambdaMemoryMb } from '../../spec/targets/lambda';
import {
  LAMBDA_BLOCKED_RUNTIMES,
  LAMBDA_EVENT_AGE_SECONDS,
  LAMBDA_MAX_ASYNC_RETRIES,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  LAMBDA_MEMORY_MB,
  lambdaNames,
  lambdaSecretEnv,
  logRetentionDays,
  sqsTriggerQueueName,
  type LambdaNames,
} from './limits';
import { awsScheduleExpression, CronConversionError } from './schedule-expression';
import { s3BucketNameProblem } from '../s3/bucket-name';
import { lambdaKafkaProblem } from './kafka-event-source';
import { arns, type Arns, type AwsEnvironment } from '../context';
import { policyDocument, policyJson, serviceTrustPolicy, type PolicyStatement } from '../iam/policy';
import { childOptions } from '../options';
import { environmentProvider, TAG_KEYS } from '../provider';
import { bundleCode, writeBundle } from './code-bundle';

export { LAMBDA_BLOCKED_RUNTIMES };

/** SQS keeps a message at most 14 days: dead letters stay as long as possible. */
const DLQ_RETENTION_SECONDS = 1_209_600;
/** AWS recommends a source queue visibility timeout of six times the function timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

export interface LambdaFunctionArgs {
  /** The function as the spec declares it (`target: 'lambda'`). */
  readonly function: FunctionSpec;
  /** Account, region, platform and environment. */
  readonly environment: AwsEnvironment;
  /** Days to keep the function's logs (rounded up to a period CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Amazon MSK cluster for `kafka` triggers (`spec.kafka.msk`). @default none: `lambda.selfManagedKafka` */
  readonly msk?: { readonly clusterArn: string };
  /** Root that `code.path` is relative to. @default process.cwd() */
  readonly codeRoot?: string;
  /**
   * Provider for the function's resources: pass the environment's (one provider process per
   * environment, not per function). The function's taggable resources carry `tenant` and
   * `function` tags of their own on top of the provider's default tags.
   * @default a provider of its own for the environment (for a function deployed alone)
   */
  readonly provider?: aws.Provider;
  /** Where the function sits in the spec, for error messages. @default `functions[<name>]` */
  readonly specPath?: string;
}

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

/**
 * The function with every S3 bucket name resolved for the environment (`{env}` replaced),
 * each checked against S3's naming rules; refuses a variable that would receive two names.
 */
function resolveBuckets(fn: FunctionSpec, env: string, path: string): FunctionSpec {
  const resolve = (bucket: string, at: string): string => {
    const resolved = resolveBucket(bucket, env);
    const problem = s3BucketNameProblem(resolved);
    if (problem) fail(at, bucket, bucket.includes(ENV_TOKEN) ? `gives the bucket name "${resolved}" in environment "${env}", which ${problem}` : problem);
    return resolved;
  };
  const s3Write = fn.lambda?.s3Write?.map((w, i) => ({ ...w, bucket: resolve(w.bucket, `${path}.lambda.s3Write[${i}].bucket`) }));
  const vars = new Map<string, string>();
  (s3Write ?? []).forEach((w, i) => {
    if (!w.envVar) return;
    const clash = fn.env?.[w.envVar] !== undefined ? 'is also set in env' : vars.has(w.envVar) && vars.get(w.envVar) !== w.bucket ? `already receives bucket ${vars.get(w.envVar)}` : undefined;
    if (clash) fail(`${path}.lambda.s3Write[${i}].envVar`, w.envVar, `${clash}; the variable receives one resolved bucket name`);
    vars.set(w.envVar, w.bucket);
  });
  return {
    ...fn,
    ...(fn.triggers && { triggers: fn.triggers.map((t, i) => (t.type === 's3' ? { ...t, bucket: resolve(t.bucket, `${path}.triggers[${i}].bucket`) } : t)) }),
    ...(fn.lambda && s3Write && { lambda: { ...fn.lambda, s3Write } }),
  };
}

/** The retry/dead-letter settings of every asynchronous path of a function. */
interface Delivery {
  readonly retries: number;
  readonly maxEventAgeSeconds: number;
  readonly deadLetter: boolean;
}

/**
 * A Lambda function from a `FunctionSpec`: a deterministic code package (or an ECR image),
 * an execution role whose inline policy names exactly the resources its triggers and
 * destinations use, its log group with the profile's retention, a published version behind
 * the `live` alias (provisioned concurrency from the cold-start preset), asynchronous
 * retries with an SQS dead-letter queue, and its triggers (S3 via SNS or direct, SQS,
 * EventBridge Scheduler, MSK/self-managed Kafka; HTTP through Kong, or a function URL with
 * IAM auth when asked).
 */
export class LambdaFunction extends pulumi.ComponentResource {
  readonly names: LambdaNames;
  /** Deterministic ARNs (known before deployment, so the cluster side can use them). */
  readonly functionArn: string;
  readonly aliasArn: string;
  readonly roleArn: string;
  /** Tags of the function's taggable resources (tenant and function; the provider adds platform and env). */
  readonly tags: Record<string, string>;
  readonly function: aws.lambda.Function;
  readonly alias: aws.lambda.Alias;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The function's dead-letter queue (absent when `delivery.deadLetter` is false). */
  readonly deadLetterQueue?: aws.sqs.Queue;
  /** Every dead-letter queue this function owns (its own and its SQS triggers'), by queue name. */
  readonly deadLetterQueueNames: string[] = [];
  /** The same dead-letter queues as resources. */
  readonly deadLetterQueues: aws.sqs.Queue[] = [];
  /** The execution role's policy statements, exactly as deployed. */
  readonly statements: PolicyStatement[] = [];
  /** SNS topics S3 notifies (one per `s3` trigger with `via: 'sns'`), by name: subscribe more consumers to fan out. */
  readonly topics: Record<string, aws.sns.Topic> = {};
  /** Notifications for lib/aws/s3 BucketNotifications (S3 keeps one configuration per bucket). */
  readonly s3Notifications: S3NotificationTarget[] = [];
  /** Timeout in seconds (alarms compare Duration with it). */
  readonly timeoutSeconds: number;
  /** Base64 SHA-256 of the code package (code functions only). */
  readonly codeSha256?: string;
  readonly functionUrl?: aws.lambda.FunctionUrl;

  private readonly spec: FunctionSpec;
  private readonly env: AwsEnvironment;
  private readonly arn: Arns;
  private readonly childOpts: pulumi.CustomResourceOptions;
  private readonly delivery: Delivery;
  private readonly path: string;

  constructor(name: string, args: LambdaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:LambdaFunction', name, {}, opts);
    this.env = args.environment;
    this.path = args.specPath ?? `functions[${args.function.name}]`;
    // From here on bucket names are the environment's real ones.
    const fn = resolveBuckets(args.function, args.environment.env, this.path);
    this.spec = fn;
    this.arn = arns(args.environment);
    this.names = lambdaNames(naming.lambdaFunction(args.environment.platform, args.environment.env, fn.name));
    this.functionArn = this.arn.lambda(this.names.function);
    this.aliasArn = this.arn.lambda(this.names.function, this.names.alias);
    this.roleArn = this.arn.role(this.names.role);

    // Validation first: nothing is registered for a function AWS would reject.
    if (fn.target !== 'lambda') fail(`${this.path}.target`, fn.target, 'LambdaFunction deploys functions with target "lambda"');
    this.timeoutSeconds = fn.timeoutSeconds ?? 30;
    if (this.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) fail(`${this.path}.timeoutSeconds`, this.timeoutSeconds, `Lambda functions time out after at most ${LAMBDA_MAX_TIMEOUT_SECONDS} seconds`);
    const memoryMb = lambdaMemoryMb(fn);
    if (memoryMb < LAMBDA_MEMORY_MB.min || memoryMb > LAMBDA_MEMORY_MB.max) {
      fail(`${this.path}.${fn.lambda?.memoryMb !== undefined ? 'lambda.memoryMb' : 'resources.limits.memory'}`, memoryMb, `Lambda memory must be ${LAMBDA_MEMORY_MB.min}–${LAMBDA_MEMORY_MB.max} MB`);
    }
    const retries = fn.delivery?.retries ?? LAMBDA_MAX_ASYNC_RETRIES;
    if (retries > LAMBDA_MAX_ASYNC_RETRIES) fail(`${this.path}.delivery.retries`, retries, `Lambda retries asynchronous invocations at most ${LAMBDA_MAX_ASYNC_RETRIES} times; use 0–${LAMBDA_MAX_ASYNC_RETRIES}`);
    this.delivery = { retries, maxEventAgeSeconds: fn.lambda?.maxEventAgeSeconds ?? LAMBDA_EVENT_AGE_SECONDS.max, deadLetter: fn.delivery?.deadLetter !== false };
    if (!fn.code === !fn.image) fail(`${this.path}.code`, fn.code, 'target "lambda" needs exactly one of "code" (bundled with esbuild) or "image" (an ECR image URI)');
    if (fn.code && LAMBDA_BLOCKED_RUNTIMES[fn.code.runtime]) fail(`${this.path}.code.runtime`, fn.code.runtime, LAMBDA_BLOCKED_RUNTIMES[fn.code.runtime]);
    if (fn.image && !/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(fn.image)) {
      fail(`${this.path}.image`, fn.image, 'Lambda runs container images from Amazon ECR only ("<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>")');
    }
    // A function's own self-managed Kafka wins over the platform's MSK cluster.
    const msk = fn.lambda?.selfManagedKafka ? undefined : args.msk;
    const schedules = (fn.triggers ?? []).flatMap((t, i) => (t.type === 'schedule' ? [{ t, i, expression: this.scheduleExpression(t.cron, i) }] : []));
    const kafkaTriggers = (fn.triggers ?? []).filter((t) => t.type === 'kafka');
    const kafkaProblem = kafkaTriggers.length > 0 ? lambdaKafkaProblem({ msk, selfManagedKafka: fn.lambda?.selfManagedKafka }) : undefined;
    if (kafkaProblem) fail(`${this.path}.triggers`, kafkaTriggers[0], kafkaProblem);
    const code = fn.code ? bundleCode({ ...fn.code, root: args.codeRoot, specPath: `${this.path}.code` }) : undefined;
    this.codeSha256 = code?.sha256;

    const provider = args.provider ?? environmentProvider(`${name}-aws`, args.environment, { parent: this });
    this.childOpts = childOptions(this, provider, opts);
    const o = this.childOpts;
    const tags = (this.tags = { [TAG_KEYS.tenant]: fn.tenant, [TAG_KEYS.function]: fn.name });

    this.role = new aws.iam.Role(`${name}-exec`, { name: this.names.role, assumeRolePolicy: policyJson(serviceTrustPolicy('lambda.amazonaws.com')), description: `Execution role of Lambda function ${this.names.function}`, tags }, o);
    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: this.names.logGroup, retentionInDays: logRetentionDays(args.logRetentionDays), tags }, o);
    this.grant('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], this.arn.logStreams(this.names.logGroup));

    if (this.delivery.deadLetter) {
      this.deadLetterQueue = this.queue(`${name}-dlq`, this.names.deadLetterQueue, { messageRetentionSeconds: DLQ_RETENTION_SECONDS }, true);
      this.grant('DeadLetterQueue', ['sqs:SendMessage'], this.arn.sqs(this.names.deadLetterQueue));
    }
    (fn.secrets ?? []).forEach((s, i) => {
      // Secrets Manager appends six random characters to a secret's ARN; `??????` matches exactly those.
      this.grant(`Secret${i}`, ['secretsmanager:GetSecretValue'], `arn:${args.environment.partition ?? 'aws'}:secretsmanager:${args.environment.region}:${args.environment.accountId}:secret:${s.secret}-??????`);
    });
    (fn.lambda?.s3Write ?? []).forEach((w, i) => this.grant(`S3Write${i}`, ['s3:PutObject'], this.arn.s3Objects(w.bucket, `${w.prefix}*`)));

    // Trigger permissions are known before any resource exists: grant them all, then create the policy once.
    const triggers = (fn.triggers ?? []).map((t, i) => ({ t, i }));
    for (const { t, i } of triggers) this.grantTrigger(t, i, msk);
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { name: 'least-privilege', role: this.role.id, policy: policyJson(policyDocument(this.statements)) }, o);

    const variables: Record<string, string> = { ...(fn.env ?? {}) };
    // The bucket name differs per environment: the function learns it from a variable.
    for (const w of fn.lambda?.s3Write ?? []) if (w.envVar) variables[w.envVar] = w.bucket;
    for (const s of fn.secrets ?? []) {
      const v = lambdaSecretEnv(s.env);
      variables[v.id] = s.secret;
      variables[v.key] = s.key;
    }
    const architecture = fn.lambda?.architecture ?? 'arm64';
    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        name: this.names.function,
        role: this.role.arn,
        architectures: [architecture],
        memorySize: memoryMb,
        timeout: this.timeoutSeconds,
        publish: true,
        ...(code && fn.code
          ? { packageType: 'Zip', runtime: fn.code.runtime, handler: fn.code.handler, code: new pulumi.asset.FileArchive(writeBundle(code, args.codeRoot)), sourceCodeHash: code.sha256 }
          : { packageType: 'Image', imageUri: fn.image }),
        ...(Object.keys(variables).length > 0 && { environment: { variables } }),
        loggingConfig: { logFormat: 'JSON', logGroup: this.names.logGroup },
        ...(fn.lambda?.reservedConcurrency !== undefined && { reservedConcurrentExecutions: fn.lambda.reservedConcurrency }),
        tracingConfig: { mode: 'PassThrough' },
        tags,
      },
      { ...o, dependsOn: [policy, this.logGroup] },
    );
    this.alias = new aws.lambda.Alias(`${name}-live`, { name: this.names.alias, functionName: this.function.name, functionVersion: this.function.version }, o);
    const warm = coldStartScale(fn).min;
    if (warm > 0) {
      new aws.lambda.ProvisionedConcurrencyConfig(`${name}-warm`, { functionName: this.names.function, qualifier: this.alias.name, provisionedConcurrentExecutions: warm }, o);
    }
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.names.function,
        qualifier: this.alias.name,
        maximumRetryAttempts: this.delivery.retries,
        maximumEventAgeInSeconds: this.delivery.maxEventAgeSeconds,
        ...(this.deadLetterQueue && { destinationConfig: { onFailure: { destination: this.arn.sqs(this.names.deadLetterQueue) } } }),
      },
      // Lambda checks the role may send to the destination when the config is saved.
      { ...o, dependsOn: [policy, ...(this.deadLetterQueue ? [this.deadLetterQueue] : [])] },
    );
    if (fn.lambda?.functionUrl) {
      this.functionUrl = new aws.lambda.FunctionUrl(`${name}-url`, { functionName: this.names.function, qualifier: this.alias.name, authorizationType: 'AWS_IAM' }, o);
    }

    const snsSources: string[] = [];
    for (const { t, i } of triggers) {
      if (t.type === 's3') this.s3Trigger(name, t, i, snsSources);
      else if (t.type === 'sqs') this.sqsTrigger(name, t, i, policy);
      else if (t.type === 'kafka') this.kafkaTrigger(name, t, i, policy, msk);
    }
    if (schedules.length > 0) this.scheduleTriggers(name, schedules);
    if (this.deadLetterQueue && snsSources.length > 0) {
      // SNS delivers what it cannot hand to Lambda (throttling, missing permission) to the same DLQ.
      new aws.sqs.QueuePolicy(
        `${name}-dlq-policy`,
        {
          queueUrl: this.deadLetterQueue.url,
          policy: policyJson(
            policyDocument([
              { Sid: 'SnsDeadLetters', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: this.arn.sqs(this.names.deadLetterQueue), Condition: { ArnEquals: { 'aws:SourceArn': snsSources } } },
            ]),
          ),
        },
        o,
      );
    }

    this.registerOutputs({ functionArn: this.functionArn, aliasArn: this.aliasArn, roleArn: this.roleArn, deadLetterQueues: this.deadLetterQueueNames });
  }

  private scheduleExpression(cron: string, i: number): string {
    try {
      return awsScheduleExpression(cron);
    } catch (e) {
      if (e instanceof CronConversionError) fail(`${this.path}.triggers[${i}].cron`, cron, e.message);
      throw e;
    }
  }

  private grant(sid: string, actions: string[], resources: string | string[]): void {
    this.statements.push({ Sid: sid, Effect: 'Allow', Action: actions, Resource: resources });
  }

  /** An SSE-encrypted queue; dead-letter queues are listed for the not-empty alarms. */
  private queue(resourceName: string, queueName: string, args: Omit<aws.sqs.QueueArgs, 'name'>, deadLetter: boolean): aws.sqs.Queue {
    const q = new aws.sqs.Queue(resourceName, { name: queueName, sqsManagedSseEnabled: true, ...args, tags: this.tags }, this.childOpts);
    if (deadLetter) {
      this.deadLetterQueueNames.push(queueName);
      this.deadLetterQueues.push(q);
    }
    return q;
  }

  private triggerQueueName(queue: string): string {
    return sqsTriggerQueueName(naming.envPrefix(this.env.platform, this.env.env), queue);
  }

  private grantTrigger(t: TriggerSpec, i: number, msk?: { clusterArn: string }): void {
    const fn = this.spec;
    if (t.type === 's3') {
      this.grant(`S3Read${i}`, ['s3:GetObject'], this.arn.s3Objects(t.bucket, `${t.prefix ?? ''}*${t.suffix ?? ''}`));
    } else if (t.type === 'sqs') {
      this.grant(`SqsTrigger${i}`, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], this.arn.sqs(this.triggerQueueName(t.queue)));
    } else if (t.type === 'kafka') {
      const group = t.consumerGroup ?? fn.name;
      if (msk) {
        // MSK ARNs: cluster/<name>/<uuid>; topics and groups live under the same <name>/<uuid>.
        const [, clusterPath] = msk.clusterArn.split(':cluster/');
        const base = msk.clusterArn.slice(0, msk.clusterArn.indexOf(':cluster/'));
        this.grant(`MskCluster${i}`, ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'], msk.clusterArn);
        this.grant(`MskTopic${i}`, ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], `${base}:topic/${clusterPath}/${t.topic}`);
        this.grant(`MskGroup${i}`, ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], `${base}:group/${clusterPath}/${group}`);
      } else {
        const k = fn.lambda!.selfManagedKafka!;
        this.grant(`KafkaSecrets${i}`, ['secretsmanager:GetSecretValue'], [k.saslScram512SecretArn, ...(k.rootCaSecretArn ? [k.rootCaSecretArn] : [])]);
      }
      if (!this.statements.some((s) => s.Sid === 'KafkaNetworkInterfaces')) {
        // The Kafka poller reaches the brokers through ENIs it creates with this role.
        const subnets = msk ? [this.arn.ec2('subnet/*')] : fn.lambda!.selfManagedKafka!.subnetIds.map((s) => this.arn.ec2(`subnet/${s}`));
        const groups = msk ? [this.arn.ec2('security-group/*')] : fn.lambda!.selfManagedKafka!.securityGroupIds.map((s) => this.arn.ec2(`security-group/${s}`));
        this.grant('KafkaNetworkInterfaces', ['ec2:CreateNetworkInterface'], [this.arn.ec2('network-interface/*'), ...subnets, ...groups]);
        this.grant('KafkaNetworkInterfaceCleanup', ['ec2:DeleteNetworkInterface'], this.arn.ec2('network-interface/*'));
        this.grant('KafkaNetworkDescribe', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'], '*');
      }
    }
  }

  /** S3 → SNS topic → function (seed 000), or S3 → function directly. */
  private s3Trigger(name: string, t: Extract<TriggerSpec, { type: 's3' }>, i: number, snsSources: string[]): void {
    const o = this.childOpts;
    const events = t.events ?? ['s3:ObjectCreated:*'];
    const filter = { ...(t.prefix && { prefix: t.prefix }), ...(t.suffix && { suffix: t.suffix }) };
    if ((t.via ?? 'sns') === 'sns') {
      const topicName = `${this.names.function}-s3-${i}`;
      const topicArn = this.arn.sns(topicName);
      const topic = new aws.sns.Topic(`${name}-s3-${i}`, { name: topicName, tags: this.tags }, o);
      this.topics[topicName] = topic;
      const topicPolicy = new aws.sns.TopicPolicy(
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
                Condition: { ArnEquals: { 'aws:SourceArn': this.arn.s3Bucket(t.bucket) }, StringEquals: { 'aws:SourceAccount': this.env.accountId } },
              },
            ]),
          ),
        },
        o,
      );
      const permission = new aws.lambda.Permission(
        `${name}-s3-${i}-invoke`,
        { action: 'lambda:InvokeFunction', function: this.names.function, qualifier: this.alias.name, principal: 'sns.amazonaws.com', sourceArn: topicArn },
        o,
      );
      new aws.sns.TopicSubscription(
        `${name}-s3-${i}-subscription`,
        {
          topic: topic.arn,
          protocol: 'lambda',
          endpoint: this.aliasArn,
          ...(this.deadLetterQueue && { redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.arn.sqs(this.names.deadLetterQueue) }) }),
        },
        { ...o, dependsOn: [permission, this.alias] },
      );
      snsSources.push(topicArn);
      this.s3Notifications.push({ bucket: t.bucket, id: topicName, kind: 'topic', arn: topicArn, events, ...filter, dependsOn: [topicPolicy] });
    } else {
      const permission = new aws.lambda.Permission(
        `${name}-s3-${i}-invoke`,
        { action: 'lambda:InvokeFunction', function: this.names.function, qualifier: this.alias.name, principal: 's3.amazonaws.com', sourceArn: this.arn.s3Bucket(t.bucket), sourceAccount: this.env.accountId },
        o,
      );
      this.s3Notifications.push({ bucket: t.bucket, id: `${this.names.function}-s3-${i}`, kind: 'lambda', arn: this.aliasArn, events, ...filter, dependsOn: [permission] });
    }
  }

  /** A toolkit-created queue with its own DLQ (redrive), polled with partial batch failures. */
  private sqsTrigger(name: string, t: Extract<TriggerSpec, { type: 'sqs' }>, i: number, policy: aws.iam.RolePolicy): void {
    const queueName = this.triggerQueueName(t.queue);
    let dlq: aws.sqs.Queue | undefined;
    if (this.delivery.deadLetter) dlq = this.queue(`${name}-sqs-${i}-dlq`, `${queueName}-dlq`, { messageRetentionSeconds: DLQ_RETENTION_SECONDS }, true);
    const queue = this.queue(
      `${name}-sqs-${i}`,
      queueName,
      {
        visibilityTimeoutSeconds: Math.min(this.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR, SQS_MAX_VISIBILITY_SECONDS),
        ...(dlq && { redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.arn.sqs(`${queueName}-dlq`), maxReceiveCount: this.delivery.retries + 1 }) }),
      },
      false,
    );
    const batchSize = t.batchSize ?? 10;
    const max = this.spec.scaling?.max;
    new aws.lambda.EventSourceMapping(
      `${name}-sqs-${i}-mapping`,
      {
        eventSourceArn: this.arn.sqs(queueName),
        functionName: this.aliasArn,
        batchSize,
        // Standard queues need a batching window for batches above 10.
        ...(batchSize > 10 && { maximumBatchingWindowInSeconds: 1 }),
        functionResponseTypes: ['ReportBatchItemFailures'],
        ...(max !== undefined && max >= 2 && { scalingConfig: { maximumConcurrency: Math.min(max, 1000) } }),
        tags: this.tags,
      },
      { ...this.childOpts, dependsOn: [policy, queue, this.alias, ...(dlq ? [dlq] : [])] },
    );
  }

  /** Kafka event source mapping: MSK with IAM auth, or a self-managed cluster with SCRAM over TLS. */
  private kafkaTrigger(name: string, t: Extract<TriggerSpec, { type: 'kafka' }>, i: number, policy: aws.iam.RolePolicy, msk?: { clusterArn: string }): void {
    const group = t.consumerGroup ?? this.spec.name;
    const k = this.spec.lambda?.selfManagedKafka;
    new aws.lambda.EventSourceMapping(
      `${name}-kafka-${i}`,
      {
        functionName: this.aliasArn,
        topics: [t.topic],
        startingPosition: 'LATEST',
        batchSize: t.batchSize ?? 100,
        tags: this.tags,
        ...(this.deadLetterQueue && { destinationConfig: { onFailure: { destinationArn: this.arn.sqs(this.names.deadLetterQueue) } } }),
        ...(msk
          ? { eventSourceArn: msk.clusterArn, amazonManagedKafkaEventSourceConfig: { consumerGroupId: group } }
          : {
              selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: k!.bootstrapServers.join(',') } },
              selfManagedKafkaEventSourceConfig: { consumerGroupId: group },
              sourceAccessConfigurations: [
                { type: 'SASL_SCRAM_512_AUTH', uri: k!.saslScram512SecretArn },
                ...(k!.rootCaSecretArn ? [{ type: 'SERVER_ROOT_CA_CERTIFICATE', uri: k!.rootCaSecretArn }] : []),
                ...k!.subnetIds.map((s) => ({ type: 'VPC_SUBNET', uri: `subnet:${s}` })),
                ...k!.securityGroupIds.map((s) => ({ type: 'VPC_SECURITY_GROUP', uri: `security_group:${s}` })),
              ],
            }),
      },
      { ...this.childOpts, dependsOn: [policy, this.alias, ...(this.deadLetterQueue ? [this.deadLetterQueue] : [])] },
    );
  }

  /** EventBridge Scheduler schedules with their own role (invoke this alias, send dead letters). */
  private scheduleTriggers(name: string, schedules: { t: Extract<TriggerSpec, { type: 'schedule' }>; i: number; expression: string }[]): void {
    const o = this.childOpts;
    // Scheduler sends its schedule group's ARN as aws:SourceArn when it assumes the role, never
    // the schedule's: a schedule ARN in the trust policy would never match and nothing would run.
    const scheduleGroupArn = this.arn.scheduleGroup('default');
    const statements: PolicyStatement[] = [{ Sid: 'InvokeLive', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: this.aliasArn }];
    if (this.deadLetterQueue) statements.push({ Sid: 'DeadLetterQueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: this.arn.sqs(this.names.deadLetterQueue) });
    const role = new aws.iam.Role(
      `${name}-sched`,
      {
        name: this.names.schedulerRole,
        assumeRolePolicy: policyJson(serviceTrustPolicy('scheduler.amazonaws.com', { accountId: this.env.accountId, arn: scheduleGroupArn })),
        description: `EventBridge Scheduler role of Lambda function ${this.names.function}`,
        tags: this.tags,
      },
      o,
    );
    const policy = new aws.iam.RolePolicy(`${name}-sched-policy`, { name: 'least-privilege', role: role.id, policy: policyJson(policyDocument(statements)) }, o);
    for (const { t, i, expression } of schedules) {
      new aws.scheduler.Schedule(
        `${name}-schedule-${i}`,
        {
          name: `${this.names.function}-${i}`,
          groupName: 'default',
          scheduleExpression: expression,
          scheduleExpressionTimezone: t.timezone ?? 'UTC',
          flexibleTimeWindow: { mode: 'OFF' },
          target: {
            arn: this.aliasArn,
            roleArn: this.arn.role(this.names.schedulerRole),
            input: JSON.stringify({ source: 'hybrid-serverless.schedule', cron: t.cron, data: t.data ?? '' }),
            retryPolicy: { maximumRetryAttempts: this.delivery.retries, maximumEventAgeInSeconds: this.delivery.maxEventAgeSeconds },
            ...(this.deadLetterQueue && { deadLetterConfig: { arn: this.arn.sqs(this.names.deadLetterQueue) } }),
          },
        },
        { ...o, dependsOn: [policy, this.alias] },
      );
    }
  }
}
