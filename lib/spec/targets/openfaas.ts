import { z } from 'zod';
import { goDuration } from '../common';
import { OPENFAAS_EDITIONS, OPENFAAS_NODE_CONSTRAINT, type TimedFunction } from '../../k8s/openfaas/limits';

/** OpenFaaS-only options of a function (`functions[].openfaas`). */
export const openfaasOptionsSchema = z.strictObject({
  /**
   * Node constraints, `label=value` only: faas-netes turns each into a nodeSelector entry by
   * splitting on "=", so "==" is dropped and "!=" yields an invalid label key. @default none
   */
  constraints: z
    .array(
      z.string().regex(OPENFAAS_NODE_CONSTRAINT, {
        message: 'must be a node constraint "<label>=<value>" (OpenFaaS maps it to a nodeSelector; "==" and "!=" are not supported), e.g. "kubernetes.io/arch=arm64"',
      }),
    )
    .optional(),
  /**
   * Invoke asynchronously through the queue worker: the gateway route is
   * `/async-function/<name>`, callers get 202; on Pro the queue worker (NATS JetStream)
   * retries failures, on CE (NATS Streaming) it does not.
   * @default false
   */
  async: z.boolean().optional(),
  /** Extra annotations on the Function (CE: the Deployment, its pods and Service; not the keys the toolkit manages). @default none */
  annotations: z.record(z.string().min(1), z.string()).optional(),
  /** Mount the root filesystem read-only (OpenFaaS gives a writable /tmp). @default true */
  readOnlyRootFilesystem: z.boolean().optional(),
  /** Idle time before a scale-to-zero function is scaled down (`com.openfaas.scale.zero-duration`; Pro only). @default '15m' */
  idleTimeout: goDuration.optional(),
});
export type OpenFaaSOptions = z.infer<typeof openfaasOptionsSchema>;

/**
 * Which OpenFaaS runs the functions. `ce`: Community Edition, no licence — functions are
 * Deployments and Services the CE gateway (faas-netes) serves; at most 15 functions and 5
 * replicas each, no scale to zero, no scale target or metric, no per-function retries, no
 * kafka-connector (kafka triggers need `pro` or a Knative target); the cron-connector (schedule
 * triggers) is CE. `pro`: OpenFaaS Standard/Enterprise — operator mode (the Function CRD), the
 * autoscaler, JetStream retries and the kafka-connector; needs the licence Secret
 * `openfaas/openfaas-license` (key `license`).
 */
export const openfaasEditionSchema = z.enum(OPENFAAS_EDITIONS, { message: `must be one of ${OPENFAAS_EDITIONS.map((e) => `"${e}"`).join(', ')}` });

/** Platform-wide OpenFaaS settings (`openfaas` at the top of the spec). */
export const openfaasPlatformSchema = z.strictObject({
  /**
   * OpenFaaS edition of every environment that sets none of its own
   * (`environments.<env>.openfaas.edition`): `ce` (Community Edition, no licence) or `pro`
   * (Standard/Enterprise, licensed). @default 'ce'
   */
  edition: openfaasEditionSchema.optional(),
  /**
   * Gateway credentials: `generated` lets the chart create the `basic-auth` Secret with a
   * random password; `existing-secret` expects you to create Secret `openfaas/basic-auth`
   * (keys `basic-auth-user`, `basic-auth-password`) before the install. Never a literal.
   * @default 'generated'
   */
  basicAuth: z.enum(['generated', 'existing-secret']).optional(),
  /** Explicit gateway timeouts. @default derived from the functions' timeoutSeconds */
  gateway: z
    .strictObject({
      readTimeout: goDuration.optional(),
      writeTimeout: goDuration.optional(),
      upstreamTimeout: goDuration.optional(),
    })
    .optional(),
  queueWorker: z
    .strictObject({
      /** How long an async invocation may run before NATS redelivers it. @default derived from the async functions */
      ackWait: goDuration.optional(),
      /** Concurrent async invocations per queue-worker replica (Pro only: the CE queue worker runs one). @default 50 */
      maxInflight: z.number().int().min(1).max(1000).optional(),
    })
    .optional(),
});
export type OpenFaaSPlatformSpec = z.infer<typeof openfaasPlatformSchema>;

/** Function timeout when `timeoutSeconds` is not set (FunctionSpec default). */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 30;

/**
 * Whether OpenFaaS invokes a function through the queue worker: the async route, and the
 * cron and Kafka connectors (installed with `asyncInvocation: true`, so that failed
 * invocations are retried by the queue worker instead of being dropped).
 */
export function openfaasInvokedAsync(fn: Pick<OpenFaaSFunctionFields, 'openfaas' | 'triggers'>): boolean {
  return fn.openfaas?.async === true || (fn.triggers ?? []).some((t) => t.type === 'schedule' || t.type === 'kafka');
}

/**
 * The fields of a function spec the OpenFaaS settings depend on (a FunctionSpec has them;
 * spelled out here because the function schema imports this file).
 */
export interface OpenFaaSFunctionFields {
  readonly name: string;
  readonly timeoutSeconds?: number;
  readonly openfaas?: Pick<OpenFaaSOptions, 'async'>;
  readonly triggers?: readonly { readonly type: string }[];
}

/** The function as the timeout calculation sees it. */
export function timedFunction(fn: OpenFaaSFunctionFields): TimedFunction {
  return { name: fn.name, timeoutSeconds: fn.timeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS, async: openfaasInvokedAsync(fn) };
}
