import type { AlertingRule, RecordingRule, RuleGroup } from './rule-model';
import { num, selector } from './rule-model';

/** A function on a cluster backend, as its alerts see it. */
export interface MonitoredFunction {
  readonly name: string;
  /** Namespace its pods (Knative) or its OpenFaaS function run in. */
  readonly namespace: string;
  readonly tenant: string;
  readonly backend: ClusterBackend;
  /** p99 latency objective, seconds. */
  readonly latencyP99Seconds: number;
  /** Error-ratio objective as a fraction (0.05 = 5 %). */
  readonly errorRatio: number;
  /** Maximum scale; sustained replicas at this value mean saturation. */
  readonly maxScale: number;
  /** Minimum scale; 0 means the function starts cold. */
  readonly minScale: number;
}

export type ClusterBackend = 'knative' | 'openfaas';

/** Names of the series every backend is normalized to: `{namespace, function, backend}`. */
export const SLI = {
  requests: 'hybrid:function_requests:rate5m',
  errors: 'hybrid:function_errors:rate5m',
  errorRatio: 'hybrid:function_error_ratio:rate5m',
  latencyP99: 'hybrid:function_latency_seconds:p99_5m',
  replicas: 'hybrid:function_replicas',
  desiredReplicas: 'hybrid:function_replicas_desired',
} as const;

/**
 * Upstream metric names per backend.
 * - Knative Serving ≥ 1.19 (OpenTelemetry): the queue-proxy's `kn.serving.invocation.duration`
 *   histogram (seconds, attribute `http.response.status_code`) and the autoscaler's
 *   `kn.revision.pods.{count,desired}`, attributed with `k8s.namespace.name` and
 *   `kn.service.name`; Prometheus translation replaces dots with underscores.
 * - OpenFaaS gateway: `gateway_function_invocation_total{function_name="<fn>.<ns>",code}`,
 *   the `gateway_functions_seconds` histogram and `gateway_service_count` (replicas).
 */
export const UPSTREAM_METRICS = {
  knative: {
    invocations: 'kn_serving_invocation_duration_seconds_count',
    latencyBucket: 'kn_serving_invocation_duration_seconds_bucket',
    statusLabel: 'http_response_status_code',
    pods: 'kn_revision_pods_count',
    desiredPods: 'kn_revision_pods_desired',
    concurrency: 'kn_revision_request_concurrency',
  },
  openfaas: {
    invocations: 'gateway_function_invocation_total',
    latencyBucket: 'gateway_functions_seconds_bucket',
    statusLabel: 'code',
    replicas: 'gateway_service_count',
  },
} as const;

/** Knative series carry `k8s_namespace_name`/`kn_service_name`: copy them to namespace/function. */
function knative(inner: string): string {
  return `label_replace(label_replace(${inner}, "namespace", "$1", "k8s_namespace_name", "(.+)"), "function", "$1", "kn_service_name", "(.+)")`;
}

/** OpenFaaS names functions `<name>.<namespace>`: split it into function/namespace. */
function openfaas(inner: string): string {
  return `label_replace(label_replace(${inner}, "function", "$1", "function_name", "([^.]+).*"), "namespace", "$1", "function_name", "[^.]+[.](.+)")`;
}

const BY = 'namespace, function';

function backendSli(backend: ClusterBackend): RecordingRule[] {
  const labels = { backend };
  if (backend === 'knative') {
    const m = UPSTREAM_METRICS.knative;
    return [
      { record: SLI.requests, expr: `sum by (${BY}) (${knative(`rate(${m.invocations}[5m])`)})`, labels },
      { record: SLI.errors, expr: `sum by (${BY}) (${knative(`rate(${m.invocations}{${m.statusLabel}=~"5.."}[5m])`)})`, labels },
      { record: SLI.latencyP99, expr: `histogram_quantile(0.99, sum by (${BY}, le) (${knative(`rate(${m.latencyBucket}[5m])`)}))`, labels },
      { record: SLI.replicas, expr: `sum by (${BY}) (${knative(m.pods)})`, labels },
      { record: SLI.desiredReplicas, expr: `sum by (${BY}) (${knative(m.desiredPods)})`, labels },
    ];
  }
  const m = UPSTREAM_METRICS.openfaas;
  return [
    { record: SLI.requests, expr: `sum by (${BY}) (${openfaas(`rate(${m.invocations}[5m])`)})`, labels },
    { record: SLI.errors, expr: `sum by (${BY}) (${openfaas(`rate(${m.invocations}{${m.statusLabel}=~"5.."}[5m])`)})`, labels },
    { record: SLI.latencyP99, expr: `histogram_quantile(0.99, sum by (${BY}, le) (${openfaas(`rate(${m.latencyBucket}[5m])`)}))`, labels },
    { record: SLI.replicas, expr: `sum by (${BY}) (${openfaas(m.replicas)})`, labels },
  ];
}

/** Recording rules normalizing each present backend to the SLI series. */
export function functionSliGroup(backends: readonly ClusterBackend[]): RuleGroup {
  const rules: RecordingRule[] = backends.flatMap(backendSli);
  // No 5xx series yet means 0 errors, not "unknown": fall back to requests × 0.
  rules.push({ record: SLI.errorRatio, expr: `(${SLI.errors} or ${SLI.requests} * 0) / ${SLI.requests}` });
  return { name: 'hybrid-serverless.function-sli', rules };
}

