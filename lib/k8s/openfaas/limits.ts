import { durationSeconds, goDurationOf } from '../../core/duration';
import { LABEL_VALUE_PATTERN, QUALIFIED_NAME_PATTERN } from '../../core/naming';

/**
 * Annotation and label keys the toolkit sets on OpenFaaS functions itself (from triggers,
 * scaling, retries and the security profile); a spec's `annotations` may not set them.
 */
export const OPENFAAS_MANAGED_ANNOTATIONS = ['topic', 'schedule', 'com.openfaas.profile'] as const;
export const OPENFAAS_MANAGED_PREFIXES = ['com.openfaas.scale.', 'com.openfaas.retry.'] as const;
/**
 * A node constraint, `label=value` only: faas-netes turns each into a nodeSelector entry by
 * splitting on "=" and keeps only two-part results, so "a==b" is dropped silently and "a!=b"
 * yields the invalid label key "a!".
 */
export const OPENFAAS_NODE_CONSTRAINT = new RegExp(`^${QUALIFIED_NAME_PATTERN}=${LABEL_VALUE_PATTERN}$`);
/** Watchdog variables derived from `timeoutSeconds`. */
export const OPENFAAS_TIMEOUT_ENV = ['exec_timeout', 'read_timeout', 'write_timeout'] as const;

/** Seconds the watchdog's HTTP server outlives the handler, and each hop the one behind it. */
export const OPENFAAS_TIMEOUT_MARGIN_SECONDS = 5;
/** The chart's own defaults (values.yaml 15.0.6): derived timeouts never go below them. */
export const OPENFAAS_CHART_TIMEOUTS = { upstream: 60, readWrite: 65, ackWait: 60 } as const;

/** The of-watchdog variables of a function with timeout `t` seconds. */
export function watchdogTimeouts(t: number): Record<(typeof OPENFAAS_TIMEOUT_ENV)[number], string> {
  const http = goDurationOf(t + OPENFAAS_TIMEOUT_MARGIN_SECONDS);
  return { exec_timeout: goDurationOf(t), read_timeout: http, write_timeout: http };
}

/** A function as the timeout calculation sees it. */
export interface TimedFunction {
  readonly name: string;
  readonly timeoutSeconds: number;
  /** Invoked through the queue worker (async route, cron or Kafka connector). */
  readonly async: boolean;
}

export interface OpenFaaSTimeouts {
  readonly gatewayUpstream: string;
  readonly gatewayRead: string;
  readonly gatewayWrite: string;
  readonly queueAckWait: string;
}

export interface ExplicitTimeouts {
  readonly gatewayUpstream?: string;
  readonly gatewayRead?: string;
  readonly gatewayWrite?: string;
  readonly queueAckWait?: string;
}

/** One timeout that would cut requests short, with the function it would cut. */
export interface TimeoutProblem {
  readonly field: keyof ExplicitTimeouts | 'timeoutSeconds';
  readonly function?: string;
  readonly value: string | number;
  readonly message: string;
}

/**
 * Gateway and queue-worker timeouts that fit every function: the gateway's upstream timeout
 * outlives the slowest function's watchdog (exec_timeout + margin), its read/write timeouts
 * outlive the upstream timeout (the chart requires upstream < read/write), and ack_wait
 * outlives the slowest async function. Explicit values are kept when they fit and reported
 * when they would cut a request; derived values never go below the chart's defaults.
 */
export function openfaasTimeouts(functions: readonly TimedFunction[], explicit: ExplicitTimeouts = {}): { timeouts: OpenFaaSTimeouts; problems: TimeoutProblem[] } {
  const problems: TimeoutProblem[] = [];
  const m = OPENFAAS_TIMEOUT_MARGIN_SECONDS;
  const slowest = [...functions].sort((a, b) => b.timeoutSeconds - a.timeoutSeconds || a.name.localeCompare(b.name))[0];
  const slowestAsync = [...functions].filter((f) => f.async).sort((a, b) => b.timeoutSeconds - a.timeoutSeconds || a.name.localeCompare(b.name))[0];

  const needUpstream = slowest ? slowest.timeoutSeconds + m : 0;
  let upstream = Math.max(OPENFAAS_CHART_TIMEOUTS.upstream, needUpstream);
  if (explicit.gatewayUpstream !== undefined) {
    const v = durationSeconds(explicit.gatewayUpstream);
    if (slowest && v < needUpstream) {
      problems.push({
        field: 'gatewayUpstream',
        function: slowest.name,
        value: explicit.gatewayUpstream,
        message: `would cut requests to function "${slowest.name}" (timeout ${slowest.timeoutSeconds}s, watchdog write_timeout ${goDurationOf(needUpstream)}); use at least "${goDurationOf(needUpstream)}" or leave it unset to derive it`,
      });
    }
    upstream = v;
  }
  const rw = (field: 'gatewayRead' | 'gatewayWrite'): number => {
    const derived = Math.max(OPENFAAS_CHART_TIMEOUTS.readWrite, upstream + m);
    const given = explicit[field];
    if (given === undefined) return derived;
    const v = durationSeconds(given);
    if (v <= upstream) {
      problems.push({
        field,
        value: given,
        message: `must be longer than the gateway upstream timeout (${goDurationOf(upstream)}), or the gateway closes the connection before the function answers; use at least "${goDurationOf(upstream + m)}"`,
      });
    }
    return v;
  };
  const read = rw('gatewayRead');
  const write = rw('gatewayWrite');
  // Explicit values are kept as written; derived ones are formatted.
  const out = (given: string | undefined, seconds: number) => given ?? goDurationOf(seconds);

  const needAck = slowestAsync ? slowestAsync.timeoutSeconds + m : 0;
  let ack = Math.max(OPENFAAS_CHART_TIMEOUTS.ackWait, needAck);
  if (explicit.queueAckWait !== undefined) {
    const v = durationSeconds(explicit.queueAckWait);
    if (slowestAsync && v < needAck) {
      problems.push({
        field: 'queueAckWait',
        function: slowestAsync.name,
        value: explicit.queueAckWait,
        message: `is shorter than async function "${slowestAsync.name}" may run (timeout ${slowestAsync.timeoutSeconds}s): NATS would redeliver the invocation while it still runs; use at least "${goDurationOf(needAck)}"`,
      });
    }
    ack = v;
  }
  return {
    timeouts: {
      gatewayUpstream: out(explicit.gatewayUpstream, upstream),
      gatewayRead: out(explicit.gatewayRead, read),
      gatewayWrite: out(explicit.gatewayWrite, write),
      queueAckWait: out(explicit.queueAckWait, ack),
    },
    problems,
  };
}

