import type { ObjectRef } from '../../lib/platform/footprint';
import { cpuCores, GiB, memoryBytes } from '../../lib/spec';
import { referenceCopy, synthEnv, type Manifest } from '../support/synth';

/**
 * Objects whose existence makes pods run: chart installs, workload kinds, operator CRs that
 * become pods, functions and event sources (their adapters). The inventory must name each
 * one the output holds, so a new install or operand without a footprint fails here.
 */
const POD_RUNNING: Record<string, readonly string[]> = {
  'helm.toolkit.fluxcd.io': ['HelmRelease'],
  '': ['Pod', 'ReplicationController'],
  apps: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  batch: ['Job', 'CronJob'],
  'operator.knative.dev': ['KnativeServing', 'KnativeEventing'],
  'serving.knative.dev': ['Service', 'Configuration', 'Revision'],
  'sources.knative.dev': ['PingSource', 'KafkaSource', 'ApiServerSource', 'ContainerSource'],
  'kafka.strimzi.io': ['Kafka', 'KafkaNodePool', 'KafkaConnect', 'KafkaMirrorMaker2', 'KafkaBridge', 'KafkaRebalance'],
  'openfaas.com': ['Function'],
  'monitoring.coreos.com': ['Prometheus', 'Alertmanager', 'ThanosRuler', 'PrometheusAgent'],
};

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
/** With Argo CD an install is an Application with a Helm source (layer Applications of Git folders run nothing themselves). */
const isHelmApplication = (o: Manifest) => groupOf(o.apiVersion) === 'argoproj.io' && o.kind === 'Application' && typeof o.spec?.source?.chart === 'string';
const runsPods = (o: Manifest) => isHelmApplication(o) || (POD_RUNNING[groupOf(o.apiVersion)] ?? []).includes(o.kind);
const INSTALL_KIND = { flux: 'HelmRelease', argocd: 'Application' } as const;

