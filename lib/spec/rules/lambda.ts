import type { EnvironmentName } from '../common';
import { coldStartScale, type FunctionSpec } from '../function';
import { ENV_TOKEN, naming, resolveBucket } from '../../core/naming';
import { lambdaMemoryMb } from '../targets/lambda';
import { LAMBDA_BLOCKED_RUNTIMES, LAMBDA_MAX_ASYNC_RETRIES, LAMBDA_MEMORY_MB, LAMBDA_RESERVED_ENV, lambdaNames, lambdaSecretEnv, sqsTriggerQueueName } from '../../aws/lambda/limits';
import { awsScheduleExpression, CronConversionError } from '../../aws/lambda/schedule-expression';
import { s3BucketNameProblem } from '../../aws/s3/bucket-name';
import { MAX_BUDGET_THRESHOLDS } from '../../aws/budgets/limits';
import { PROFILE_NAMES } from '../profiles';
import type { Rule } from './context';

/** IAM role and Lambda function names are at most 64 characters; SQS queue names 80. */
const MAX_ROLE_NAME = 64;
const MAX_QUEUE_NAME = 80;

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

interface S3Filter {
  fn: FunctionSpec;
  index: number;
  /** As written: may hold `{env}`. Compare `resolveBucket(bucket, env)` per environment. */
  bucket: string;
  events: string[];
  prefix: string;
  suffix: string;
}

/** Two event types overlap when equal or when one is the other's `*` family. */
function eventsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const family = (e: string) => e.replace(/:[^:]*$/, '');
  return a.some((x) => b.some((y) => x === y || (x.endsWith(':*') && family(x) === family(y)) || (y.endsWith(':*') && family(y) === family(x))));
}

/** S3 rejects notification configurations on one bucket whose filters overlap for the same event types. */
function filtersOverlap(a: S3Filter, b: S3Filter): boolean {
  const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
  const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
  return prefixes && suffixes && eventsOverlap(a.events, b.events);
}

