import { stringify } from 'yaml';
import { clusterCostGroup, COST } from '../../lib/k8s/observability/cost-rules';
import { FUNCTIONS_PER_RULE_OBJECT, functionAlertGroups, functionRuleSets, functionSliGroup, type MonitoredFunction } from '../../lib/k8s/observability/function-rules';
import { componentsDownGroup, kafkaLagGroup } from '../../lib/k8s/observability/platform-rules';
import { type RuleGroup } from '../../lib/k8s/observability/rule-model';
import { EVENTING_NAMES } from '../../lib/k8s/knative/trigger';
import { generatedSpec } from '../support/generated-spec';
import { REFERENCE_ENVIRONMENTS, synthEnv } from '../support/synth';
import { annotationsOf, describeWithTool, promtoolTest, run } from './tools';

/** The rule file Prometheus gets from a PrometheusRule: its spec.groups. */
function ruleFile(groups: readonly RuleGroup[] | unknown[]): string {
  return stringify({ groups });
}

const fn = (over: Partial<MonitoredFunction> = {}): MonitoredFunction => ({
  name: 'validate-order',
  namespace: 'shop',
  tenant: 'shop',
  backend: 'knative',
  latencyP99Seconds: 0.3,
  errorRatio: 0.05,
  maxScale: 20,
  minScale: 0,
  ...over,
});

type Group = { name: string; rules: any[] };

/** The rule groups of every PrometheusRule in `monitoring` (the platform's and each tenant's parts). */
const allGroups = (find: ReturnType<typeof synthEnv>['find']): Group[] => find('PrometheusRule', undefined, 'monitoring').flatMap((r) => r.spec.groups as Group[]);

