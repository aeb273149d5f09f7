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
