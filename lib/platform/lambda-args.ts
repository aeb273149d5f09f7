/**
 * The cloud side of a spec's Lambda functions: LambdaFunction's args (lib/aws, in Lambda's
 * terms) from the spec. Only the cloud side (cloud.ts) loads it: it brings in @pulumi/aws,
 * which the cluster side never needs.
 */
import type { Provider } from '@pulumi/aws/provider';
import type { AwsEnvironment } from '../aws/context';
import { bundleCode } from '../aws/lambda/code-bundle';
import { KafkaEventSource, S3EventSource, ScheduleEventSource, SqsEventSource, type IEventSource } from '../aws/lambda/event-sources';
import type { LambdaFunctionArgs } from '../aws/lambda/lambda-function';
import { TAG_KEYS } from '../aws/provider';
import { fail } from '../core/errors';
import { coldStartScale, type FunctionSpec } from '../spec/function';
import { ENV_TOKEN, naming, resolveBucket } from '../core/naming';
import { lambdaKafkaProblem } from '../aws/lambda/kafka-event-source';
import { LAMBDA_BLOCKED_RUNTIMES, LAMBDA_EVENT_AGE_SECONDS, LAMBDA_MAX_ASYNC_RETRIES, LAMBDA_MAX_TIMEOUT_SECONDS, LAMBDA_MEMORY_MB, lambdaSecretEnv, sqsTriggerQueueName } from '../aws/lambda/limits';
import { awsScheduleExpression, CronConversionError } from '../aws/lambda/schedule-expression';
import { s3BucketNameProblem } from '../aws/s3/bucket-name';
import { lambdaMemoryMb } from '../spec/targets/lambda';

/** Where a Lambda function of the spec is deployed, for lambdaFunctionArgs. */
export interface LambdaTarget {
  readonly environment: AwsEnvironment;
  /** Days the profile keeps logs. */
  readonly logRetentionDays: number;
  /** The platform's Amazon MSK cluster (`kafka.msk`), for kafka triggers. */
  readonly msk?: { readonly clusterArn: string };
  /** Root that `code.path` is relative to. @default process.cwd() */
  readonly codeRoot?: string;
  /** Where the function sits in the spec, for error messages. @default `functions[<name>]` */
  readonly specPath?: string;
  readonly provider?: Provider;
}

/**
 * The cloud side of a spec's Lambda function: LambdaFunction's args in Lambda's terms (bucket
 * names resolved for the environment, cron converted for EventBridge Scheduler, the cold-start
 * preset as provisioned concurrency, triggers as event sources keyed by their position in the
 * spec), each spec-level problem reported with its spec path before anything is registered.
 */
