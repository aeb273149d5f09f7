/** Lambda inputs AWS would reject, caught as SpecErrors that name the field, the value and what is valid. */
import { installMocks, recorded } from '../support/pulumi-mocks';
import { parseErrorMessage } from '../support/errors';

installMocks('dev');
/* eslint-disable @typescript-eslint/no-require-imports */
const { parseSpec } = require('../../lib/spec/parse') as typeof import('../../lib/spec/parse');
const { awsScheduleExpression } = require('../../lib/aws/lambda/schedule-expression') as typeof import('../../lib/aws/lambda/schedule-expression');
const { logRetentionDays } = require('../../lib/aws/lambda/limits') as typeof import('../../lib/aws/lambda/limits');
const { LambdaFunction } = require('../../lib/aws/lambda/lambda-function') as typeof import('../../lib/aws/lambda/lambda-function');
const { lambdaFunctionArgs } = require('../../lib/platform/lambda-args') as typeof import('../../lib/platform/lambda-args');
/* eslint-enable @typescript-eslint/no-require-imports */

const code = { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' };
const specWith = (fn: Record<string, unknown>, extra: Record<string, any> = {}) => ({
  name: 'acme',
  aws: { region: 'eu-west-1', accountId: '123456789012' },
  environments: { dev: { domain: 'dev.acme.example' }, staging: { domain: 'staging.acme.example' } },
  tenants: [{ name: 'media' }],
  functions: [{ name: 'fn', tenant: 'media', target: 'lambda', code, ...fn }],
  ...extra,
});

describe('function limits', () => {
  test('timeout above 900 s', () => {
    expect(parseErrorMessage(specWith({ timeoutSeconds: 901 }))).toContain('functions[0].timeoutSeconds: Lambda functions time out after at most 900 seconds (got 901)');
  });

  test('memory out of range, set directly or derived from resources.limits.memory', () => {
    expect(parseErrorMessage(specWith({ lambda: { memoryMb: 64 } }))).toContain('functions[0].lambda.memoryMb: Lambda memory must be 128–10240 MB (got 64)');
    expect(parseErrorMessage(specWith({ lambda: { memoryMb: 20000 } }))).toContain('functions[0].lambda.memoryMb: Lambda memory must be 128–10240 MB (got 20000)');
    expect(parseErrorMessage(specWith({ resources: { limits: { memory: '64Mi' } } }))).toContain(
      'functions[0].resources.limits.memory: gives Lambda 64 MB; Lambda memory must be 128–10240 MB (set lambda.memoryMb) (got "64Mi")',
    );
    expect(() => parseSpec(specWith({ resources: { limits: { memory: '1Gi' } } }))).not.toThrow();
  });

  test('async retries above Lambda’s 2, reserved concurrency below the warm instances', () => {
    expect(parseErrorMessage(specWith({ delivery: { retries: 3 } }))).toContain('functions[0].delivery.retries: Lambda retries asynchronous invocations at most 2 times; use 0–2 (got 3)');
    expect(parseErrorMessage(specWith({ coldStart: { preset: 'prewarmed', instances: 4 }, lambda: { reservedConcurrency: 2 } }))).toContain(
      'functions[0].lambda.reservedConcurrency: is below the 4 provisioned instance(s) of coldStart {"preset":"prewarmed","instances":4}',
    );
  });

  test('names beyond the IAM 64-character limit (checked for the longest environment name)', () => {
    expect(parseErrorMessage(specWith({ name: 'a-rather-long-function-name-for-lambda-x' }, { name: 'a-long-platform-name-abc' }))).toContain(
      'functions[0].name: gives the AWS name "a-long-platform-name-abc-staging-a-rather-long-function-name-for-lambda-x-sched" (79 characters) in environment "staging"; IAM role names are at most 64',
    );
  });

  test('reserved environment variables, non-ECR images', () => {
    expect(parseErrorMessage(specWith({ env: { AWS_REGION: 'x' } }))).toContain('functions[0].env.AWS_REGION: "AWS_REGION" is reserved by the Lambda runtime; choose another name (got "x")');
    expect(parseErrorMessage(specWith({ code: undefined, image: 'ghcr.io/acme/fn:1.0.0' }))).toContain('functions[0].image: Lambda runs container images from Amazon ECR only');
  });
});

describe('schedules', () => {
  test('an invalid cron is refused with the parser’s reason', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'schedule', cron: '61 * * * *' }] }))).toContain(
      'functions[0].triggers[0].cron: is not a valid cron expression: Constraint error, got value 61 expected range 0-59',
    );
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'schedule', cron: '0 6 * *' }] }))).toContain(
      'functions[0].triggers[0].cron: must be a 5-field cron expression "min hour day month weekday" (has 4 fields)',
    );
  });

  test('a valid cron that EventBridge Scheduler cannot express, and unknown time zones', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'schedule', cron: '0 0 1 * 1' }] }))).toContain(
      'functions[0].triggers[0].cron: restricts both day-of-month and day-of-week; cron runs when either matches, which EventBridge Scheduler cannot express — use two schedule triggers (got "0 0 1 * 1")',
    );
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'schedule', cron: 'H 2 * * *' }] }))).toContain('uses "H" (hashed values), which EventBridge Scheduler does not support');
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'schedule', cron: '0 2 * * *', timezone: 'Mars/Olympus' }] }))).toContain(
      'functions[0].triggers[0].timezone: must be an IANA time zone such as "UTC" or "Europe/Berlin" (got "Mars/Olympus")',
    );
  });

  test.each([
    ['0 6 * * 1', 'cron(0 6 ? * MON *)'],
    ['30 2 * * *', 'cron(30 2 * * ? *)'],
    ['*/5 * * * *', 'cron(0/5 * * * ? *)'],
    ['0 9-17/2 * * *', 'cron(0 9,11,13,15,17 * * ? *)'],
    ['0 0 * * 0', 'cron(0 0 ? * SUN *)'],
    ['0 0 * * 7', 'cron(0 0 ? * SUN *)'],
    ['0 0 * * 5-7', 'cron(0 0 ? * SUN,FRI,SAT *)'],
    ['0 0 * * */2', 'cron(0 0 ? * SUN,TUE,THU,SAT *)'],
    ['0 0 * * MON-FRI', 'cron(0 0 ? * MON-FRI *)'],
    ['0 0 * * 5#3', 'cron(0 0 ? * 6#3 *)'],
    ['0 0 * * 5L', 'cron(0 0 ? * 6L *)'],
    ['0 0 L * *', 'cron(0 0 L * ? *)'],
    ['15 10 1,15 * *', 'cron(15 10 1,15 * ? *)'],
    ['0 0 1 */3 *', 'cron(0 0 1 1/3 ? *)'],
    ['0 12 * JAN,JUL *', 'cron(0 12 * 1,7 ? *)'],
  ])('cron %s → %s (Sunday 0/7 → SUN = AWS 1, one day field "?")', (cron, aws) => {
    expect(awsScheduleExpression(cron)).toBe(aws);
  });
});

