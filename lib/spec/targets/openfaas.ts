import { z } from 'zod';
import { goDuration } from '../common';
import { OPENFAAS_NODE_CONSTRAINT, type TimedFunction } from '../../k8s/openfaas/limits';

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
   * Invoke asynchronously through the queue worker (NATS JetStream): the gateway route is
   * `/async-function/<name>`, callers get 202 and the queue worker retries failures.
   * @default false
   */
  async: z.boolean().optional(),
  /** Extra annotations on the Function (not the keys the toolkit manages). @default none */
  annotations: z.record(z.string().min(1), z.string()).optional(),
  /** Mount the root filesystem read-only (OpenFaaS gives a writable /tmp). @default true */
  readOnlyRootFilesystem: z.boolean().optional(),
  /** Idle time before a scale-to-zero function is scaled down (`com.openfaas.scale.zero-duration`). @default '15m' */
  idleTimeout: goDuration.optional(),
});
export type OpenFaaSOptions = z.infer<typeof openfaasOptionsSchema>;

/** Platform-wide OpenFaaS settings (`openfaas` at the top of the spec). */
export const openfaasPlatformSchema = z.strictObject({
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
      /** Concurrent async invocations per queue-worker replica. @default 50 */
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