describe('rule structure', () => {
  test('platform-wide rules in <platform>-platform; per-function and Kafka lag alerts in one PrometheusRule per tenant', () => {
    const { find } = synthEnv('dev');
    const rules = find('PrometheusRule', undefined, 'monitoring');
    // media has only a Lambda function: CloudWatch alarms, no cluster rules
    expect(rules.map((r) => r.metadata.name)).toEqual(['acme-platform', 'acme-functions-shop-1', 'acme-functions-iot-1']);
    const groupsOf = (name: string) => (find('PrometheusRule', name, 'monitoring')[0].spec.groups as Group[]).map((g) => g.name);
    // no environment has a durable dead-letter store yet: no dead-letter topic group
    expect(groupsOf('acme-platform')).toEqual(['hybrid-serverless.function-sli', 'hybrid-serverless.platform', 'hybrid-serverless.cluster-cost', 'hybrid-serverless.eventing']);
    expect(groupsOf('acme-functions-shop-1')).toEqual(['hybrid-serverless.functions.shop', 'hybrid-serverless.delivery.shop', 'hybrid-serverless.kafka.shop']);
    expect(groupsOf('acme-functions-iot-1')).toEqual(['hybrid-serverless.functions.iot', 'hybrid-serverless.delivery.iot', 'hybrid-serverless.kafka.iot']);
    const shop = find('PrometheusRule', 'acme-functions-shop-1', 'monitoring')[0];
    expect(shop.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'observability', 'hybrid-serverless.io/tenant': 'shop' });
    // every alert of a tenant's rule is about that tenant
    for (const r of rules.slice(1)) {
      const tenant = r.metadata.labels!['hybrid-serverless.io/tenant'];
      for (const g of r.spec.groups as Group[]) for (const a of g.rules) expect(a.labels.tenant).toBe(tenant);
    }
  });

  test('a tenant with more than 50 cluster functions gets parts of 50, each function in exactly one', () => {
    // 330 functions in one tenant: 110 Knative + 110 OpenFaaS are watched by cluster rules
    const { find, platform } = synthEnv('dev', generatedSpec(330, { tenants: 1 }));
    const rules = find('PrometheusRule', undefined, 'monitoring');
    expect(rules.map((r) => r.metadata.name)).toEqual(['scale-platform', ...[1, 2, 3, 4, 5].map((n) => `scale-functions-t00-${n}`)]);
    const functionsOf = (r: (typeof rules)[number]) => [...new Set((r.spec.groups as Group[]).flatMap((g) => g.rules.map((a) => a.labels.function)))];
    const parts = rules.slice(1).map(functionsOf);
    expect(parts.map((p) => p.length)).toEqual([50, 50, 50, 50, 20]);
    // in spec order: the first part holds the first 50 cluster functions
    const cluster = platform.spec.functions.filter((f) => f.target !== 'lambda').map((f) => f.name);
    expect(parts.flat()).toEqual(cluster);
    // the same group names in each part (group names are unique per rule file)
    for (const r of rules.slice(1)) expect((r.spec.groups as Group[]).map((g) => g.name)).toEqual(['hybrid-serverless.functions.t00', 'hybrid-serverless.delivery.t00', 'hybrid-serverless.kafka.t00']);
  });

  test('functionRuleSets: per tenant in order of appearance, consecutive parts of perObject', () => {
    const fns = ['a1', 'b1', 'a2', 'a3', 'b2', 'a4', 'a5'].map((n) => fn({ name: n, tenant: n[0], namespace: n[0] }));
    const sets = functionRuleSets(fns, 2).map((s) => [s.tenant, s.part, s.functions.map((f) => f.name)]);
    expect(sets).toEqual([
      ['a', 1, ['a1', 'a2']],
      ['a', 2, ['a3', 'a4']],
      ['a', 3, ['a5']],
      ['b', 1, ['b1', 'b2']],
    ]);
    expect(FUNCTIONS_PER_RULE_OBJECT).toBe(50);
    expect(functionRuleSets(fns).map((s) => s.functions.length)).toEqual([5, 2]);
    expect(() => functionRuleSets(fns, 0)).toThrow('perObject must be a positive integer, got 0');
  });

  test('every cluster function gets error, latency and saturation alerts; scale-to-zero Knative ones a cold-start alert', () => {
    const { platform, find } = synthEnv('dev');
    const groups = allGroups(find);
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
    const slo = groups.filter((g) => g.name.startsWith('hybrid-serverless.functions.')).flatMap((g) => g.rules);
    const cluster = platform.spec.functions.filter((f) => f.target !== 'lambda');
    for (const f of cluster) {
      const mine = slo.filter((a) => a.labels.function === f.name);
      const names = mine.map((a) => a.alert).sort();
      const coldStart = f.target === 'knative' && !f.coldStart;
      expect(names).toEqual(['FunctionAtMaxScale', 'FunctionErrorRatioHigh', 'FunctionLatencyHigh', ...(coldStart ? ['FunctionColdStartStalled'] : [])].sort());
      for (const a of mine) expect(a.labels).toMatchObject({ tenant: f.tenant, backend: f.target });
    }
    // the spec's SLOs: validate-order has its own 300 ms; others the 1000 ms default
    const latency = (name: string) => alerts.find((a) => a.alert === 'FunctionLatencyHigh' && a.labels.function === name).expr;
    expect(latency('validate-order')).toMatch(/> 0\.3$/);
    expect(latency('payment')).toMatch(/> 1$/);
    expect(alerts.find((a) => a.alert === 'FunctionAtMaxScale' && a.labels.function === 'promo-discount').expr).toMatch(/>= 5$/);
    // dev runs OpenFaaS CE: a function without scaling.max runs at most 5 replicas there, and is alerted at 5
    expect(alerts.find((a) => a.alert === 'FunctionAtMaxScale' && a.labels.function === 'hello-python').expr).toMatch(/>= 5$/);
    // no per-function alert for the Lambda function: CloudWatch watches it on the AWS side
    expect(alerts.some((a) => a.labels.function === 'thumbnail')).toBe(false);
  });

  test('delivery alerts: every Knative function with async triggers, by the names of its Triggers and KafkaSources', () => {
    const { platform, find } = synthEnv('dev');
    const delivery = allGroups(find)
      .filter((g) => g.name.startsWith('hybrid-serverless.delivery.'))
      .flatMap((g) => g.rules);
    const asyncKnative = platform.spec.functions.filter((f) => f.target === 'knative' && (f.triggers ?? []).some((t) => t.type !== 'http'));
    expect(asyncKnative.length).toBeGreaterThan(1);
    expect([...new Set(delivery.map((a) => a.labels.function))].sort()).toEqual(asyncKnative.map((f) => f.name).sort());
    for (const f of asyncKnative) {
      const dead = delivery.find((a) => a.alert === 'FunctionDeadLetters' && a.labels.function === f.name);
      expect(dead.labels).toEqual({ severity: 'critical', tenant: f.tenant, function: f.name });
      (f.triggers ?? []).forEach((t, i) => {
        if (t.type === 'event') expect(dead.expr).toContain(`kn_trigger_name=~"${EVENTING_NAMES.eventTrigger(f.name, i)}"`);
        if (t.type === 'kafka') expect(dead.expr).toContain(`kn_kafkasource_name=~"${EVENTING_NAMES.kafkaSource(f.name, i)}"`);
      });
    }
    // OpenFaaS and Lambda functions have no Knative deliveries
    expect(delivery.some((a) => platform.spec.functions.find((f) => f.name === a.labels.function)?.target !== 'knative')).toBe(false);
  });

  test('Kafka lag alerts cover every consumer group of the spec’s kafka triggers', () => {
    const { find } = synthEnv('prod');
    const lag = allGroups(find)
      .filter((g) => g.name.startsWith('hybrid-serverless.kafka.'))
      .flatMap((g) => g.rules)
      // prod keeps events in Kafka: its broker triggers' groups are watched too (test/observability/dead-letter-alerts.test.ts)
      .filter((r) => !r.expr.includes('knative-trigger-'));
    expect(lag.map((r) => r.expr)).toEqual([
      'sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup="payment",topic="orders"}) > 1000',
      'sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup="temperature-alert",topic="telemetry"}) > 1000',
    ]);
    expect(lag[0].labels).toEqual({ severity: 'warning', tenant: 'shop', function: 'payment' });
  });

  test('budget alerts fire at the environment’s thresholds of its monthly limit, with the spec’s prices', () => {
    const { find, platform } = synthEnv('prod');
    const groups = find('PrometheusRule', 'acme-platform', 'monitoring')[0].spec.groups as { name: string; rules: any[] }[];
    const cost = groups.find((g) => g.name === 'hybrid-serverless.cluster-cost')!.rules;
    // prod overrides monthlyUsd to 8000; profile thresholds 50/80/100
    expect(platform.env.budget.monthlyUsd).toBe(8000);
    const total = cost.filter((r) => r.alert === 'ClusterSpendProjected');
    expect(total.map((r) => [r.labels.threshold, r.labels.severity, r.expr])).toEqual([
      ['50', 'warning', `${COST.clusterProjected} > 4000`],
      ['80', 'warning', `${COST.clusterProjected} > 6400`],
      ['100', 'critical', `${COST.clusterProjected} > 8000`],
    ]);
    expect(cost.filter((r) => r.alert === 'TenantSpendProjected')).toHaveLength(3);
    const hourly = cost.find((r) => r.record === COST.namespaceHourly).expr as string;
    expect(hourly).toContain('* 0.0425');
    expect(hourly).toContain(`* ${Number((0.0057 / 1024 ** 3).toPrecision(12))}`);
  });
});

