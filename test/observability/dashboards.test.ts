import { stringify } from 'yaml';
import { dashboardQueries, platformDashboards } from '../../lib/k8s/observability/dashboards';
import { synthEnv } from '../support/synth';
import { validateAll } from '../support/validate';
import { describeWithTool, run } from './tools';

/** Grafana's template syntax → PromQL: variables become sample values, label_values() its series selector. */
function toPromQL(query: string): string {
  const m = query.match(/^label_values\((.+),\s*[a-z_]+\)$/);
  const q = m ? m[1] : query;
  return q.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?([a-z_]+)\}?/g, 'sample');
}

describe('dashboards', () => {
  const { find } = synthEnv('dev');
  const maps = find('ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');

  test('an overview, one per backend, Kafka lag and spend — ConfigMaps labelled for the Grafana sidecar in its namespace', () => {
    expect(maps.map((m) => m.metadata.name).sort()).toEqual(['overview', 'knative', 'openfaas', 'kong', 'kafka-lag', 'spend'].map((d) => `dashboard-acme-dev-${d}`).sort());
    for (const m of maps) expect(m.metadata.namespace).toBe('monitoring');
    expect(validateAll(maps)).toEqual([]);
  });

  test('each is valid dashboard JSON with a unique uid; backend dashboards select a function', () => {
    const uids = new Set<string>();
    for (const m of maps) {
      const [file, text] = Object.entries(m.data as Record<string, string>)[0];
      const json = JSON.parse(text);
      expect(file).toBe(`${json.uid}.json`);
      expect(uids.has(json.uid)).toBe(false);
      uids.add(json.uid);
      expect(json.title).toMatch(/^acme dev \/ /);
      expect(json.panels.length).toBeGreaterThan(2);
      for (const p of json.panels.filter((x: any) => x.type !== 'row')) expect(p.datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
    }
    for (const backend of ['knative', 'openfaas']) {
      const json = JSON.parse(Object.values(maps.find((m) => m.metadata.name === `dashboard-acme-dev-${backend}`)!.data as Record<string, string>)[0]);
      const fnVar = json.templating.list.find((v: any) => v.name === 'function');
      expect(fnVar).toMatchObject({ type: 'query', multi: true, includeAll: true });
      const titles = json.panels.map((p: any) => p.title);
      expect(titles).toEqual(expect.arrayContaining(['Invocations', 'Errors (5xx ratio)', 'Latency p50 / p95 / p99']));
      expect(titles.some((t: string) => t.startsWith('Replicas'))).toBe(true);
    }
  });

  test('a platform without Kafka, Kong or OpenFaaS gets no dashboards for them', () => {
    const set = platformDashboards({ uidPrefix: 'x', titlePrefix: 'x', knative: true, openfaas: false, kong: false, kafka: false, monthlyBudgetUsd: 10 });
    expect(set.map((d) => d.uid)).toEqual(['x-overview', 'x-knative', 'x-spend']);
  });

  describeWithTool('promtool', 'queries', () => {
    test('every panel and variable query parses as PromQL (`promtool check rules` on them as recording rules)', () => {
      const queries = maps.flatMap((m) => dashboardQueries(JSON.parse(Object.values(m.data as Record<string, string>)[0])));
      expect(queries.length).toBeGreaterThan(30);
      const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: toPromQL(q) }));
      const res = run('promtool', ['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify({ groups: [{ name: 'dashboards', rules }] }) });
      expect(res.out).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(res.status).toBe(0);
    });
  });
});
