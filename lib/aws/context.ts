import { naming } from '../core/naming';

/**
 * Where an environment's cloud side lives. Every ARN the components put in policies is built
 * from these and the deterministic names, never from `*`, so policies are exact and plans
 * can be read before anything exists.
 */
export interface AwsEnvironment {
  /** Platform name (the `platform` cost-allocation tag). */
  readonly platform: string;
  /** Environment name (the `env` cost-allocation tag). */
  readonly env: string;
  readonly region: string;
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** ARN builders for one environment. */
export function arns(e: AwsEnvironment) {
  const p = e.partition ?? 'aws';
  const regional = (service: string, resource: string) => `arn:${p}:${service}:${e.region}:${e.accountId}:${resource}`;
  return {
    lambda: (fn: string, qualifier?: string) => `${naming.lambdaArn(e.region, e.accountId, fn).replace(/^arn:aws:/, `arn:${p}:`)}${qualifier ? `:${qualifier}` : ''}`,
    sqs: (queue: string) => regional('sqs', queue),
    sns: (topic: string) => regional('sns', topic),
    logGroup: (name: string) => regional('logs', `log-group:${name}`),
    logStreams: (name: string) => regional('logs', `log-group:${name}:log-stream:*`),
    role: (name: string) => naming.roleArn(e.accountId, name).replace(/^arn:aws:/, `arn:${p}:`),
    s3Bucket: (bucket: string) => `arn:${p}:s3:::${bucket}`,
    s3Objects: (bucket: string, keyPattern: string) => `arn:${p}:s3:::${bucket}/${keyPattern}`,
    oidcProvider: (issuer: string) => `arn:${p}:iam::${e.accountId}:oidc-provider/${issuer}`,
    alarm: (name: string) => regional('cloudwatch', `alarm:${name}`),
    budget: (name: string) => `arn:${p}:budgets::${e.accountId}:budget/${name}`,
    schedule: (group: string, name: string) => regional('scheduler', `schedule/${group}/${name}`),
    scheduleGroup: (group: string) => regional('scheduler', `schedule-group/${group}`),
    ssmParameter: (name: string) => regional('ssm', `parameter/${name.replace(/^\//, '')}`),
    ec2: (resource: string) => regional('ec2', resource),
  };
}
export type Arns = ReturnType<typeof arns>;
