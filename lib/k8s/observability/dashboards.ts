import { DashboardBuilder, QueryVariableBuilder, RowBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { COST } from './cost-rules';
import { SLI, UPSTREAM_METRICS } from './function-rules';
import { PROMETHEUS_DATASOURCE_UID } from './kube-prometheus-stack';

/** A dashboard as Grafana's JSON model, with the uid it is provisioned under. */
export interface DashboardModel {
  readonly uid: string;
  readonly title: string;
  readonly json: Record<string, unknown>;
}

export interface DashboardSet {
  /** Prefix of dashboard uids (uids are ≤ 40 characters). */
  readonly uidPrefix: string;
  /** Dashboard title prefix, e.g. the platform and environment. */
  readonly titlePrefix: string;
  readonly knative: boolean;
  readonly openfaas: boolean;
  readonly kong: boolean;
  readonly kafka: boolean;
  /** Monthly cluster budget (USD) shown against the projection. */
  readonly monthlyBudgetUsd: number;
}

const DS = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };

function q(expr: string, legend: string) {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).datasource(DS);
}

function series(title: string, unit: string, ...targets: ReturnType<typeof q>[]) {
  const p = new TimeseriesPanel().title(title).unit(unit).datasource(DS).height(8).span(12);
  for (const t of targets) p.withTarget(t);
  return p;
}

function stat(title: string, unit: string, ...targets: ReturnType<typeof q>[]) {
  const p = new StatPanel().title(title).unit(unit).datasource(DS).height(5).span(6);
  for (const t of targets) p.withTarget(t);
  return p;
}

