jest.mock('../../lib/platform/modules', () => jest.requireActual('./support').modulesWithTestEndpoints());
import { KONG_CHART, splitResources } from '../../lib/k8s/kong/kong-install';
import { cpuCores, memoryBytes } from '../../lib/core/quantity';
import { PROFILES } from '../../lib/spec/profiles';
import { REFERENCE_ENVIRONMENTS, synthEnv } from '../support/synth';
import { kongReference as referenceCopy } from './support';
import { chartValues, describeWithUpstream, readYamlDocs, unknownValuePaths, upstreamPath } from '../support/upstream';
import { validateAll } from '../support/validate';

const kongRelease = (env: (typeof REFERENCE_ENVIRONMENTS)[number], spec?: unknown) => synthEnv(env, (spec ?? referenceCopy()) as never).get('HelmRelease', 'kong', 'kong');

describe('Kong install', () => {
  test.each(REFERENCE_ENVIRONMENTS)('%s: pinned chart, DB-less, admin API and Manager off, sized by the profile', (env) => {
    const release = kongRelease(env);
    const v = release.spec.values;
    const p = PROFILES[env].components.kong;
    expect(release.spec.chart.spec).toMatchObject({ chart: 'kong', version: '3.4.1', sourceRef: { kind: 'HelmRepository', name: 'kong', namespace: 'kong' } });
    expect(v.env.database).toBe('off');
    expect(v.admin).toEqual({ enabled: false, http: { enabled: false } });
    expect([v.manager.enabled, v.portal.enabled, v.portalapi.enabled]).toEqual([false, false, false]);
    expect(v.ingressController).toMatchObject({ enabled: true, ingressClass: 'kong' });
    expect(v.replicaCount).toBe(p.replicas);
    // gateway + controller containers together request exactly the profile's pod resources (±1m/1Mi rounding)
    for (const kind of ['requests', 'limits'] as const) {
      const cpu = cpuCores(v.resources[kind].cpu) + cpuCores(v.ingressController.resources[kind].cpu);
      const mem = memoryBytes(v.resources[kind].memory) + memoryBytes(v.ingressController.resources[kind].memory);
      expect(Math.abs(cpu - cpuCores(p.resources[kind].cpu))).toBeLessThanOrEqual(0.002);
      expect(Math.abs(mem - memoryBytes(p.resources[kind].memory))).toBeLessThanOrEqual(2 * 2 ** 20);
    }
    expect(v.podDisruptionBudget).toEqual(PROFILES[env].ha.podDisruptionBudgets ? { enabled: true, maxUnavailable: 1 } : { enabled: false });
    expect(v.affinity !== undefined).toBe(PROFILES[env].ha.antiAffinity);
    // metrics on: status listener serves the prometheus plugin's /metrics
    expect(v.status).toEqual({ enabled: true, http: { enabled: true, containerPort: 8100 } });
    expect(v.containerSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(v.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('nginx workers follow the CPU limit of the gateway container', () => {
    expect(kongRelease('edge').spec.values.env.nginx_worker_processes).toBe('1');
    expect(kongRelease('prod').spec.values.env.nginx_worker_processes).toBe('2');
  });

  test('the pods assume the Kong invoke role through IRSA when a route targets Lambda, never static keys', () => {
    const v = kongRelease('dev').spec.values;
    expect(v.deployment.serviceAccount).toEqual({
      create: true,
      automountServiceAccountToken: false,
      name: 'kong',
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/acme-dev-kong-invoke' },
    });
    expect(JSON.stringify(v)).not.toMatch(/aws_key|aws_secret|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    const noLambda = referenceCopy();
    noLambda.routes = noLambda.routes.filter((r: { function: string }) => r.function !== 'thumbnail');
    expect(kongRelease('dev', noLambda).spec.values.deployment.serviceAccount.annotations).toBeUndefined();
  });

  test('proxy Service type comes from gateway.proxyServiceType', () => {
    expect(kongRelease('dev').spec.values.proxy.type).toBe('LoadBalancer');
    const s = referenceCopy();
    s.gateway.proxyServiceType = 'NodePort';
    expect(kongRelease('edge', s).spec.values.proxy.type).toBe('NodePort');
  });

  test('an externally reachable proxy keeps the client address (ip-restriction and per-IP limits see the caller, not a node)', () => {
    // externalTrafficPolicy Cluster (Kubernetes' default) SNATs external traffic to a node IP:
    // allowCidrs such as 10.0.0.0/8 would then admit every Internet client.
    expect(kongRelease('prod').spec.values.proxy.externalTrafficPolicy).toBe('Local');
    const s = referenceCopy();
    s.gateway.proxyServiceType = 'NodePort';
    expect(kongRelease('edge', s).spec.values.proxy.externalTrafficPolicy).toBe('Local');
    s.gateway.proxyServiceType = 'ClusterIP';
    // a ClusterIP Service has no external traffic policy (the API server rejects one)
    expect(kongRelease('edge', s).spec.values.proxy.externalTrafficPolicy).toBeUndefined();
  });

  test('splitResources gives the controller a quarter and keeps the sum', () => {
    const [proxy, controller] = splitResources({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } }, 0.25);
    expect(controller).toEqual({ requests: { cpu: '125m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(proxy).toEqual({ requests: { cpu: '375m', memory: '384Mi' }, limits: { cpu: '1500m', memory: '1536Mi' } });
  });
});

describeWithUpstream('Kong install against the upstream chart', () => {
  test('every values path exists in kong 3.4.1 values.yaml (commented keys documented there allowed)', () => {
    const chart = readYamlDocs(upstreamPath('charts', 'kong', 'Chart.yaml'))[0] as { name: string; version: string };
    expect({ name: chart.name, version: chart.version }).toEqual({ name: KONG_CHART.chart, version: KONG_CHART.version });
    const defaults = chartValues('kong');
    // Keys values.yaml documents as comments (deployment.serviceAccount.{name,annotations},
    // podDisruptionBudget.maxUnavailable, affinity) and securityContext, a PodSecurityContext
    // the chart renders verbatim (its default only shows seccompProfile).
    // proxy.externalTrafficPolicy is not in values.yaml but the chart's kong.service helper
    // renders it (templates/_helpers.tpl: `{{- if .externalTrafficPolicy }}`).
    const documented = ['deployment.serviceAccount.name', 'deployment.serviceAccount.annotations', 'podDisruptionBudget.maxUnavailable', 'affinity', 'securityContext', 'proxy.externalTrafficPolicy'];
    for (const env of REFERENCE_ENVIRONMENTS) {
      expect(unknownValuePaths(kongRelease(env).spec.values, defaults, documented)).toEqual([]);
    }
    // and the checker does catch a typo
    expect(unknownValuePaths({ ingressControler: { enabled: true } }, defaults, documented)).toEqual(['ingressControler']);
  });

  test('the install objects validate', () => {
    const s = synthEnv('prod', referenceCopy());
    const objs = s.objects.filter((o) => o.metadata.namespace === 'kong' || (o.kind === 'Namespace' && o.metadata.name === 'kong'));
    expect(objs.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'HelmRepository', 'HelmRelease']));
    expect(validateAll(objs)).toEqual([]);
  });
});
