import { z } from 'zod';
import { arnOf, envVarName, s3KeyPart } from '../common';
import { SECRETS_MANAGER_SECRET_ARN } from '../../core/arn';
import { memoryBytes, MiB } from '../../core/quantity';
import { LAMBDA_EVENT_AGE_SECONDS } from '../../aws/lambda/limits';

/**
 * An S3 bucket name with at most one `{env}` token, replaced by the environment name
 * (`resolveBucket` in lib/core/naming). Here only the characters are checked: whether the name is a
 * valid bucket name depends on the environment, so rules/lambda.ts (and LambdaFunction)
 * check the resolved names with `s3BucketNameProblem`.
 */
export const s3BucketTemplate = z
  .string()
  .min(1, { message: 'must be an S3 bucket name such as "acme-{env}-uploads"' })
  .regex(/^[a-z0-9.-]*(\{env\}[a-z0-9.-]*)?$/, {
    message: 'must be an S3 bucket name (lowercase letters, digits, "." and "-") with at most one "{env}" token for the environment name, e.g. "acme-{env}-uploads"',
  });

const secretArn = arnOf(SECRETS_MANAGER_SECRET_ARN);

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
        prefix: s3KeyPart.min(1, { message: 'must be a non-empty key prefix such as "thumbnails/"' }),
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

/** The Lambda memory of a function: `lambda.memoryMb`, else `resources.limits.memory`, else 256. */
export function lambdaMemoryMb(fn: { lambda?: LambdaOptions; resources?: { limits?: { memory?: string | number } } }): number {
  if (fn.lambda?.memoryMb !== undefined) return fn.lambda.memoryMb;
  const limit = fn.resources?.limits?.memory;
  return limit === undefined ? 256 : Math.ceil(memoryBytes(limit) / MiB);
}
