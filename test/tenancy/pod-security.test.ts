import { REFERENCE_ENVIRONMENTS } from '../support/synth';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../lib/k8s/common/security';
import { podSpecs, podSpecViolations, workloadViolations } from './pod-security';
import { synth } from './support';

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

describe.each([...REFERENCE_ENVIRONMENTS])('every workload in the %s output satisfies Pod Security "restricted"', (env) => {
  const { objects } = synth(env);
  test('pod specs (Deployments, StatefulSets, Jobs, Knative templates, any embedded template) and OpenFaaS Functions', () => {
    expect(workloadViolations(objects)).toEqual([]);
    // the scan reaches every workload kind present: each holds at least one pod spec
    const workloads = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind) || (o.apiVersion.startsWith('serving.knative.dev/') && ['Service', 'Configuration', 'Revision'].includes(o.kind)));
    for (const w of workloads) expect(podSpecs(w).length).toBeGreaterThan(0);
  });
});

describe('the restricted checker', () => {
  const container = (sc: object = restrictedContainerSecurityContext()) => ({ name: 'app', image: 'ghcr.io/acme/app:1', securityContext: sc });
  const deployment = (spec: object) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { template: { spec } } });

  test('accepts the toolkit defaults, at container or pod level', () => {
    expect(podSpecViolations({ containers: [container()] })).toEqual([]);
    const { runAsNonRoot: _r, seccompProfile: _s, ...rest } = restrictedContainerSecurityContext();
    expect(podSpecViolations({ securityContext: restrictedPodSecurityContext(), containers: [container(rest)] })).toEqual([]);
  });

  test('names each violation', () => {
    const bad = {
      hostNetwork: true,
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      initContainers: [container({ ...restrictedContainerSecurityContext(), privileged: true })],
      containers: [
        container({ allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] }, seccompProfile: { type: 'Unconfined' }, readOnlyRootFilesystem: false }),
        { name: 'p', image: 'x', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { ...restrictedContainerSecurityContext(), runAsUser: 0 } },
      ],
    };
    expect(podSpecViolations(bad)).toEqual([
      'hostNetwork: true',
      'securityContext.sysctls: kernel.msgmax is not a safe sysctl',
      'volumes[h]: hostPath volumes are not allowed',
      'initContainers[app]: privileged',
      'containers[app]: allowPrivilegeEscalation must be false',
      'containers[app]: runAsNonRoot must be true (container or pod)',
      'containers[app]: seccompProfile must be RuntimeDefault or Localhost (container or pod)',
      'containers[app]: capabilities.drop must include ALL',
      'containers[app]: capabilities.add SYS_ADMIN',
      'containers[app]: readOnlyRootFilesystem must be true',
      'containers[p]: runAsUser 0',
      'containers[p]: hostPort 80',
    ]);
  });

  test('finds pod specs in any kind: CronJobs, Knative Services, unknown CRs', () => {
    const insecure = { containers: [{ name: 'c', image: 'i' }] };
    const objs = [
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'n' }, spec: { jobTemplate: { spec: { template: { spec: insecure } } } } },
      { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'ks', namespace: 'n' }, spec: { template: { spec: insecure } } },
      { apiVersion: 'example.com/v1', kind: 'Runner', metadata: { name: 'r', namespace: 'n' }, spec: { pod: insecure } },
      deployment({ containers: [container()] }),
    ];
    const v = workloadViolations(objs);
    expect(v.filter((x) => x.includes('allowPrivilegeEscalation')).map((x) => x.split(':')[0])).toEqual([
      'CronJob n/cj spec.jobTemplate.spec.template.spec',
      'Service n/ks spec.template.spec',
      'Runner n/r spec.pod',
    ]);
  });

  test('OpenFaaS Functions: read-only root filesystem and a chart that runs them as non-root', () => {
    const fn = (ro: boolean) => ({ apiVersion: 'openfaas.com/v1', kind: 'Function', metadata: { name: 'f', namespace: 'openfaas-fn' }, spec: { name: 'f', image: 'i', readOnlyRootFilesystem: ro } });
    const release = (nonRoot: boolean) => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'openfaas', namespace: 'openfaas' },
      spec: { chart: { spec: { chart: 'openfaas' } }, values: { functions: { setNonRootUser: nonRoot } } },
    });
    expect(workloadViolations([fn(true), release(true)])).toEqual([]);
    expect(workloadViolations([fn(false), release(false)])).toEqual([
      'Function openfaas-fn/f: spec.readOnlyRootFilesystem must be true',
      'HelmRelease openfaas/openfaas: values.functions.setNonRootUser must be true (function pods run as non-root)',
    ]);
    expect(workloadViolations([fn(true)])).toEqual(['Function openfaas-fn/f: no openfaas HelmRelease in the output to check functions.setNonRootUser']);
  });
});
