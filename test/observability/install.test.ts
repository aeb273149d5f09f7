import { SUBCHART_VALUE_PATHS } from '../../lib/k8s/observability/kube-prometheus-stack';
import { NODE_EXPORTER_NAMESPACE } from '../../lib/platform/modules/observability';
import { PROFILES } from '../../lib/spec/profiles';
import { REFERENCE_ENVIRONMENTS, referenceCopy, synthEnv } from '../support/synth';
import { chartValues, describeWithUpstream, unknownValuePaths } from '../support/upstream';
import { validateAll } from '../support/validate';

const release = (env: (typeof REFERENCE_ENVIRONMENTS)[number]) => synthEnv(env).get('HelmRelease', 'kube-prometheus-stack', 'monitoring');

/** Does a `matchExpressions`-only selector (operator In) select these labels? */
function selects(selector: { matchExpressions: { key: string; operator: string; values: string[] }[] }, labels: Record<string, string>): boolean {
  return selector.matchExpressions.every((e) => e.operator === 'In' && e.values.includes(labels[e.key]));
}

describe('kube-prometheus-stack install', () => {
  test('pinned chart from the prometheus-community repository, in the monitoring namespace', () => {
    const r = release('dev');
    expect(r.spec.chart.spec).toMatchObject({ chart: 'kube-prometheus-stack', version: '88.5.3', sourceRef: { kind: 'HelmRepository', name: 'prometheus-community' } });
    const repo = synthEnv('dev').get('HelmRepository', 'prometheus-community', 'monitoring');
    expect(repo.spec.url).toBe('https://prometheus-community.github.io/helm-charts');
  });

  test('retention, storage and sizes follow the profile; edge stays small', () => {
    for (const env of REFERENCE_ENVIRONMENTS) {
      const v = release(env).spec.values;
      const p = PROFILES[env];
      expect(v.prometheus.prometheusSpec.retention).toBe(`${p.retention.metricsDays}d`);
      expect(v.prometheus.prometheusSpec.replicas).toBe(p.components.prometheus.replicas);
      expect(v.prometheus.prometheusSpec.resources).toEqual(p.components.prometheus.resources);
      expect(v.alertmanager.alertmanagerSpec.replicas).toBe(p.components.alertmanager.replicas);
      expect(v.alertmanager.alertmanagerSpec.resources).toEqual(p.components.alertmanager.resources);
      expect(v.grafana.replicas).toBe(p.components.grafana.replicas);
      expect(v.grafana.resources).toEqual(p.components.grafana.resources);
      if (p.retention.metricsStorage === null) {
        expect(v.prometheus.prometheusSpec.storageSpec).toEqual({});
        expect(v.prometheus.prometheusSpec.retentionSize).toBe('1GB');
      } else {
        expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(p.retention.metricsStorage);
      }
    }
    const prod = release('prod').spec.values;
    expect(prod.prometheus.prometheusSpec.podAntiAffinity).toBe('hard');
    expect(prod.prometheus.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(prod.alertmanager.podDisruptionBudget.enabled).toBe(true);
    const edge = release('edge').spec.values;
    expect(edge.prometheus.prometheusSpec.retention).toBe('2d');
    expect(edge.prometheus.podDisruptionBudget.enabled).toBe(false);
    expect(edge.grafana.defaultDashboardsEnabled).toBe(false);
    expect(edge.prometheus.prometheusSpec.resources.requests).toEqual({ cpu: '100m', memory: '256Mi' });
  });

  test('overrides reach the install (retention days from Pulumi config / spec overrides)', () => {
    const v = synthEnv('staging', referenceCopy(), { retention: { metricsDays: 21, metricsStorage: '50Gi' } }).get('HelmRelease', 'kube-prometheus-stack', 'monitoring').spec.values;
    expect(v.prometheus.prometheusSpec.retention).toBe('21d');
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('50Gi');
  });

  test('Prometheus selects every monitor and rule the platform emits; Alertmanager its routing', () => {
    const s = synthEnv('prod');
    const spec = s.get('HelmRelease', 'kube-prometheus-stack', 'monitoring').spec.values.prometheus.prometheusSpec;
    const kinds: Record<string, [string, string]> = {
      ServiceMonitor: ['serviceMonitorSelector', 'serviceMonitorNamespaceSelector'],
      PodMonitor: ['podMonitorSelector', 'podMonitorNamespaceSelector'],
      PrometheusRule: ['ruleSelector', 'ruleNamespaceSelector'],
    };
    let n = 0;
    for (const [kind, [sel, nsSel]] of Object.entries(kinds)) {
      for (const o of s.find(kind)) {
        n++;
        expect({ kind, name: o.metadata.name, selected: selects(spec[sel], o.metadata.labels ?? {}) }).toMatchObject({ selected: true });
        expect({ kind, name: o.metadata.name, ns: selects(spec[nsSel], { 'kubernetes.io/metadata.name': o.metadata.namespace! }) }).toMatchObject({ ns: true });
      }
    }
    expect(n).toBeGreaterThan(10);
    // the chart's own monitors (kubelet, kube-state-metrics, …) are Helm-managed in its namespace
    expect(selects(spec.serviceMonitorSelector, { 'app.kubernetes.io/managed-by': 'Helm' })).toBe(true);
    // a tenant's own monitor is not read
    expect(selects(spec.serviceMonitorNamespaceSelector, { 'kubernetes.io/metadata.name': 'shop' })).toBe(false);
    const am = s.get('HelmRelease', 'kube-prometheus-stack', 'monitoring').spec.values.alertmanager.alertmanagerSpec;
    const amc = s.get('AlertmanagerConfig', 'acme-alert-routing', 'monitoring');
    expect(selects(am.alertmanagerConfigSelector, amc.metadata.labels!)).toBe(true);
  });

  test('monitors cover each backend by its upstream labels and ports', () => {
    const s = synthEnv('dev');
    const pm = (name: string) => s.get('PodMonitor', name, 'monitoring').spec;
    expect(pm('knative-queue-proxy')).toMatchObject({
      namespaceSelector: { matchNames: ['iot', 'shop'] },
      selector: { matchExpressions: [{ key: 'serving.knative.dev/revision', operator: 'Exists' }] },
      podMetricsEndpoints: [{ port: 'http-usermetric', honorLabels: true }],
    });
    expect(s.get('ServiceMonitor', 'knative-activator', 'monitoring').spec).toMatchObject({
      namespaceSelector: { matchNames: ['knative-serving'] },
      selector: { matchLabels: { app: 'activator' } },
      endpoints: [{ port: 'http-metrics' }],
    });
    expect(pm('kafka-exporter')).toMatchObject({
      namespaceSelector: { matchNames: ['kafka'] },
      selector: { matchLabels: { 'strimzi.io/name': 'events-kafka-exporter' } },
      podMetricsEndpoints: [{ port: 'tcp-prometheus' }],
    });
    expect(pm('kong-gateway').podMetricsEndpoints[0].port).toBe('status');
    // every series of a toolkit monitor says which component it is
    for (const o of [...s.find('PodMonitor', undefined, 'monitoring'), ...s.find('ServiceMonitor', undefined, 'monitoring')]) {
      const ep = (o.spec.podMetricsEndpoints ?? o.spec.endpoints)[0];
      expect(ep.relabelings[0]).toEqual({ action: 'replace', targetLabel: 'component', replacement: o.metadata.name });
    }
    // the OpenFaaS gateway is scraped by the openfaas module's own PodMonitor; it gets a down alert by job
    const groups = s.get('PrometheusRule', 'acme-platform', 'monitoring').spec.groups as { name: string; rules: any[] }[];
    const down = groups.find((g) => g.name === 'hybrid-serverless.platform')!.rules.map((r) => r.expr);
    for (const pmOther of s.find('PodMonitor').filter((o) => o.metadata.namespace !== 'monitoring')) {
      expect(down).toContain(`absent(up{job="${pmOther.metadata.namespace}/${pmOther.metadata.name}"} == 1)`);
    }
    expect(down).not.toContain('absent(up{component="knative-queue-proxy"} == 1)');
  });

  test('monitoring is Pod Security restricted; the node exporter runs apart, privileged with a reason', () => {
    const s = synthEnv('dev');
    expect(s.get('Namespace', 'monitoring').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const ne = s.get('Namespace', NODE_EXPORTER_NAMESPACE);
    expect(ne.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ne.metadata.annotations!['hybrid-serverless.io/pod-security-reason']).toMatch(/hostNetwork/);
    expect(release('dev').spec.values['prometheus-node-exporter'].namespaceOverride).toBe(NODE_EXPORTER_NAMESPACE);
  });

  test('every object of the observability module passes schema validation, in every environment', () => {
    for (const env of REFERENCE_ENVIRONMENTS) {
      const s = synthEnv(env);
      const mine = s.objects.filter((o) => o.metadata.namespace === 'monitoring' || [NODE_EXPORTER_NAMESPACE, 'monitoring'].includes(o.metadata.name));
      expect(mine.length).toBeGreaterThan(15);
      expect(validateAll(mine)).toEqual([]);
    }
  });
});

describeWithUpstream('chart values against the chart', () => {
  test('every value path exists in kube-prometheus-stack 88.5.3 values.yaml (subchart keys listed apart)', () => {
    const defaults = chartValues('kube-prometheus-stack');
    for (const env of REFERENCE_ENVIRONMENTS) {
      expect(unknownValuePaths(release(env).spec.values, defaults, SUBCHART_VALUE_PATHS)).toEqual([]);
    }
    // the check bites: a misspelt key is reported
    expect(unknownValuePaths({ prometheus: { prometheusSpec: { retentionDays: 3 } } }, defaults)).toEqual(['prometheus.prometheusSpec.retentionDays']);
  });

  test('the subchart paths exempted are really absent from the parent chart’s values.yaml', () => {
    const defaults = chartValues('kube-prometheus-stack');
    for (const p of SUBCHART_VALUE_PATHS) {
      const [top, ...rest] = p.split('.');
      expect(['grafana', 'kube-state-metrics', 'prometheus-node-exporter']).toContain(top);
      expect(unknownValuePaths({ [top]: rest.reduceRight<unknown>((acc, k) => ({ [k]: acc }), 1) }, defaults)).toEqual([p]);
    }
  });
});