/** The reference stack applied by the given GitOps engine. */
function referenceWith(engine: 'flux' | 'argocd'): any {
  const spec = referenceCopy();
  if (engine === 'argocd') spec.gitops = { path: spec.gitops.path, engine, argocd: { repoURL: 'https://github.com/acme/platform.git' } };
  return spec;
}
const key = (o: { apiVersion: string; kind: string; name: string; namespace?: string }) => `${groupOf(o.apiVersion)}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
const refOf = (m: Manifest): ObjectRef => ({ apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace });

/**
 * What an edge cluster keeps for itself besides the platform: kube-system (DNS, metrics
 * server) and Flux's controllers, which apply the output. A budget, not a measurement.
 */
const CLUSTER_RESERVE = { cpu: 0.5, memory: 512 * 2 ** 20 };

describe('footprint: every pod the platform runs, with its requests', () => {
  const edge = synthEnv('edge');

  test('edge fits a 2-core / 4 GiB cluster in total requests, with headroom', () => {
    const fp = edge.platform.footprint;
    const t = fp.total(1);
    console.log(`edge footprint on one node (2 cores / 4 GiB, ${CLUSTER_RESERVE.cpu} core and 512Mi kept for kube-system and Flux):\n${fp.table(1)}`);
    expect(t.cpu).toBeLessThanOrEqual(2 - CLUSTER_RESERVE.cpu);
    expect(t.memory).toBeLessThanOrEqual(4 * GiB - CLUSTER_RESERVE.memory);
    // Nodes beyond the first only add the per-node pods.
    const perNode = fp.entries.filter((e) => e.perNode).reduce((s, e) => s + e.requests.cpu, 0);
    expect(fp.total(2).cpu).toBeCloseTo(t.cpu + perNode, 6);
  });

  test('the numbers are the ones written into values and CRs', () => {
    const fp = edge.platform.footprint;
    const p = edge.platform.env.profile;
    const entry = (c: string) => fp.entries.find((e) => e.component === c)!;
    // Kong: proxy and ingress controller containers share the profile's kong requests (75% / 25%).
    const kong = edge.get('HelmRelease', 'kong', 'kong').spec.values;
    expect(entry('kong').pods).toBe(kong.replicaCount);
    expect(entry('kong').requests.cpu).toBeCloseTo(0.001 * (parseInt(kong.resources.requests.cpu) + parseInt(kong.ingressController.resources.requests.cpu)), 6);
    // Knative Serving workloads: one entry per workload in the CR.
    const ks = edge.get('KnativeServing', 'knative-serving').spec;
    expect(fp.entries.filter((e) => e.component.startsWith('knative-serving/')).map((e) => e.component.split('/')[1])).toEqual(ks.workloads.map((w: any) => w.name));
    expect(ks.config.deployment).toEqual({ 'queue-sidecar-cpu-request': '25m', 'queue-sidecar-memory-request': '32Mi' });
    // A warm Knative function: min scale × (container + queue-proxy).
    const svc = edge.get('Service', 'validate-order', 'shop');
    const fn = entry('fn/validate-order');
    expect(fn.pods).toBe(Number(svc.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']));
    expect(fn.pods).toBeGreaterThan(0);
    const container = svc.spec.template.spec.containers[0].resources.requests;
    expect(fn.requests.memory).toBe(memoryBytes('32Mi') + memoryBytes(container.memory));
    expect(fn.requests.cpu).toBeCloseTo(cpuCores('25m') + cpuCores(container.cpu), 6);
    // Strimzi's entity operator: topic and user operator containers in one pod.
    const eo = edge.get('Kafka', edge.platform.kafka!.clusterName).spec.entityOperator;
    expect(entry('kafka/entity-operator').requests.memory).toBe((parseInt(eo.topicOperator.resources.requests.memory) + parseInt(eo.userOperator.resources.requests.memory)) * 2 ** 20);
    // The Kafka source dispatcher runs once KafkaSources exist, sized by the profile.
    expect(edge.find('KafkaSource').length).toBeGreaterThan(0);
    expect(entry('knative-eventing/kafka-source-dispatcher').pods).toBe(1);
    // Sizes the module leaves to a chart are named as chart defaults.
    // edge runs OpenFaaS CE: no autoscaler (Pro); the chart's Alertmanager scales, and faas-netes runs in the gateway pod.
    expect(entry('openfaas/autoscaler')).toBeUndefined();
    expect(entry('openfaas/alertmanager').source).toContain('alertmanager.resources');
    const of = edge.get('HelmRelease', 'openfaas', 'openfaas').spec.values;
    expect(entry('openfaas/gateway').requests.cpu).toBeCloseTo(2 * cpuCores(of.gateway.resources.requests.cpu), 6);
    expect(entry('fn/hello-python').pods).toBe(1);
    expect(entry('openfaas/nats').requests).toEqual({ cpu: cpuCores(p.components.openfaasNats.resources.requests.cpu), memory: memoryBytes(p.components.openfaasNats.resources.requests.memory) });
  });

  test.each([
    ['dev', 'flux'],
    ['prod', 'flux'],
    ['dev', 'argocd'],
    ['prod', 'argocd'],
  ] as const)('%s (%s): the inventory covers every install and pod-running object, and names only real ones', (env, engine) => {
    const s = synthEnv(env, referenceWith(engine));
    const covered = new Set(s.platform.footprint.entries.flatMap((e) => e.objects.map(key)));
    const running = s.objects.filter(runsPods).map(refOf);
    expect(running.filter((o) => o.kind === INSTALL_KIND[engine]).length).toBeGreaterThan(5);
    expect(running.filter((o) => !covered.has(key(o))).map(key)).toEqual([]);
    const present = new Set(s.objects.map((o) => key(refOf(o))));
    expect([...covered].filter((k) => !present.has(k))).toEqual([]);
    for (const e of s.platform.footprint.entries) {
      expect(e.pods).toBeGreaterThanOrEqual(0);
      // Every running pod requests something: a zero means a container without requests went unnoticed.
      if (e.pods > 0) expect({ component: e.component, cpu: e.requests.cpu > 0, memory: e.requests.memory > 0 }).toEqual({ component: e.component, cpu: true, memory: true });
    }
  });

  test('prod runs more than edge, and the table lists every component', () => {
    const prod = synthEnv('prod').platform.footprint;
    expect(prod.total(3).cpu).toBeGreaterThan(edge.platform.footprint.total(1).cpu);
    const table = edge.platform.footprint.table(1);
    for (const e of edge.platform.footprint.entries) expect(table).toContain(e.component);
  });
});