export function lambdaFunctionArgs(spec: FunctionSpec, target: LambdaTarget): LambdaFunctionArgs {
  const path = target.specPath ?? `functions[${spec.name}]`;
  const env = target.environment;
  // From here on bucket names are the environment's real ones.
  const fn = resolveBuckets(spec, env.env, path);
  if (fn.target !== 'lambda') fail(`${path}.target`, fn.target, 'LambdaFunction deploys functions with target "lambda"');
  const timeoutSeconds = fn.timeoutSeconds ?? 30;
  if (timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) fail(`${path}.timeoutSeconds`, timeoutSeconds, `Lambda functions time out after at most ${LAMBDA_MAX_TIMEOUT_SECONDS} seconds`);
  const memoryMb = lambdaMemoryMb(fn);
  if (memoryMb < LAMBDA_MEMORY_MB.min || memoryMb > LAMBDA_MEMORY_MB.max) {
    fail(`${path}.${fn.lambda?.memoryMb !== undefined ? 'lambda.memoryMb' : 'resources.limits.memory'}`, memoryMb, `Lambda memory must be ${LAMBDA_MEMORY_MB.min}–${LAMBDA_MEMORY_MB.max} MB`);
  }
  const retries = fn.delivery?.retries ?? LAMBDA_MAX_ASYNC_RETRIES;
  if (retries > LAMBDA_MAX_ASYNC_RETRIES)
    fail(`${path}.delivery.retries`, retries, `Lambda retries asynchronous invocations at most ${LAMBDA_MAX_ASYNC_RETRIES} times; use 0–${LAMBDA_MAX_ASYNC_RETRIES}`);
  if (!fn.code === !fn.image) fail(`${path}.code`, fn.code, 'target "lambda" needs exactly one of "code" (bundled with esbuild) or "image" (an ECR image URI)');
  if (fn.code && LAMBDA_BLOCKED_RUNTIMES[fn.code.runtime]) fail(`${path}.code.runtime`, fn.code.runtime, LAMBDA_BLOCKED_RUNTIMES[fn.code.runtime]);
  if (fn.image && !/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(fn.image)) {
    fail(`${path}.image`, fn.image, 'Lambda runs container images from Amazon ECR only ("<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>")');
  }
  // A function's own self-managed Kafka wins over the platform's MSK cluster.
  const selfManaged = fn.lambda?.selfManagedKafka;
  const msk = selfManaged ? undefined : target.msk;
  const triggers = (fn.triggers ?? []).map((t, i) => ({ t, i }));
  const kafkaTriggers = triggers.filter(({ t }) => t.type === 'kafka');
  const kafkaProblem = kafkaTriggers.length > 0 ? lambdaKafkaProblem({ msk, selfManagedKafka: selfManaged }) : undefined;
  if (kafkaProblem) fail(`${path}.triggers`, kafkaTriggers[0].t, kafkaProblem);
  const schedule = (cron: string, i: number): string => {
    try {
      return awsScheduleExpression(cron);
    } catch (e) {
      if (e instanceof CronConversionError) fail(`${path}.triggers[${i}].cron`, cron, e.message);
      throw e;
    }
  };
  const eventSources: IEventSource[] = triggers.flatMap(({ t, i }): IEventSource[] => {
    if (t.type === 's3') return [new S3EventSource({ key: i, bucket: t.bucket, events: t.events, prefix: t.prefix, suffix: t.suffix, via: t.via })];
    if (t.type === 'sqs')
      return [new SqsEventSource({ key: i, queueName: sqsTriggerQueueName(naming.envPrefix(env.platform, env.env), t.queue), batchSize: t.batchSize, maxConcurrency: fn.scaling?.max })];
    if (t.type === 'kafka')
      return [new KafkaEventSource({ key: i, topic: t.topic, consumerGroup: t.consumerGroup ?? fn.name, batchSize: t.batchSize, ...(msk ? { msk } : { selfManaged: selfManaged! }) })];
    if (t.type === 'schedule')
      return [new ScheduleEventSource({ key: i, expression: schedule(t.cron, i), timezone: t.timezone, input: { source: 'hybrid-serverless.schedule', cron: t.cron, data: t.data ?? '' } })];
    return [];
  });
  const code = fn.code
    ? { bundle: bundleCode({ ...fn.code, root: target.codeRoot, specPath: `${path}.code` }), runtime: fn.code.runtime, handler: fn.code.handler, root: target.codeRoot }
    : { imageUri: fn.image! };
  const variables: Record<string, string> = { ...(fn.env ?? {}) };
  // The bucket name differs per environment: the function learns it from a variable.
  for (const w of fn.lambda?.s3Write ?? []) if (w.envVar) variables[w.envVar] = w.bucket;
  return {
    functionName: naming.lambdaFunction(env.platform, env.env, fn.name),
    environment: env,
    code,
    memoryMb,
    timeoutSeconds,
    architecture: fn.lambda?.architecture ?? 'arm64',
    variables,
    secrets: (fn.secrets ?? []).map((s) => ({ variables: lambdaSecretEnv(s.env), secret: s.secret, key: s.key })),
    s3Write: (fn.lambda?.s3Write ?? []).map((w) => ({ bucket: w.bucket, prefix: w.prefix })),
    reservedConcurrency: fn.lambda?.reservedConcurrency,
    provisionedConcurrency: coldStartScale(fn).min,
    delivery: { retries, maxEventAgeSeconds: fn.lambda?.maxEventAgeSeconds ?? LAMBDA_EVENT_AGE_SECONDS.max, deadLetter: fn.delivery?.deadLetter !== false },
    logRetentionDays: target.logRetentionDays,
    functionUrl: fn.lambda?.functionUrl ?? false,
    eventSources,
    tags: { [TAG_KEYS.tenant]: fn.tenant, [TAG_KEYS.function]: fn.name },
    ...(target.provider && { provider: target.provider }),
  };
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