describeWithTool('promtool', 'promtool', () => {
  test('every generated rule file passes `promtool check rules`, in every environment', () => {
    for (const env of REFERENCE_ENVIRONMENTS) {
      const { find } = synthEnv(env);
      const rules = find('PrometheusRule');
      expect(rules.length).toBeGreaterThan(0);
      for (const r of rules) {
        const res = run('promtool', ['check', 'rules', 'rules.yaml'], { 'rules.yaml': ruleFile(r.spec.groups) });
        expect({ env, rule: r.metadata.name, out: res.out, status: res.status }).toMatchObject({ status: 0 });
        expect(res.out).toMatch(/SUCCESS: \d+ rules found/);
      }
    }
  });

  test('a broken expression fails `promtool check rules` (the check can fail)', () => {
    const res = run('promtool', ['check', 'rules', 'rules.yaml'], { 'rules.yaml': ruleFile([{ name: 'x', rules: [{ record: 'a:b', expr: 'sum by (x (up)' }] }]) });
    expect(res.status).not.toBe(0);
  });

  const knativeSeries = (ok: string, errors: string) => [
    { series: 'kn_serving_invocation_duration_seconds_count{k8s_namespace_name="shop",kn_service_name="validate-order",http_response_status_code="200",namespace="shop"}', values: ok },
    { series: 'kn_serving_invocation_duration_seconds_count{k8s_namespace_name="shop",kn_service_name="validate-order",http_response_status_code="500",namespace="shop"}', values: errors },
  ];

  test('error-ratio alert: fires at 10 % errors, not at 1 % (SLO 5 %)', () => {
    const f = fn();
    const groups = [functionSliGroup(['knative']), ...functionAlertGroups([f])];
    const labels = { alertname: 'FunctionErrorRatioHigh', severity: 'critical', tenant: 'shop', function: 'validate-order', backend: 'knative', namespace: 'shop' };
    const res = promtoolTest(groups, [
      {
        name: '10% errors',
        interval: '1m',
        // 90 ok + 10 failed requests per minute
        input_series: knativeSeries('0+90x30', '0+10x30'),
        alert_rule_test: [
          { eval_time: '4m', alertname: 'FunctionErrorRatioHigh', exp_alerts: [] }, // pending: `for: 5m`
          { eval_time: '15m', alertname: 'FunctionErrorRatioHigh', exp_alerts: [{ exp_labels: labels, exp_annotations: annotationsOf(groups, 'FunctionErrorRatioHigh', labels) }] },
        ],
        promql_expr_test: [
          {
            expr: 'hybrid:function_error_ratio:rate5m',
            eval_time: '15m',
            exp_samples: [{ labels: 'hybrid:function_error_ratio:rate5m{backend="knative",function="validate-order",namespace="shop"}', value: 0.1 }],
          },
        ],
      },
      {
        name: '1% errors',
        interval: '1m',
        input_series: knativeSeries('0+99x30', '0+1x30'),
        alert_rule_test: [{ eval_time: '20m', alertname: 'FunctionErrorRatioHigh', exp_alerts: [] }],
      },
      {
        name: 'no 5xx series at all counts as 0 %',
        interval: '1m',
        input_series: [knativeSeries('0+50x30', '')[0]],
        promql_expr_test: [
          {
            expr: 'hybrid:function_error_ratio:rate5m',
            eval_time: '15m',
            exp_samples: [{ labels: 'hybrid:function_error_ratio:rate5m{backend="knative",function="validate-order",namespace="shop"}', value: 0 }],
          },
        ],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('the same alert on OpenFaaS gateway metrics (function_name "<fn>.<namespace>")', () => {
    const f = fn({ name: 'promo-discount', namespace: 'openfaas-fn', backend: 'openfaas', minScale: 1 });
    const groups = [functionSliGroup(['openfaas']), ...functionAlertGroups([f])];
    const labels = { alertname: 'FunctionErrorRatioHigh', severity: 'critical', tenant: 'shop', function: 'promo-discount', backend: 'openfaas', namespace: 'openfaas-fn' };
    const series = (code: string, values: string) => ({ series: `gateway_function_invocation_total{function_name="promo-discount.openfaas-fn",code="${code}",namespace="openfaas"}`, values });
    const res = promtoolTest(groups, [
      {
        name: '10% errors',
        interval: '1m',
        input_series: [series('200', '0+90x30'), series('500', '0+10x30')],
        alert_rule_test: [{ eval_time: '15m', alertname: 'FunctionErrorRatioHigh', exp_alerts: [{ exp_labels: labels, exp_annotations: annotationsOf(groups, 'FunctionErrorRatioHigh', labels) }] }],
      },
      {
        name: '1% errors',
        interval: '1m',
        input_series: [series('200', '0+99x30'), series('502', '0+1x30')],
        alert_rule_test: [{ eval_time: '15m', alertname: 'FunctionErrorRatioHigh', exp_alerts: [] }],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('latency alert: fires when p99 is above the SLO, not below it', () => {
    const f = fn(); // SLO 300 ms
    const groups = [functionSliGroup(['knative']), ...functionAlertGroups([f])];
    const labels = { alertname: 'FunctionLatencyHigh', severity: 'warning', tenant: 'shop', function: 'validate-order', backend: 'knative', namespace: 'shop' };
    const bucket = (le: string, values: string) => ({
      series: `kn_serving_invocation_duration_seconds_bucket{k8s_namespace_name="shop",kn_service_name="validate-order",http_response_status_code="200",le="${le}"}`,
      values,
    });
    // slow: every request takes 0.5–1 s; fast: every request is under 0.1 s
    const slow = [bucket('0.1', '0+0x40'), bucket('0.25', '0+0x40'), bucket('0.5', '0+0x40'), bucket('1', '0+100x40'), bucket('+Inf', '0+100x40')];
    const fast = [bucket('0.1', '0+100x40'), bucket('0.25', '0+100x40'), bucket('0.5', '0+100x40'), bucket('1', '0+100x40'), bucket('+Inf', '0+100x40')];
    const res = promtoolTest(groups, [
      {
        name: 'p99 ≈ 1 s > 300 ms',
        interval: '1m',
        input_series: slow,
        alert_rule_test: [
          { eval_time: '10m', alertname: 'FunctionLatencyHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'FunctionLatencyHigh', exp_alerts: [{ exp_labels: labels, exp_annotations: annotationsOf(groups, 'FunctionLatencyHigh', labels) }] },
        ],
      },
      { name: 'p99 < 100 ms', interval: '1m', input_series: fast, alert_rule_test: [{ eval_time: '30m', alertname: 'FunctionLatencyHigh', exp_alerts: [] }] },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('budget alert: fires when the projected month crosses the threshold, per cluster and per tenant', () => {
    // dev-like: 200 USD/month, thresholds 80 and 100; the reference stack's prices.
    const model = { cpuCoreHourUsd: 0.0425, memoryGiBHourUsd: 0.0057, monthlyUsd: 200, thresholds: [80, 100], tenants: ['shop', 'iot'], window: '1h' };
    const group = clusterCostGroup(model);
    const GiB = 1024 ** 3;
    const pod = (ns: string, name: string) => ({ series: `kube_pod_status_phase{namespace="${ns}",pod="${name}",phase="Running"}`, values: '1x300' });
    const req = (ns: string, name: string, resource: 'cpu' | 'memory', values: string) => ({
      series: `kube_pod_container_resource_requests{namespace="${ns}",pod="${name}",container="c",resource="${resource}",unit="${resource === 'cpu' ? 'core' : 'byte'}"}`,
      values,
    });
    // shop: 1 core + 2 GiB for 2 h, then 5 cores + 8 GiB; kube-system: 0.1 core, no memory request.
    // Projection over January (31 days, promtool starts at the epoch):
    //   before: (1×0.0425 + 2×0.0057 + 0.1×0.0425) × 744 h ≈ 43.1 USD  (< 160 = 80 %)
    //   after:  (5×0.0425 + 8×0.0057 + 0.1×0.0425) × 744 h ≈ 195.2 USD (> 160, < 200)
    const input = [
      pod('shop', 'p1'),
      pod('kube-system', 'dns'),
      req('shop', 'p1', 'cpu', '1x120 5x180'),
      req('shop', 'p1', 'memory', `${2 * GiB}x120 ${8 * GiB}x180`),
      req('kube-system', 'dns', 'cpu', '0.1x300'),
    ];
    const before = (1 * 0.0425 + 2 * 0.0057 + 0.1 * 0.0425) * 744;
    const after = (5 * 0.0425 + 8 * 0.0057 + 0.1 * 0.0425) * 744;
    expect(before).toBeLessThan(160);
    expect(after).toBeGreaterThan(160);
    expect(after).toBeLessThan(200);
    const labelsTotal = { alertname: 'ClusterSpendProjected', severity: 'warning', threshold: '80' };
    // shop alone: (5×0.0425 + 8×0.0057) × 744 ≈ 192 USD > 160: its own alert fires too.
    const labelsTenant = { alertname: 'TenantSpendProjected', severity: 'warning', threshold: '80', tenant: 'shop', namespace: 'shop' };
    const total80 = annotationsOf([group], 'ClusterSpendProjected', labelsTotal, (l) => l.threshold === '80');
    const fixed = promtoolTest(
      [group],
      [
        {
          name: 'spend crosses 80 %',
          interval: '1m',
          input_series: input,
          promql_expr_test: [
            { expr: `round(${COST.clusterProjected}, 0.01)`, eval_time: '119m', exp_samples: [{ labels: '{}', value: Math.round(before * 100) / 100 }] },
            { expr: `round(${COST.clusterProjected}, 0.01)`, eval_time: '240m', exp_samples: [{ labels: '{}', value: Math.round(after * 100) / 100 }] },
          ],
          alert_rule_test: [
            { eval_time: '119m', alertname: 'ClusterSpendProjected', exp_alerts: [] },
            // the 1 h average passes 160 about 50 min after the jump; then `for: 1h` holds it back
            { eval_time: '150m', alertname: 'ClusterSpendProjected', exp_alerts: [] },
            { eval_time: '240m', alertname: 'ClusterSpendProjected', exp_alerts: [{ exp_labels: labelsTotal, exp_annotations: total80 }] },
            {
              eval_time: '240m',
              alertname: 'TenantSpendProjected',
              exp_alerts: [{ exp_labels: labelsTenant, exp_annotations: annotationsOf([group], 'TenantSpendProjected', labelsTenant, (l) => l.threshold === '80') }],
            },
          ],
        },
      ],
    );
    expect(fixed.out).toContain('SUCCESS');
    expect(fixed.status).toBe(0);
  });

  test('Kafka lag and component-down alerts fire on their conditions', () => {
    const groups = [
      kafkaLagGroup([{ group: 'payment', topic: 'orders', function: 'payment', tenant: 'shop' }], 1000),
      componentsDownGroup([{ component: 'kong-gateway', up: { component: 'kong-gateway' }, namespaces: ['kong'] }]),
    ];
    const lagLabels = { alertname: 'KafkaConsumerLagHigh', severity: 'warning', tenant: 'shop', function: 'payment', consumergroup: 'payment', topic: 'orders' };
    const downLabels = { alertname: 'PlatformComponentDown', severity: 'critical', component: 'kong-gateway' };
    const res = promtoolTest(groups, [
      {
        name: 'lag grows, kong stops answering',
        interval: '1m',
        input_series: [
          { series: 'kafka_consumergroup_lag{consumergroup="payment",topic="orders",partition="0"}', values: '0+100x30' },
          { series: 'kafka_consumergroup_lag{consumergroup="payment",topic="orders",partition="1"}', values: '0+100x30' },
          { series: 'up{component="kong-gateway",pod="kong-0"}', values: '1x10 0x20' },
        ],
        alert_rule_test: [
          { eval_time: '5m', alertname: 'KafkaConsumerLagHigh', exp_alerts: [] },
          { eval_time: '25m', alertname: 'KafkaConsumerLagHigh', exp_alerts: [{ exp_labels: lagLabels, exp_annotations: annotationsOf(groups, 'KafkaConsumerLagHigh', lagLabels) }] },
          { eval_time: '10m', alertname: 'PlatformComponentDown', exp_alerts: [] },
          { eval_time: '20m', alertname: 'PlatformComponentDown', exp_alerts: [{ exp_labels: downLabels, exp_annotations: annotationsOf(groups, 'PlatformComponentDown', downLabels) }] },
        ],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });
});
