import type { AlertingRule, RecordingRule, RuleGroup } from './rule-model';
import { anyOf, num, str } from './rule-model';

export interface ClusterCostModel {
  /** USD per requested CPU core and hour. */
  readonly cpuCoreHourUsd: number;
  /** USD per requested GiB of memory and hour. */
  readonly memoryGiBHourUsd: number;
  /** Monthly limit of the environment's cluster spend, USD. */
  readonly monthlyUsd: number;
  /** Percentages of the limit that alert. */
  readonly thresholds: readonly number[];
  /** Tenant namespaces (each also alerts on its own projection). */
  readonly tenants: readonly string[];
  /** Window whose average hourly cost is projected over the month. @default '1d' */
  readonly window?: string;
}

export const COST = {
  namespaceHourly: 'hybrid:namespace_cost_usd:hourly',
  namespaceProjected: 'hybrid:namespace_cost_usd:projected_month',
  tenantProjected: 'hybrid:tenant_cost_usd:projected_month',
  clusterProjected: 'hybrid:cluster_cost_usd:projected_month',
  budget: 'hybrid:cluster_budget_usd:monthly',
} as const;

const GIB = 1024 ** 3;

/** Requests of pods that hold their reservation (Pending or Running), from kube-state-metrics. */
function requests(resource: 'cpu' | 'memory'): string {
  const unit = resource === 'cpu' ? 'core' : 'byte';
  return (
    `kube_pod_container_resource_requests{resource="${resource}",unit="${unit}"}` +
    ` * on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_status_phase{phase=~"Pending|Running"} == 1)`
  );
}

/**
 * The cluster half of the budget (seed 004's cost model): what the requested CPU and memory
 * cost per hour at the spec's unit prices, per namespace, projected over the current month
 * from the average of the last `window`, and alerts at each threshold of the monthly limit —
 * for the whole cluster and for each tenant's own share.
 */
export function clusterCostGroup(model: ClusterCostModel): RuleGroup {
  const window = model.window ?? '1d';
  const cpu = `(${requests('cpu')}) * ${num(model.cpuCoreHourUsd)}`;
  const mem = `(${requests('memory')}) * ${num(model.memoryGiBHourUsd / GIB)}`;
  const recording: RecordingRule[] = [
    // `or` keeps namespaces that request only one of the two resources.
    { record: COST.namespaceHourly, expr: `sum by (namespace) ((${cpu}) or (${mem}))` },
    { record: COST.namespaceProjected, expr: `avg_over_time(${COST.namespaceHourly}[${window}]) * 24 * scalar(days_in_month())` },
    { record: COST.clusterProjected, expr: `sum(${COST.namespaceProjected})` },
    { record: COST.budget, expr: `vector(${num(model.monthlyUsd)})` },
  ];
  if (model.tenants.length) {
    recording.push({
      record: COST.tenantProjected,
      expr: `label_replace(${COST.namespaceProjected}{namespace=~${str(anyOf(model.tenants))}}, "tenant", "$1", "namespace", "(.+)")`,
    });
  }
  const alerts: AlertingRule[] = [];
  for (const t of [...model.thresholds].sort((a, b) => a - b)) {
    const limit = (model.monthlyUsd * t) / 100;
    const severity = t >= 100 ? 'critical' : 'warning';
    const labels = { severity, threshold: String(t) } as const;
    alerts.push({
      alert: 'ClusterSpendProjected',
      expr: `${COST.clusterProjected} > ${num(limit)}`,
      for: '1h',
      labels: { ...labels },
      annotations: {
        summary: `Cluster spend projected above ${t}% of the ${num(model.monthlyUsd)} USD monthly budget`,
        description: `Requested CPU and memory, priced at ${num(model.cpuCoreHourUsd)} USD per core-hour and ${num(model.memoryGiBHourUsd)} USD per GiB-hour, project this month's cluster spend above ${num(limit)} USD.`,
      },
    });
    if (model.tenants.length) {
      alerts.push({
        alert: 'TenantSpendProjected',
        expr: `${COST.tenantProjected} > ${num(limit)}`,
        for: '1h',
        labels: { ...labels },
        annotations: {
          summary: `Tenant {{ $labels.tenant }} alone is projected above ${t}% of the ${num(model.monthlyUsd)} USD monthly budget`,
          description: `The requests of namespace {{ $labels.tenant }} project this month's spend above ${num(limit)} USD.`,
        },
      });
    }
  }
  return { name: 'hybrid-serverless.cluster-cost', interval: '1m', rules: [...recording, ...alerts] };
}