function variable(name: string, label: string, query: string) {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DS)
    .query(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

function dashboard(set: DashboardSet, id: string, title: string) {
  return new DashboardBuilder(`${set.titlePrefix} / ${title}`)
    .uid(`${set.uidPrefix}-${id}`.slice(0, 40))
    .tags(['hybrid-serverless', id])
    .editable()
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('utc');
}

function model(b: DashboardBuilder): DashboardModel {
  const json = b.build() as unknown as Record<string, unknown>;
  return { uid: json.uid as string, title: json.title as string, json };
}

/** The per-function SLI panels, shared by the backend dashboards (`$function` selects). */
function sliPanels(b: DashboardBuilder, backend: string): void {
  const sel = `{backend="${backend}",function=~"$function"}`;
  b.withRow(new RowBuilder('Requests'))
    .withPanel(series('Invocations', 'reqps', q(`sum by (function) (${SLI.requests}${sel})`, '{{function}}')))
    .withPanel(series('Errors (5xx ratio)', 'percentunit', q(`max by (function) (${SLI.errorRatio}${sel})`, '{{function}}')));
}

function knativeDashboard(set: DashboardSet): DashboardModel {
  const m = UPSTREAM_METRICS.knative;
  const fn = `kn_service_name=~"$function"`;
  const b = dashboard(set, 'knative', 'Knative functions').withVariable(variable('function', 'Function', `label_values(${SLI.requests}{backend="knative"}, function)`));
  sliPanels(b, 'knative');
  const quantile = (p: number) => q(`histogram_quantile(${p}, sum by (kn_service_name, le) (rate(${m.latencyBucket}{${fn}}[$__rate_interval])))`, `p${Math.round(p * 100)} {{kn_service_name}}`);
  b.withRow(new RowBuilder('Latency and scale'))
    .withPanel(series('Latency p50 / p95 / p99', 's', quantile(0.5), quantile(0.95), quantile(0.99)))
    .withPanel(
      series(
        'Replicas (ready / desired)',
        'short',
        q(`sum by (kn_service_name) (${m.pods}{${fn}})`, 'ready {{kn_service_name}}'),
        q(`sum by (kn_service_name) (${m.desiredPods}{${fn}})`, 'desired {{kn_service_name}}'),
      ),
    )
    .withPanel(series('Concurrency at the activator', 'short', q(`sum by (kn_service_name) (${m.concurrency}{${fn}})`, '{{kn_service_name}}')));
  return model(b);
}

function openfaasDashboard(set: DashboardSet): DashboardModel {
  const m = UPSTREAM_METRICS.openfaas;
  // Gateway series name functions "<name>.<namespace>".
  const fn = `function_name=~"($function)([.].*)?"`;
  const b = dashboard(set, 'openfaas', 'OpenFaaS functions').withVariable(variable('function', 'Function', `label_values(${SLI.requests}{backend="openfaas"}, function)`));
  sliPanels(b, 'openfaas');
  const quantile = (p: number) => q(`histogram_quantile(${p}, sum by (function_name, le) (rate(${m.latencyBucket}{${fn}}[$__rate_interval])))`, `p${Math.round(p * 100)} {{function_name}}`);
  b.withRow(new RowBuilder('Latency and scale'))
    .withPanel(series('Latency p50 / p95 / p99', 's', quantile(0.5), quantile(0.95), quantile(0.99)))
    .withPanel(series('Replicas', 'short', q(`max by (function_name) (${m.replicas}{${fn}})`, '{{function_name}}')))
    .withPanel(series('Invocations by status', 'reqps', q(`sum by (function_name, code) (rate(${m.invocations}{${fn}}[$__rate_interval]))`, '{{function_name}} {{code}}')));
  return model(b);
}

function kongDashboard(set: DashboardSet): DashboardModel {
  const route = 'route=~"$route"';
  const b = dashboard(set, 'kong', 'Kong gateway').withVariable(variable('route', 'Route', 'label_values(kong_http_requests_total, route)'));
  b.withRow(new RowBuilder('Routes'))
    .withPanel(series('Requests by route', 'reqps', q(`sum by (route) (rate(kong_http_requests_total{${route}}[$__rate_interval]))`, '{{route}}')))
    .withPanel(
      series(
        '5xx ratio by route',
        'percentunit',
        q(`sum by (route) (rate(kong_http_requests_total{${route},code=~"5.."}[$__rate_interval])) / sum by (route) (rate(kong_http_requests_total{${route}}[$__rate_interval]))`, '{{route}}'),
      ),
    )
    .withPanel(series('Latency p99 by route', 'ms', q(`histogram_quantile(0.99, sum by (route, le) (rate(kong_request_latency_ms_bucket{${route}}[$__rate_interval])))`, '{{route}}')))
    .withPanel(series('Upstream latency p99 by route', 'ms', q(`histogram_quantile(0.99, sum by (route, le) (rate(kong_upstream_latency_ms_bucket{${route}}[$__rate_interval])))`, '{{route}}')));
  return model(b);
}

function kafkaDashboard(set: DashboardSet): DashboardModel {
  const g = 'consumergroup=~"$consumergroup"';
  const b = dashboard(set, 'kafka-lag', 'Kafka consumer lag').withVariable(variable('consumergroup', 'Consumer group', 'label_values(kafka_consumergroup_lag, consumergroup)'));
  b.withRow(new RowBuilder('Lag'))
    .withPanel(series('Lag by group and topic', 'short', q(`sum by (consumergroup, topic) (kafka_consumergroup_lag{${g}})`, '{{consumergroup}} / {{topic}}')))
    .withPanel(series('Lag change per minute', 'short', q(`sum by (consumergroup, topic) (deriv(kafka_consumergroup_lag{${g}}[5m])) * 60`, '{{consumergroup}} / {{topic}}')))
    .withPanel(series('Consumed records per second', 'short', q(`sum by (consumergroup, topic) (rate(kafka_consumergroup_current_offset{${g}}[$__rate_interval]))`, '{{consumergroup}} / {{topic}}')));
  return model(b);
}

function spendDashboard(set: DashboardSet): DashboardModel {
  const b = dashboard(set, 'spend', 'Cluster spend vs budget');
  b.withRow(new RowBuilder('This month'))
    .withPanel(stat('Projected this month', 'currencyUSD', q(COST.clusterProjected, 'projected')))
    .withPanel(stat('Monthly budget', 'currencyUSD', q(COST.budget, 'budget')))
    .withPanel(stat('Projected share of budget', 'percentunit', q(`${COST.clusterProjected} / scalar(${COST.budget})`, 'share')))
    .withPanel(series('Projected vs budget', 'currencyUSD', q(COST.clusterProjected, 'projected'), q(COST.budget, `budget (${set.monthlyBudgetUsd} USD)`)))
    .withPanel(series('Projected by namespace', 'currencyUSD', q(`sort_desc(${COST.namespaceProjected})`, '{{namespace}}')))
    .withPanel(series('Hourly cost by namespace', 'currencyUSD', q(COST.namespaceHourly, '{{namespace}}')));
  return model(b);
}

function overviewDashboard(set: DashboardSet): DashboardModel {
  const b = dashboard(set, 'overview', 'Platform overview');
  b.withRow(new RowBuilder('Functions'))
    .withPanel(stat('Requests per second', 'reqps', q(`sum by (backend) (${SLI.requests})`, '{{backend}}')))
    .withPanel(stat('Error ratio', 'percentunit', q(`sum by (backend) (${SLI.errors}) / sum by (backend) (${SLI.requests})`, '{{backend}}')))
    .withPanel(stat('Replicas', 'short', q(`sum by (backend) (${SLI.replicas})`, '{{backend}}')))
    .withPanel(stat('Firing alerts', 'short', q('count by (severity) (ALERTS{alertstate="firing"})', '{{severity}}')))
    .withPanel(series('Requests by function', 'reqps', q(SLI.requests, '{{backend}} {{namespace}}/{{function}}')))
    .withPanel(series('p99 latency by function', 's', q(SLI.latencyP99, '{{backend}} {{namespace}}/{{function}}')));
  b.withRow(new RowBuilder('Platform'))
    .withPanel(series('Components up', 'short', q('sum by (component) (up{component!=""})', '{{component}}')))
    .withPanel(series('Projected cluster spend vs budget', 'currencyUSD', q(COST.clusterProjected, 'projected'), q(COST.budget, 'budget')));
  if (set.kafka) b.withPanel(series('Kafka consumer lag', 'short', q('sum by (consumergroup) (kafka_consumergroup_lag)', '{{consumergroup}}')));
  return model(b);
}

/** The platform's dashboards: an overview, one per backend present, Kafka lag and spend. */
export function platformDashboards(set: DashboardSet): DashboardModel[] {
  return [
    overviewDashboard(set),
    ...(set.knative ? [knativeDashboard(set)] : []),
    ...(set.openfaas ? [openfaasDashboard(set)] : []),
    ...(set.kong ? [kongDashboard(set)] : []),
    ...(set.kafka ? [kafkaDashboard(set)] : []),
    spendDashboard(set),
  ];
}

/** Every PromQL query of a dashboard (panel targets and query variables), for checking. */
export function dashboardQueries(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const panels = (json.panels as Array<{ targets?: Array<{ expr?: string }>; panels?: unknown[] }>) ?? [];
  const walk = (ps: typeof panels) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
      if (p.panels) walk(p.panels as typeof panels);
    }
  };
  walk(panels);
  const vars = ((json.templating as { list?: Array<{ query?: unknown }> })?.list ?? []).map((v) => v.query).filter((x): x is string => typeof x === 'string');
  return [...out, ...vars];
}