function pct(fraction: number): string {
  return `${num(fraction * 100)}%`;
}

/** SLO, saturation and cold-start alerts of one function. */
export function functionAlerts(fn: MonitoredFunction): AlertingRule[] {
  const sel = selector({ namespace: fn.namespace, function: fn.name, backend: fn.backend });
  const labels = { tenant: fn.tenant, function: fn.name, backend: fn.backend };
  const where = `${fn.backend} function ${fn.namespace}/${fn.name}`;
  const alerts: AlertingRule[] = [
    {
      alert: 'FunctionErrorRatioHigh',
      expr: `${SLI.errorRatio}${sel} > ${num(fn.errorRatio)}`,
      for: '5m',
      labels: { severity: 'critical', ...labels },
      annotations: {
        summary: `${fn.name}: more than ${pct(fn.errorRatio)} of requests fail`,
        description: `The 5xx ratio of ${where} has been above its SLO of ${pct(fn.errorRatio)} for 5 minutes.`,
      },
    },
    {
      alert: 'FunctionLatencyHigh',
      expr: `${SLI.latencyP99}${sel} > ${num(fn.latencyP99Seconds)}`,
      for: '10m',
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: `${fn.name}: p99 latency above ${num(fn.latencyP99Seconds * 1000)} ms`,
        description: `The p99 latency of ${where} has been above its SLO of ${num(fn.latencyP99Seconds * 1000)} ms for 10 minutes.`,
      },
    },
    {
      alert: 'FunctionAtMaxScale',
      expr: `${SLI.replicas}${sel} >= ${fn.maxScale}`,
      for: '15m',
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: `${fn.name}: running at its maximum scale of ${fn.maxScale}`,
        description: `${where} has run ${fn.maxScale} replicas (scaling.max) for 15 minutes: it cannot absorb more load; raise scaling.max or its per-replica target.`,
      },
    },
  ];
  // Knative's autoscaler shows a cold start that does not finish: pods wanted, none ready.
  if (fn.backend === 'knative' && fn.minScale === 0) {
    alerts.push({
      alert: 'FunctionColdStartStalled',
      expr: `${SLI.desiredReplicas}${sel} > 0 and ${SLI.replicas}${sel} == 0`,
      for: '3m',
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: `${fn.name}: scale from zero has not produced a ready pod`,
        description: `The autoscaler wants pods for ${where} but none has been ready for 3 minutes: requests wait in the activator (image pull, quota or crash).`,
      },
    });
  }
  return alerts;
}

/** Name of the rule group holding a tenant's per-function alerts. */
export const functionAlertGroupName = (tenant: string): string => `hybrid-serverless.functions.${tenant}`;

/**
 * Every per-function alert, one group per tenant so a tenant's alerts evaluate together
 * (within one rule file: a tenant split over several PrometheusRules has a group in each).
 */
export function functionAlertGroups(functions: readonly MonitoredFunction[]): RuleGroup[] {
  const tenants = [...new Set(functions.map((f) => f.tenant))];
  return tenants.map((t) => ({
    name: functionAlertGroupName(t),
    rules: functions.filter((f) => f.tenant === t).flatMap(functionAlerts),
  }));
}

/**
 * Functions per PrometheusRule. A function's alerts take 1.5–3 KiB serialized (4 KiB with
 * names at their maximum length and a few Kafka lag alerts), so 50 keep an object around
 * 100 KiB, 250 KiB at worst: far below the toolkit's per-object limit (MAX_OBJECT_BYTES,
 * 512 KiB) and etcd's 1.5 MiB, however many functions a platform has.
 */
export const FUNCTIONS_PER_RULE_OBJECT = 50;

/** The functions of one tenant's PrometheusRule: part `part` (1-based) of its functions. */
export interface FunctionRuleSet {
  readonly tenant: string;
  readonly part: number;
  readonly functions: readonly MonitoredFunction[];
}

/**
 * Splits functions into one set per tenant, and a tenant with more than `perObject`
 * functions into consecutive parts of `perObject` in the given order (appending a function
 * changes only the tenant's last part). Tenants in order of first appearance.
 */
export function functionRuleSets(functions: readonly MonitoredFunction[], perObject: number = FUNCTIONS_PER_RULE_OBJECT): FunctionRuleSet[] {
  if (!Number.isInteger(perObject) || perObject < 1) throw new RangeError(`perObject must be a positive integer, got ${perObject}`);
  const byTenant = new Map<string, MonitoredFunction[]>();
  for (const f of functions) {
    const list = byTenant.get(f.tenant);
    if (list) list.push(f);
    else byTenant.set(f.tenant, [f]);
  }
  const sets: FunctionRuleSet[] = [];
  for (const [tenant, list] of byTenant) {
    for (let i = 0; i < list.length; i += perObject) sets.push({ tenant, part: i / perObject + 1, functions: list.slice(i, i + perObject) });
  }
  return sets;
}
