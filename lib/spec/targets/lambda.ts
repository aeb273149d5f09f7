import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';
import { envVarName } from '../common';
import { memoryBytes, MiB } from '../../core/quantity';

export const LAMBDA_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x', 'python3.12', 'python3.13', 'java21', 'provided.al2023'] as const;

/**
 * Runtimes the spec still names but AWS Lambda no longer lets anyone create or update functions
 * on (runtime deprecation policy): `pulumi up` would fail at CreateFunction/UpdateFunctionCode.
 */
export const LAMBDA_BLOCKED_RUNTIMES: Readonly<Record<string, string>> = {
  'nodejs20.x': 'AWS Lambda blocks creating functions on nodejs20.x since 2026-08-31 and updating them since 2026-09-30; use nodejs22.x or nodejs24.x',
};

/** Lambda's memory range in MB. */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10240 } as const;
/** Lambda retries an asynchronous invocation at most twice. */
export const LAMBDA_MAX_ASYNC_RETRIES = 2;
/** Lambda's limits on the age of an asynchronous event, in seconds. */
export const LAMBDA_EVENT_AGE_SECONDS = { min: 60, max: 21600 } as const;

/**
 * An S3 bucket name with at most one `{env}` token, replaced by the environment name
 * (`resolveBucket` in ../naming). Here only the characters are checked: whether the name is a
 * valid bucket name depends on the environment, so rules/lambda.ts (and LambdaFunction)
 * check the resolved names with `s3BucketNameProblem`.
 */
export const s3BucketTemplate = z
  .string()
  .min(1, { message: 'must be an S3 bucket name such as "acme-{env}-uploads"' })
  .regex(/^[a-z0-9.-]*(\{env\}[a-z0-9.-]*)?$/, {
    message: 'must be an S3 bucket name (lowercase letters, digits, "." and "-") with at most one "{env}" token for the environment name, e.g. "acme-{env}-uploads"',
  });

