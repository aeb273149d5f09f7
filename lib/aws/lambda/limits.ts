/*
 * AWS Lambda's own limits and the names it derives: LambdaFunction checks them and the spec's
 * rules read them, so both refuse the same inputs.
 */

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

/** Lambda functions time out after at most 15 minutes. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

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

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The smallest retention CloudWatch accepts that keeps logs at least `days`. */
export function logRetentionDays(days: number): number {
  return LOG_RETENTION_DAYS.find((d) => d >= days) ?? LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1];
}

/** Environment variables Lambda reserves: a function may not set them. */
export const LAMBDA_RESERVED_ENV = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

/** Environment variable names under which a secret reference reaches a Lambda function. */
export const lambdaSecretEnv = (envName: string): { id: string; key: string } => ({ id: `${envName}_SECRET_ID`, key: `${envName}_SECRET_KEY` });
