import { z } from 'zod';
import { cron, dnsLabel, dnsSubdomain, envVarName, resources, s3KeyPart } from './common';
import { knativeOptionsSchema } from './targets/knative';
import { lambdaOptionsSchema, s3BucketTemplate } from './targets/lambda';
import { LAMBDA_RUNTIMES } from '../aws/lambda/limits';
import { openfaasOptionsSchema } from './targets/openfaas';

export const TARGETS = ['knative', 'openfaas', 'lambda'] as const;
export type Target = (typeof TARGETS)[number];

/** Retries and dead-lettering of asynchronous deliveries: on unless turned off explicitly. */
export const deliverySchema = z.strictObject({
  /** Attempts after the first one. @default 3 */
  retries: z.number().int().min(0).max(100).optional(),
  /** @default 'exponential' */
  backoffPolicy: z.enum(['exponential', 'linear']).optional(),
  /** Base delay between retries, ISO-8601 (`PT1S`). @default 'PT1S' */
  backoffDelay: z
    .string()
    .regex(/^PT([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?$/, { message: 'must be an ISO-8601 duration such as "PT1S" or "PT2M"' })
    .optional(),
  /** Send undeliverable events to a dead-letter destination. @default true */
  deadLetter: z.boolean().optional(),
});

const httpTrigger = z.strictObject({
  /** Invoked over HTTP: Kong routes and other workloads call the function's address. */
  type: z.literal('http'),
});
const eventTrigger = z.strictObject({
  /** CloudEvents from a Knative broker of the tenant (knative only). */
  type: z.literal('event'),
  /** CloudEvent `type` to receive. */
  eventType: z.string().min(1),
  /** CloudEvent `source` to match. @default any source */
  source: z.string().min(1).optional(),
  /** Further exact-match attribute filters. @default none */
  filters: z.record(z.string().regex(/^[a-z0-9]+$/, { message: 'CloudEvent attribute names are lowercase alphanumerics' }), z.string()).optional(),
  /** Broker name in the tenant's namespace. @default 'default' */
  broker: dnsLabel().optional(),
});
const kafkaTrigger = z.strictObject({
  /** Records of a Kafka topic (the cluster's Kafka, or MSK for Lambda). */
  type: z.literal('kafka'),
  /** Topic consumed. */
  topic: dnsLabel(249),
  /** Consumer group. @default '<function>' */
  consumerGroup: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, { message: 'must be letters, digits, ".", "_" or "-"' })
    .optional(),
  /** Records per invocation (Lambda) @default 100 */
  batchSize: z.number().int().min(1).max(10000).optional(),
});
const scheduleTrigger = z.strictObject({
  /** A cron schedule. */
  type: z.literal('schedule'),
  /** Five-field cron expression, e.g. "0 6 * * 1-5". */
  cron,
  /** IANA time zone. @default 'UTC' */
  timezone: z.string().min(1).optional(),
  /** Payload sent on each tick. @default '' */
  data: z.string().optional(),
});
const s3Trigger = z.strictObject({
  /** S3 object notifications of a bucket (lambda only). */
  type: z.literal('s3'),
  /**
   * An existing bucket. At most one `{env}` token, replaced by the environment name
   * (`acme-{env}-uploads` → `acme-prod-uploads`): bucket names are global and S3 keeps one
   * notification configuration per bucket, so environments cannot share one. The resolved
   * name must be a valid bucket name in every environment.
   * @default no `{env}` token: one bucket for every environment, refused when the spec has several
   */
  bucket: s3BucketTemplate,
  /** @default ['s3:ObjectCreated:*'] */
  events: z
    .array(z.string().regex(/^s3:[A-Za-z]+:[A-Za-z*]+$/, { message: 'must be an S3 event type such as "s3:ObjectCreated:*"' }))
    .min(1)
    .optional(),
  /** Only keys starting with this. @default any key */
  prefix: s3KeyPart.optional(),
  /** Only keys ending with this, e.g. ".jpg". @default any key */
  suffix: s3KeyPart.optional(),
  /** Fan out through an SNS topic (seed 000) or invoke directly. @default 'sns' */
  via: z.enum(['sns', 'direct']).optional(),
});
const sqsTrigger = z.strictObject({
  /** Messages of an SQS queue the toolkit creates (lambda only). */
  type: z.literal('sqs'),
  /** Queue name (created by the toolkit). */
  queue: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, { message: 'must be an SQS queue name (1–80 letters, digits, "-" or "_")' }),
  /** @default 10 */
  batchSize: z.number().int().min(1).max(10000).optional(),
});

export const triggerSchema = z.discriminatedUnion('type', [httpTrigger, eventTrigger, kafkaTrigger, scheduleTrigger, s3Trigger, sqsTrigger]);
export type TriggerSpec = z.infer<typeof triggerSchema>;
export type TriggerType = TriggerSpec['type'];