/** Why S3 would refuse a (resolved) bucket name, or undefined when it is valid. */
export function s3BucketNameProblem(name: string): string | undefined {
  const rules = 'S3 bucket names are 3–63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit';
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters long; ${rules}`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return `is not a valid bucket name; ${rules}`;
  if (name.includes('..')) return 'has two adjacent "."; S3 bucket names cannot';
  if (/^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/.test(name)) return 'is formatted as an IP address; S3 bucket names cannot be';
  const reserved = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p)) ?? ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((x) => name.endsWith(x));
  if (reserved) return `uses "${reserved}", which S3 reserves at the ${name.startsWith(reserved) ? 'start' : 'end'} of bucket names`;
  return undefined;
}
const secretArn = z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/, {
  message: 'must be the full ARN of a Secrets Manager secret, "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>"',
});

/** Lambda-only options of a function (`functions[].lambda`). */
export const lambdaOptionsSchema = z.strictObject({
  /** Memory in MB (Lambda allows 128–10240). @default from resources.limits.memory, else 256 */
  memoryMb: z.number().int().min(128, { message: 'Lambda memory must be 128–10240 MB' }).max(10240, { message: 'Lambda memory must be 128–10240 MB' }).optional(),
  /** @default 'arm64' */
  architecture: z.enum(['arm64', 'x86_64']).optional(),
  /** Reserved concurrency (caps the function). @default none */
  reservedConcurrency: z.number().int().min(0).optional(),
  /** A function URL with IAM auth, only when asked. @default false */
  functionUrl: z.boolean().optional(),
  /** How long an asynchronous event may wait (incl. retries) before it goes to the dead-letter queue. @default 21600 (6 h, Lambda's maximum) */
  maxEventAgeSeconds: z
    .number()
    .int()
    .min(LAMBDA_EVENT_AGE_SECONDS.min, { message: 'must be 60–21600 seconds (Lambda limits)' })
    .max(LAMBDA_EVENT_AGE_SECONDS.max, { message: 'must be 60–21600 seconds (Lambda limits)' })
    .optional(),
  /** S3 locations the function writes to: it is granted `s3:PutObject` on exactly `<bucket>/<prefix>*`. @default none */
  s3Write: z
    .array(
      z.strictObject({
        /** Bucket name; `{env}` is replaced by the environment name (`acme-{env}-media`). */
        bucket: s3BucketTemplate,
        prefix: z.string().min(1, { message: 'must be a non-empty key prefix such as "thumbnails/"' }),
        /** Environment variable that receives the resolved bucket name, since it differs per environment. @default none */
        envVar: envVarName.optional(),
      }),
    )
    .optional(),
  /**
   * How Lambda reaches a self-managed Kafka (the cluster's Strimzi Kafka) for `kafka` triggers
   * when `kafka.msk` is not set. The in-cluster bootstrap Service is not reachable from Lambda,
   * so the address of an external listener and the VPC to poll from are required. @default none
   */
  selfManagedKafka: z
    .strictObject({
      /** `host:port` of brokers reachable from the VPC subnets below. */
      bootstrapServers: z.array(z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, { message: 'must be "host:port"' })).min(1),
      subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: 'must be a subnet id such as "subnet-0abc1234"' })).min(1),
      securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, { message: 'must be a security group id such as "sg-0abc1234"' })).min(1),
      /** Secrets Manager secret with `{"username","password"}` of the SCRAM-SHA-512 user. */
      saslScram512SecretArn: secretArn,
      /** Secrets Manager secret with the cluster CA certificate (PEM). @default none (public CA) */
      rootCaSecretArn: secretArn.optional(),
    })
    .optional(),
});
export type LambdaOptions = z.infer<typeof lambdaOptionsSchema>;

/** Deterministic AWS names of one Lambda function and the resources it owns. */
export interface LambdaNames {
  readonly function: string;
  readonly alias: 'live';
  readonly role: string;
  readonly schedulerRole: string;
  readonly deadLetterQueue: string;
  readonly logGroup: string;
}

/** Names derived from `naming.lambdaFunction(...)`; kept here so rules can check their lengths. */
export function lambdaNames(functionName: string): LambdaNames {
  return {
    function: functionName,
    alias: 'live',
    role: `${functionName}-exec`,
    schedulerRole: `${functionName}-sched`,
    deadLetterQueue: `${functionName}-dlq`,
    logGroup: `/aws/lambda/${functionName}`,
  };
}

/** Name of the SQS queue of an `sqs` trigger (prefixed so environments sharing an account do not collide). */
export const sqsTriggerQueueName = (envPrefix: string, queue: string): string => `${envPrefix}-${queue}`;

/** The Lambda memory of a function: `lambda.memoryMb`, else `resources.limits.memory`, else 256. */
export function lambdaMemoryMb(fn: { lambda?: LambdaOptions; resources?: { limits?: { memory?: string | number } } }): number {
  if (fn.lambda?.memoryMb !== undefined) return fn.lambda.memoryMb;
  const limit = fn.resources?.limits?.memory;
  return limit === undefined ? 256 : Math.ceil(memoryBytes(limit) / MiB);
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The smallest retention CloudWatch accepts that keeps logs at least `days`. */
export function logRetentionDays(days: number): number {
  return LOG_RETENTION_DAYS.find((d) => d >= days) ?? LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1];
}

/** Environment variables Lambda reserves: a function may not set them. */
export const LAMBDA_RESERVED_ENV = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
] as const;

/** Environment variable names under which a secret reference reaches a Lambda function. */
export const lambdaSecretEnv = (envName: string): { id: string; key: string } => ({ id: `${envName}_SECRET_ID`, key: `${envName}_SECRET_KEY` });

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** Renders a sorted set of numbers as AWS cron list syntax: `a-b` runs, `a/s` progressions to the field's end. */
function renderList(values: readonly number[], fieldMax: number, name?: (n: number) => string): string {
  const v = [...new Set(values)].sort((a, b) => a - b);
  // AWS takes `/` increments in every field but day-of-week (rendered with names).
  if (!name && v.length >= 3) {
    const step = v[1] - v[0];
    const progression = step > 1 && v.every((x, i) => x === v[0] + i * step) && v[v.length - 1] + step > fieldMax;
    if (progression) return `${v[0]}/${step}`;
  }
  const label = name ?? String;
  const parts: string[] = [];
  for (let i = 0; i < v.length; ) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j] + 1) j++;
    parts.push(j - i >= 2 ? `${label(v[i])}-${label(v[j])}` : v.slice(i, j + 1).map(label).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/** A 5-field cron that EventBridge Scheduler cannot run, with the reason. */
export class CronConversionError extends Error {}

/**
 * Converts a standard 5-field cron (`min hour day-of-month month day-of-week`, Sunday = 0 or 7)
 * to EventBridge Scheduler's 6-field `cron(min hour dom month dow year)` (Sunday = 1, exactly
 * one of dom/dow is `?`). Throws CronConversionError for what AWS cannot express: both day
 * fields restricted (cron ORs them; AWS has no OR) and `H` hashes.
 */
export function awsScheduleExpression(expr: string): string {
  const raw = expr.trim().split(/\s+/);
  if (raw.length !== 5) throw new CronConversionError(`must be a 5-field cron expression "min hour day month weekday" (has ${raw.length} fields)`);
  if (raw.some((f) => /H/i.test(f.replace(/THU/gi, ''))))
    throw new CronConversionError('uses "H" (hashed values), which EventBridge Scheduler does not support');
  let fields;
  try {
    fields = CronExpressionParser.parse(expr).fields;
  } catch (e) {
    throw new CronConversionError(`is not a valid cron expression: ${(e as Error).message}`);
  }
  const minute = fields.minute.isWildcard ? '*' : renderList(fields.minute.values as number[], 59);
  const hour = fields.hour.isWildcard ? '*' : renderList(fields.hour.values as number[], 23);
  const month = fields.month.isWildcard ? '*' : renderList(fields.month.values as number[], 12);

  const domValues = fields.dayOfMonth.values as (number | 'L')[];
  const domRestricted = !fields.dayOfMonth.isWildcard;
  const dowValues = fields.dayOfWeek.values as (number | string)[];
  const dowDays = new Set(dowValues.filter((d): d is number => typeof d === 'number').map((d) => d % 7));
  const nth = fields.dayOfWeek.nthDay;
  const dowLast = dowValues.find((d): d is string => typeof d === 'string' && d.endsWith('L'));
  const dowRestricted = !fields.dayOfWeek.isWildcard && !(dowDays.size === 7 && !nth && !dowLast);
  if (domRestricted && dowRestricted) {
    throw new CronConversionError('restricts both day-of-month and day-of-week; cron runs when either matches, which EventBridge Scheduler cannot express — use two schedule triggers');
  }
  let dom = '?';
  let dow = '?';
  if (dowRestricted) {
    // AWS numbers weekdays 1 (SUN) – 7 (SAT); names avoid the off-by-one entirely.
    if (dowLast) dow = `${Number(dowLast.slice(0, -1)) % 7 + 1}L`;
    else if (nth) dow = `${[...dowDays][0] + 1}#${nth}`;
    else dow = renderList([...dowDays], 6, (d) => DAY_NAMES[d]);
  } else {
    dom = !domRestricted ? '*' : domValues.includes('L') ? 'L' : renderList(domValues as number[], 31);
  }
  return `cron(${minute} ${hour} ${dom} ${month} ${dow} *)`;
}