/** The scale types OpenFaaS understands (`com.openfaas.scale.type`), by the spec's scaling metric. */
export const OPENFAAS_SCALE_TYPES = { concurrency: 'capacity', rps: 'rps', cpu: 'cpu' } as const;

/** The OpenFaaS editions the toolkit installs: Community Edition, or Standard/Enterprise ("Pro", licensed). */
export const OPENFAAS_EDITIONS = ['ce', 'pro'] as const;
export type OpenFaaSEdition = (typeof OPENFAAS_EDITIONS)[number];

/**
 * What OpenFaaS Community Edition enforces (faas-netes 0.18.17, the provider of chart openfaas
 * 15.0.6): at most 5 replicas per function (its Deployment informer lowers more to 5 and raises
 * 0 to 1, so CE never scales to zero) and at most 15 functions (Deployments labelled
 * `faas_function` in the function namespace; with more, the provider disables invocations).
 */
export const OPENFAAS_CE_LIMITS = { maxReplicas: 5, maxFunctions: 15 } as const;

/** A function as the Community Edition check sees it. */
export interface CeFunctionFeatures {
  readonly scaling?: { readonly min?: number; readonly max?: number; readonly target?: number; readonly type?: string; readonly zero?: boolean };
  readonly retries?: unknown;
  readonly kafkaTopics?: readonly string[];
  readonly annotations?: Record<string, string>;
  readonly profile?: string;
}

/** One feature OpenFaaS CE lacks, by the prop that asks for it. */
export interface CeProblem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/**
 * Features an OpenFaaS function may not use on Community Edition, each with why (what faas-netes
 * 0.18.17 refuses or overrides, or a Pro-only component). Never dropped silently: the function
 * construct throws on them and the spec rule reports them with the spec path.
 */
export function openfaasCeProblems(f: CeFunctionFeatures): CeProblem[] {
  const out: CeProblem[] = [];
  const s = f.scaling ?? {};
  const max = OPENFAAS_CE_LIMITS.maxReplicas;
  if (s.zero) out.push({ field: 'scaling.zero', value: true, message: 'scale to zero is OpenFaaS Pro: the CE provider raises a function at 0 replicas back to 1' });
  if (s.target !== undefined) out.push({ field: 'scaling.target', value: s.target, message: 'com.openfaas.scale.target is OpenFaaS Pro (its autoscaler); CE scales on a fixed invocation-rate alert' });
  if (s.type !== undefined) out.push({ field: 'scaling.type', value: s.type, message: 'com.openfaas.scale.type is OpenFaaS Pro (its autoscaler); CE scales on a fixed invocation-rate alert' });
  if (s.max !== undefined && s.max > max)
    out.push({ field: 'scaling.max', value: s.max, message: `OpenFaaS CE runs at most ${max} replicas of a function (its provider lowers more to ${max}); use at most ${max}` });
  if (s.min !== undefined && s.min > max) out.push({ field: 'scaling.min', value: s.min, message: `OpenFaaS CE runs at most ${max} replicas of a function; use at most ${max}` });
  if (f.retries !== undefined)
    out.push({ field: 'retries', value: f.retries, message: 'per-function retries (com.openfaas.retry.*) are OpenFaaS Pro: the CE queue worker does not retry failed invocations' });
  for (const t of f.kafkaTopics ?? []) out.push({ field: 'topic', value: t, message: 'the kafka-connector is OpenFaaS Pro (it needs a licence)' });
  for (const k of Object.keys(f.annotations ?? {})) {
    if (k.includes('amazonaws.com') || k.includes('gke.io'))
      out.push({ field: `annotations.${k}`, value: f.annotations![k], message: 'OpenFaaS CE refuses cloud-provider annotations (amazonaws.com, gke.io)' });
  }
  if (f.profile !== undefined)
    out.push({ field: 'profile', value: f.profile, message: 'OpenFaaS Profiles are applied by the Pro operator; on CE the function Deployment carries its security context itself' });
  return out;
}
