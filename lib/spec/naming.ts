import type { EnvironmentName } from './common';

/**
 * Deterministic names shared by the cluster and the cloud side, so each can reference the
 * other by name without waiting for Pulumi outputs.
 */
export const naming = {
  /** AWS Lambda function name: `<platform>-<env>-<function>` (≤ 64 chars by spec limits). */
  lambdaFunction: (platform: string, env: EnvironmentName, fn: string): string => `${platform}-${env}-${fn}`,
  /** ARN of a Lambda function from its deterministic name. */
  lambdaArn: (region: string, accountId: string, name: string): string => `arn:aws:lambda:${region}:${accountId}:function:${name}`,
  /** IAM role ARN from account and role name. */
  roleArn: (accountId: string, roleName: string): string => `arn:aws:iam::${accountId}:role/${roleName}`,
  /** IAM role assumed by Kong's service account (IRSA) to invoke the routed Lambda functions. */
  kongInvokeRole: (platform: string, env: EnvironmentName): string => `${platform}-${env}-kong-invoke`,
  /** ServiceAccount that functions of a tenant run as. */
  functionServiceAccount: 'functions',
  /** Prefix of every object the toolkit names per environment. */
  envPrefix: (platform: string, env: EnvironmentName): string => `${platform}-${env}`,
};

/** Token in S3 bucket names that stands for the environment name (`acme-{env}-uploads`). */
export const ENV_TOKEN = '{env}';

/**
 * The bucket an environment uses: S3 bucket names are global and a bucket keeps one
 * notification configuration, so each environment needs its own bucket; `{env}` gives it one.
 */
export const resolveBucket = (name: string, env: EnvironmentName): string => name.replace(ENV_TOKEN, env);

/** A route's host in an environment: a single label is relative to the environment's domain. */
export function resolveHost(host: string, domain: string): string {
  return host.includes('.') ? host : `${host}.${domain}`;
}