/** What the AWS side can deploy: names within AWS limits, schedules AWS can run, reachable Kafka, no S3 loops. */
export const lambdaRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const lambdas = (spec.functions ?? []).filter((f) => f.target === 'lambda');
  // The spec holds only what passed the schema: a top-level field that failed may be absent.
  const envs = Object.keys(spec.environments ?? {});
  // The longest environment name gives the longest resource names.
  const longestEnv = [...envs].sort((a, b) => b.length - a.length)[0] ?? 'dev';
  const s3Filters: S3Filter[] = [];
  const queues = new Map<string, FunctionSpec>();
  // Buckets resolve per environment: check the declared ones (all, when none passed the schema).
  const bucketEnvs: readonly EnvironmentName[] = envs.length > 0 ? envs : PROFILE_NAMES;
  /** The environments in which two bucket names resolve to the same bucket. */
  const sameBucketIn = (a: string, b: string) => bucketEnvs.filter((e) => resolveBucket(a, e) === resolveBucket(b, e));
  /** The bucket as the message names it: the common name as written, else the resolved one and where. */
  const bucketLabel = (a: string, b: string, where: readonly EnvironmentName[]) => (a === b ? a : `${resolveBucket(a, where[0])} (environment${where.length > 1 ? 's' : ''} ${where.join(', ')})`);
  /** The resolved name must be a bucket name in every environment; the longest environment name first. */
  const checkBucket = (path: (string | number)[], bucket: string) => {
    for (const env of [...bucketEnvs].sort((a, b) => b.length - a.length)) {
      const resolved = resolveBucket(bucket, env);
      const problem = s3BucketNameProblem(resolved);
      if (problem) {
        issues.add(path, bucket, bucket.includes(ENV_TOKEN) ? `gives the bucket name "${resolved}" in environment "${env}", which ${problem}` : problem);
        return;
      }
    }
  };

  for (const fn of lambdas) {
    const at = (...p: (string | number)[]) => ctx.at('functions', fn, ...p);
    const names = lambdaNames(naming.lambdaFunction(spec.name, longestEnv, fn.name));
    const longest = [names.role, names.schedulerRole].sort((a, b) => b.length - a.length)[0];
    if (spec.name !== undefined && longest.length > MAX_ROLE_NAME) {
      issues.add(
        at('name'),
        fn.name,
        `gives the AWS name "${longest}" (${longest.length} characters) in environment "${longestEnv}"; IAM role names are at most ${MAX_ROLE_NAME} — shorten the function, environment or platform name`,
      );
    }
    if (spec.name !== undefined && names.deadLetterQueue.length > MAX_QUEUE_NAME) {
      issues.add(at('name'), fn.name, `gives the SQS queue name "${names.deadLetterQueue}", longer than ${MAX_QUEUE_NAME} characters`);
    }

    if (fn.code && LAMBDA_BLOCKED_RUNTIMES[fn.code.runtime]) issues.add(at('code', 'runtime'), fn.code.runtime, LAMBDA_BLOCKED_RUNTIMES[fn.code.runtime]);
    if (fn.image && !/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(fn.image)) {
      issues.add(at('image'), fn.image, 'Lambda runs container images from Amazon ECR only ("<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>")');
    }
    if (fn.lambda?.memoryMb === undefined && fn.resources?.limits?.memory !== undefined) {
      const mb = lambdaMemoryMb(fn);
      if (mb < LAMBDA_MEMORY_MB.min || mb > LAMBDA_MEMORY_MB.max) {
        issues.add(
          at('resources', 'limits', 'memory'),
          fn.resources.limits.memory,
          `gives Lambda ${mb} MB; Lambda memory must be ${LAMBDA_MEMORY_MB.min}–${LAMBDA_MEMORY_MB.max} MB (set lambda.memoryMb)`,
        );
      }
    }
    if (fn.delivery?.retries !== undefined && fn.delivery.retries > LAMBDA_MAX_ASYNC_RETRIES) {
      issues.add(at('delivery', 'retries'), fn.delivery.retries, `Lambda retries asynchronous invocations at most ${LAMBDA_MAX_ASYNC_RETRIES} times; use 0–${LAMBDA_MAX_ASYNC_RETRIES}`);
    }
    const warm = coldStartScale(fn).min;
    const reserved = fn.lambda?.reservedConcurrency;
    if (reserved !== undefined && warm > reserved) {
      issues.add(
        at('lambda', 'reservedConcurrency'),
        reserved,
        `is below the ${warm} provisioned instance(s) of coldStart ${JSON.stringify(fn.coldStart)}; provisioned concurrency must fit in reserved concurrency`,
      );
    }

    const secretEnv = new Map<string, string>();
    for (const s of fn.secrets ?? []) for (const v of Object.values(lambdaSecretEnv(s.env))) secretEnv.set(v, s.env);
    for (const key of Object.keys(fn.env ?? {})) {
      if ((LAMBDA_RESERVED_ENV as readonly string[]).includes(key)) issues.add(at('env', key), fn.env![key], `"${key}" is reserved by the Lambda runtime; choose another name`);
      else if (secretEnv.has(key))
        issues.add(at('env', key), fn.env![key], `clashes with the reference variable of secret "${secretEnv.get(key)}" (Lambda receives secrets as <ENV>_SECRET_ID/<ENV>_SECRET_KEY)`);
    }

    (fn.triggers ?? []).forEach((t, i) => {
      if (t.type === 'schedule') {
        try {
          awsScheduleExpression(t.cron);
        } catch (e) {
          if (e instanceof CronConversionError) issues.add(at('triggers', i, 'cron'), t.cron, e.message);
          else throw e;
        }
        if (t.timezone !== undefined && !TIME_ZONES.has(t.timezone)) {
          issues.add(at('triggers', i, 'timezone'), t.timezone, 'must be an IANA time zone such as "UTC" or "Europe/Berlin"');
        }
      } else if (t.type === 's3') {
        checkBucket(at('triggers', i, 'bucket'), t.bucket);
        if (envs.length > 1 && !t.bucket.includes(ENV_TOKEN)) {
          issues.add(
            at('triggers', i, 'bucket'),
            t.bucket,
            `is the same bucket in environments ${envs.join(', ')}: bucket names are global and S3 keeps one notification configuration per bucket, so each environment's deploy would replace the others' — add "${ENV_TOKEN}" for a bucket per environment, e.g. "${t.bucket.replace(/^([a-z0-9]+)/, `$1-${ENV_TOKEN}`)}"`,
          );
        }
        s3Filters.push({ fn, index: i, bucket: t.bucket, events: t.events ?? ['s3:ObjectCreated:*'], prefix: t.prefix ?? '', suffix: t.suffix ?? '' });
      } else if (t.type === 'sqs') {
        const other = queues.get(t.queue);
        if (other) issues.add(at('triggers', i, 'queue'), t.queue, `is already the queue of function "${other.name}"; a toolkit-created queue feeds one function`);
        else queues.set(t.queue, fn);
        const dlq = `${sqsTriggerQueueName(naming.envPrefix(spec.name, longestEnv), t.queue)}-dlq`;
        if (spec.name !== undefined && dlq.length > MAX_QUEUE_NAME) issues.add(at('triggers', i, 'queue'), t.queue, `gives the SQS queue name "${dlq}", longer than ${MAX_QUEUE_NAME} characters`);
      }
    });
  }

  // S3 refuses overlapping notification filters on one bucket, whatever the destination.
  for (let a = 0; a < s3Filters.length; a++) {
    for (let b = a + 1; b < s3Filters.length; b++) {
      const x = s3Filters[a];
      const y = s3Filters[b];
      const where = sameBucketIn(x.bucket, y.bucket);
      if (where.length > 0 && filtersOverlap(x, y)) {
        issues.add(
          ctx.at('functions', y.fn, 'triggers', y.index, 'prefix'),
          y.prefix,
          `overlaps the s3 trigger of function "${x.fn.name}" on bucket ${bucketLabel(x.bucket, y.bucket, where)} (same events, prefix "${x.prefix}", suffix "${x.suffix}"); S3 rejects overlapping notifications — subscribe to that function's SNS topic or use disjoint prefixes`,
        );
      }
    }
  }
  // Writing where the function's own trigger listens would invoke it in an endless loop.
  for (const fn of lambdas) {
    const bucketVars = new Map<string, string>();
    (fn.lambda?.s3Write ?? []).forEach((w, i) => {
      checkBucket(ctx.at('functions', fn, 'lambda', 's3Write', i, 'bucket'), w.bucket);
      if (w.envVar !== undefined) {
        const path = ctx.at('functions', fn, 'lambda', 's3Write', i, 'envVar');
        const secret = (fn.secrets ?? []).find((s) => Object.values(lambdaSecretEnv(s.env)).includes(w.envVar!));
        if ((LAMBDA_RESERVED_ENV as readonly string[]).includes(w.envVar)) issues.add(path, w.envVar, `"${w.envVar}" is reserved by the Lambda runtime; choose another name`);
        else if (fn.env?.[w.envVar] !== undefined) issues.add(path, w.envVar, `is also set in env; the variable receives the resolved bucket name — remove it from env`);
        else if (secret) issues.add(path, w.envVar, `clashes with the reference variable of secret "${secret.env}"`);
        else if (bucketVars.has(w.envVar) && bucketVars.get(w.envVar) !== w.bucket)
          issues.add(path, w.envVar, `already receives bucket ${bucketVars.get(w.envVar)}; one variable holds one bucket name`);
        else bucketVars.set(w.envVar, w.bucket);
      }
      const loop = s3Filters
        .map((f) => ({ f, where: sameBucketIn(f.bucket, w.bucket) }))
        .find(({ f, where }) => where.length > 0 && (w.prefix.startsWith(f.prefix) || f.prefix.startsWith(w.prefix)) && f.events.some((e) => e.startsWith('s3:ObjectCreated')));
      if (loop) {
        const { f: trigger, where } = loop;
        issues.add(
          ctx.at('functions', fn, 'lambda', 's3Write', i, 'prefix'),
          w.prefix,
          `writes under prefix "${trigger.prefix}" of bucket ${bucketLabel(w.bucket, trigger.bucket, where)}, where function "${trigger.fn.name}" is triggered on new objects: a recursive loop; write to a disjoint prefix`,
        );
      }
    });
  }

  // Kong reaches Lambda with an IRSA role; without the cluster's OIDC provider it cannot assume one.
  const lambdaNamesSet = new Set(lambdas.map((f) => f.name));
  const routed = (spec.routes ?? []).filter((r) => lambdaNamesSet.has(r.function));
  if (routed.length > 0 && spec.aws) {
    // Each environment's cluster has its own OIDC issuer: top-level or per environment.
    const missing = Object.entries(spec.environments)
      .filter(([, e]) => !(e?.aws?.oidcProvider ?? spec.aws.oidcProvider))
      .map(([name]) => name);
    if (missing.length > 0) {
      issues.add(
        'aws.oidcProvider',
        undefined,
        `is required (or environments.<env>.aws.oidcProvider for ${missing.join(', ')}): route(s) ${routed.map((r) => `"${r.name}"`).join(', ')} send traffic to Lambda through Kong, which assumes an IAM role through the cluster's OIDC provider (IRSA)`,
      );
    }
  }

  const thresholds = spec.budgets?.thresholds;
  if (thresholds) {
    if (new Set(thresholds).size !== thresholds.length) issues.add('budgets.thresholds', thresholds, 'lists a threshold twice; each threshold is one budget notification');
    if (thresholds.length > MAX_BUDGET_THRESHOLDS)
      issues.add('budgets.thresholds', thresholds, `has ${thresholds.length} thresholds; AWS Budgets allows ${MAX_BUDGET_THRESHOLDS} next to the FORECASTED 100 % notification`);
  }
};