/** Which triggers each target can serve. */
export const TRIGGERS_BY_TARGET: Record<Target, readonly TriggerType[]> = {
  knative: ['http', 'event', 'kafka', 'schedule'],
  openfaas: ['http', 'kafka', 'schedule'],
  lambda: ['http', 'kafka', 'schedule', 's3', 'sqs'],
};

export const COLD_START_PRESETS = ['scale-to-zero', 'warm', 'prewarmed'] as const;

export const functionSchema = z.strictObject({
  /** Function name: also the Knative Service / OpenFaaS Function / Lambda name suffix. */
  name: dnsLabel(40),
  /** Tenant (namespace) that owns the function. */
  tenant: dnsLabel(),
  /** Where the function runs: 'knative' or 'openfaas' in the cluster, 'lambda' on AWS. */
  target: z.enum(TARGETS),
  /** Container image (knative, openfaas; lambda container images). */
  image: z
    .string()
    .regex(/^[a-z0-9]+([._/:@-][a-zA-Z0-9]+)*$/, { message: 'must be an image reference such as "ghcr.io/acme/fn:1.2.0"' })
    .optional(),
  /** Source code bundled for Lambda (esbuild). */
  code: z
    .strictObject({
      /** Directory, relative to the spec file's project root. */
      path: z.string().min(1),
      /** `file.export`, e.g. `index.handler`. */
      handler: z.string().regex(/^[A-Za-z0-9_/.-]+\.[A-Za-z_$][A-Za-z0-9_$]*$/, { message: 'must be "<file>.<export>", e.g. "index.handler"' }),
      /** Lambda runtime, e.g. "nodejs22.x". */
      runtime: z.enum(LAMBDA_RUNTIMES),
    })
    .optional(),
  /** Port the container listens on. @default 8080 */
  port: z.number().int().min(1).max(65535).optional(),
  /** Plain environment variables (no secrets here: use `secrets`). @default {} */
  env: z.record(envVarName, z.string()).optional(),
  /** Secrets exposed as environment variables, by reference. @default [] */
  secrets: z
    .array(
      z.strictObject({
        /** Environment variable the value is exposed as. */
        env: envVarName,
        /** Secret holding the value (a Kubernetes Secret in the tenant's namespace; a Secrets Manager secret for lambda). */
        secret: dnsSubdomain,
        /** Key of the value inside the secret. */
        key: z.string().min(1),
      }),
    )
    .optional(),
  /** CPU and memory requests and limits, as Kubernetes quantities. @default the environment profile's functionDefaults */
  resources: resources.optional(),
  /** Replica bounds and the autoscaling target. */
  scaling: z
    .strictObject({
      /** @default 0 (scale to zero) — raised by the cold-start preset */
      min: z.number().int().min(0).max(1000).optional(),
      /** @default 10 */
      max: z.number().int().min(1).max(1000).optional(),
      /** Target per replica of `metric`. @default 100 concurrency */
      target: z.number().positive().optional(),
      /** @default 'concurrency' */
      metric: z.enum(['concurrency', 'rps', 'cpu', 'memory']).optional(),
    })
    .optional(),
  /** Cold-start preset: `scale-to-zero`, `warm` (min 1) or `prewarmed` (min N and initial scale N). @default 'scale-to-zero' */
  coldStart: z
    .union([
      z.enum(COLD_START_PRESETS),
      z.strictObject({
        preset: z.literal('prewarmed'),
        /** Replicas kept warm and started with. */
        instances: z.number().int().min(1).max(100),
      }),
    ])
    .optional(),
  /** Request timeout in seconds. @default 30 */
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /** Service level objective, for alerts. @default from observability.defaultSlo */
  slo: z
    .strictObject({
      /** 99th-percentile latency objective, in milliseconds. */
      latencyP99Ms: z.number().positive().optional(),
      /** Largest acceptable share of failed requests, in percent. */
      errorRatioPercent: z.number().positive().max(100).optional(),
    })
    .optional(),
  delivery: deliverySchema.optional(),
  /** What invokes the function: http, event, kafka, schedule, s3 or sqs; each target supports a subset. @default none */
  triggers: z.array(triggerSchema).optional(),
  knative: knativeOptionsSchema.optional(),
  openfaas: openfaasOptionsSchema.optional(),
  lambda: lambdaOptionsSchema.optional(),
});
export type FunctionSpec = z.infer<typeof functionSchema>;

/** Resolved cold-start preset: min scale and initial scale. */
export function coldStartScale(fn: FunctionSpec): { min: number; initial?: number } {
  const c = fn.coldStart ?? 'scale-to-zero';
  const explicitMin = fn.scaling?.min;
  if (c === 'scale-to-zero') return { min: explicitMin ?? 0 };
  if (c === 'warm') return { min: Math.max(explicitMin ?? 1, 1) };
  const n = c === 'prewarmed' ? 2 : c.instances;
  return { min: Math.max(explicitMin ?? n, n), initial: n };
}