describe('triggers and wiring', () => {
  test('"*" or "?" in an S3 prefix/suffix would be a wildcard in the IAM grant built from it', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/*' }] }))).toContain(
      'functions[0].triggers[0].prefix: must be a literal key prefix/suffix without "*" or "?"',
    );
    expect(parseErrorMessage(specWith({ lambda: { s3Write: [{ bucket: 'acme-{env}-up', prefix: '*' }] } }))).toContain('functions[0].lambda.s3Write[0].prefix: must be a literal key prefix/suffix');
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'acme-{env}-up', suffix: '.jp?' }] }))).toContain('functions[0].triggers[0].suffix: must be a literal');
  });

  test('kafka trigger without MSK or a reachable self-managed Kafka', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'kafka', topic: 'orders' }] }))).toContain(
      'functions[0].triggers[0]: a Lambda kafka trigger needs kafka.msk.clusterArn (Amazon MSK) or lambda.selfManagedKafka',
    );
  });

  test('overlapping S3 notifications on one bucket, and writing where the trigger listens (recursive loop)', () => {
    const two = specWith({ triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/' }] });
    two.functions.push({ name: 'other', tenant: 'media', target: 'lambda', code, triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/images/', via: 'direct' }] } as never);
    expect(parseErrorMessage(two)).toContain('functions[1].triggers[0].prefix: overlaps the s3 trigger of function "fn" on bucket acme-{env}-up');
    expect(parseErrorMessage(specWith({ lambda: { s3Write: [{ bucket: 'acme-{env}-up', prefix: 'in/thumbs/' }] }, triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/' }] }))).toContain(
      'functions[0].lambda.s3Write[0].prefix: writes under prefix "in/" of bucket acme-{env}-up, where function "fn" is triggered on new objects: a recursive loop',
    );
    const disjoint = specWith({ lambda: { s3Write: [{ bucket: 'acme-{env}-up', prefix: 'out/' }] }, triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/', suffix: '.png' }] });
    disjoint.functions.push({ name: 'other', tenant: 'media', target: 'lambda', code, triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/', suffix: '.jpg' }] } as never);
    expect(() => parseSpec(disjoint)).not.toThrow();
  });

  test('buckets are compared as resolved per environment: a template and a literal name meet in one environment only', () => {
    // Single-environment specs, so the literal names are legitimate on their own.
    const devOnly = { environments: { dev: { domain: 'dev.acme.example' } } };
    const overlap = specWith({ triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/' }] }, devOnly);
    overlap.functions.push({ name: 'other', tenant: 'media', target: 'lambda', code, triggers: [{ type: 's3', bucket: 'acme-dev-up', prefix: 'in/' }] } as never);
    expect(parseErrorMessage(overlap)).toContain('functions[1].triggers[0].prefix: overlaps the s3 trigger of function "fn" on bucket acme-dev-up (environment dev)');
    expect(parseErrorMessage(specWith({ lambda: { s3Write: [{ bucket: 'acme-dev-up', prefix: 'in/x/' }] }, triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/' }] }, devOnly))).toContain(
      'functions[0].lambda.s3Write[0].prefix: writes under prefix "in/" of bucket acme-dev-up (environment dev), where function "fn" is triggered on new objects: a recursive loop',
    );
    // Unresolved strings differ, and in prod (the only environment) the buckets do too.
    const prodOnly = { environments: { prod: { domain: 'acme.example' } } };
    const apart = specWith({ lambda: { s3Write: [{ bucket: 'acme-dev-up', prefix: 'in/x/' }] }, triggers: [{ type: 's3', bucket: 'acme-{env}-up', prefix: 'in/' }] }, prodOnly);
    expect(() => parseSpec(apart)).not.toThrow();
  });
});

describe('S3 bucket names with an {env} token', () => {
  const long = `${'x'.repeat(57)}-{env}`; // 63 characters as written; 61 in dev, 65 in staging

  test('a name valid only before substitution is refused for the environment that makes it invalid', () => {
    expect(long.length).toBe(63);
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: long }] }))).toContain(
      `functions[0].triggers[0].bucket: gives the bucket name "${'x'.repeat(57)}-staging" in environment "staging", which is 65 characters long; S3 bucket names are 3–63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit (got "${long}")`,
    );
    expect(parseErrorMessage(specWith({ lambda: { s3Write: [{ bucket: long, prefix: 'out/' }] } }))).toContain('functions[0].lambda.s3Write[0].bucket: gives the bucket name');
    // Only dev declared: 61 characters, valid.
    expect(() => parseSpec(specWith({ triggers: [{ type: 's3', bucket: long }] }, { environments: { dev: { domain: 'dev.acme.example' } } }))).not.toThrow();
  });

  test('at most one {env} token, and no other token; S3 naming rules after substitution', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'acme-{env}-{env}' }] }))).toContain(
      'functions[0].triggers[0].bucket: must be an S3 bucket name (lowercase letters, digits, "." and "-") with at most one "{env}" token for the environment name, e.g. "acme-{env}-uploads" (got "acme-{env}-{env}")',
    );
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'acme-{stage}-up' }] }))).toContain('functions[0].triggers[0].bucket: must be an S3 bucket name');
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'Acme-{env}' }] }))).toContain('functions[0].triggers[0].bucket: must be an S3 bucket name');
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: '-{env}' }] }))).toContain(
      'functions[0].triggers[0].bucket: gives the bucket name "-staging" in environment "staging", which is not a valid bucket name',
    );
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'acme..{env}' }] }))).toContain('which has two adjacent "."');
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'xn--{env}' }] }))).toContain('which uses "xn--", which S3 reserves at the start of bucket names');
  });

  test('a trigger bucket without {env} is one bucket shared by every environment: refused when there are several', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 's3', bucket: 'acme-up' }] }))).toContain(
      `functions[0].triggers[0].bucket: is the same bucket in environments dev, staging: bucket names are global and S3 keeps one notification configuration per bucket, so each environment's deploy would replace the others' — add "{env}" for a bucket per environment, e.g. "acme-{env}-up" (got "acme-up")`,
    );
    expect(() => parseSpec(specWith({ triggers: [{ type: 's3', bucket: 'acme-up' }] }, { environments: { prod: { domain: 'acme.example' } } }))).not.toThrow();
    // Writing to a shared bucket needs no notification configuration: allowed.
    expect(() => parseSpec(specWith({ lambda: { s3Write: [{ bucket: 'acme-shared', prefix: 'out/' }] } }))).not.toThrow();
  });

  test('the variable that receives the resolved name cannot clash with env, secrets, the runtime or another bucket', () => {
    const w = (envVar: string, more: Record<string, unknown> = {}) => specWith({ lambda: { s3Write: [{ bucket: 'acme-{env}-out', prefix: 'a/', envVar }] }, ...more });
    expect(parseErrorMessage(w('OUT_BUCKET', { env: { OUT_BUCKET: 'x' } }))).toContain(
      'functions[0].lambda.s3Write[0].envVar: is also set in env; the variable receives the resolved bucket name — remove it from env (got "OUT_BUCKET")',
    );
    expect(parseErrorMessage(w('AWS_REGION'))).toContain('functions[0].lambda.s3Write[0].envVar: "AWS_REGION" is reserved by the Lambda runtime');
    expect(parseErrorMessage(w('DB_SECRET_ID', { secrets: [{ env: 'DB', secret: 'db', key: 'password' }] }))).toContain(
      'functions[0].lambda.s3Write[0].envVar: clashes with the reference variable of secret "DB"',
    );
    const two = specWith({
      lambda: {
        s3Write: [
          { bucket: 'acme-{env}-a', prefix: 'a/', envVar: 'B' },
          { bucket: 'acme-{env}-b', prefix: 'b/', envVar: 'B' },
        ],
      },
    });
    expect(parseErrorMessage(two)).toContain('functions[0].lambda.s3Write[1].envVar: already receives bucket acme-{env}-a; one variable holds one bucket name');
    expect(parseErrorMessage(w('1X'))).toContain('functions[0].lambda.s3Write[0].envVar: must be a C identifier');
  });

  test('a toolkit queue feeding two functions', () => {
    const spec = specWith({ triggers: [{ type: 'sqs', queue: 'jobs' }] });
    spec.functions.push({ name: 'other', tenant: 'media', target: 'lambda', code, triggers: [{ type: 'sqs', queue: 'jobs' }] } as never);
    expect(parseErrorMessage(spec)).toContain('functions[1].triggers[0].queue: is already the queue of function "fn"; a toolkit-created queue feeds one function (got "jobs")');
  });

  test('a route to a Lambda function needs the cluster’s OIDC provider (Kong assumes its role through IRSA)', () => {
    expect(parseErrorMessage(specWith({ triggers: [{ type: 'http' }] }, { routes: [{ name: 'r', host: 'api.acme.example', path: '/fn', function: 'fn', auth: 'none' }] }))).toContain(
      'aws.oidcProvider: is required (or environments.<env>.aws.oidcProvider for dev, staging): route(s) "r" send traffic to Lambda through Kong',
    );
  });
});

describe('the component validates too (used directly, outside parseSpec), before registering anything', () => {
  const env = { platform: 'acme', env: 'dev' as const, region: 'eu-west-1', accountId: '123456789012' };
  test.each([
    [{ timeoutSeconds: 1000 }, 'functions[fn].timeoutSeconds: Lambda functions time out after at most 900 seconds (got 1000)'],
    [{ lambda: { memoryMb: 100 } }, 'functions[fn].lambda.memoryMb: Lambda memory must be 128–10240 MB (got 100)'],
    [{ delivery: { retries: 5 } }, 'functions[fn].delivery.retries: Lambda retries asynchronous invocations at most 2 times; use 0–2 (got 5)'],
    [{ triggers: [{ type: 'schedule', cron: '0 0 1 * MON' }] }, 'functions[fn].triggers[0].cron: restricts both day-of-month and day-of-week'],
    [{ code: { ...code, path: 'test/aws/fixtures/missing' } }, 'functions[fn].code.path: is not a directory'],
    [
      { code: { ...code, runtime: 'nodejs20.x' } },
      'functions[fn].code.runtime: AWS Lambda blocks creating functions on nodejs20.x since 2026-08-31 and updating them since 2026-09-30; use nodejs22.x or nodejs24.x (got "nodejs20.x")',
    ],
    [{ code: { ...code, handler: 'main.handler' } }, 'functions[fn].code.handler: no module "main" (.ts/.mts/.js/.mjs/.cjs)'],
    [
      { triggers: [{ type: 's3', bucket: `${'x'.repeat(60)}-{env}` }] },
      `functions[fn].triggers[0].bucket: gives the bucket name "${'x'.repeat(60)}-dev" in environment "dev", which is 64 characters long`,
    ],
    [{ lambda: { s3Write: [{ bucket: 'ab', prefix: 'a/' }] } }, 'functions[fn].lambda.s3Write[0].bucket: is 2 characters long; S3 bucket names are 3–63'],
    [
      { env: { OUT: 'x' }, lambda: { s3Write: [{ bucket: 'acme-{env}-a', prefix: 'a/', envVar: 'OUT' }] } },
      'functions[fn].lambda.s3Write[0].envVar: is also set in env; the variable receives one resolved bucket name (got "OUT")',
    ],
  ])('%j', (override, message) => {
    const before = recorded.length;
    const fn = { name: 'fn', tenant: 'media', target: 'lambda', code, ...override } as any;
    expect(() => new LambdaFunction(`bad-${before}`, lambdaFunctionArgs(fn, { environment: env, logRetentionDays: 7 }))).toThrow(message);
    expect(recorded.slice(before).filter((r) => r.type.startsWith('aws:') || r.type.startsWith('pulumi:providers'))).toEqual([]);
  });
});

test('log retention rounds up to a period CloudWatch accepts', () => {
  expect([1, 2, 3, 4, 14, 15, 90, 91, 3650, 9999].map(logRetentionDays)).toEqual([1, 3, 3, 5, 14, 30, 90, 120, 3653, 3653]);
});
