import { REFERENCE_ENVIRONMENTS } from '../support/synth';
import { accessTable, group, RbacModel, type AccessRequest } from './access';
import { reference, synth } from './support';

/** Resources nobody in a tenant should touch, probed besides those the rules name. */
const PROBES = [
  { apiGroup: '', resource: 'secrets' },
  { apiGroup: '', resource: 'pods/exec' },
  { apiGroup: '', resource: 'serviceaccounts' },
  { apiGroup: 'apps', resource: 'deployments' },
  { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles' },
  { apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  { apiGroup: 'networking.k8s.io', resource: 'networkpolicies' },
  { apiGroup: '', resource: 'resourcequotas' },
];

const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];

/** The table a tenant role must have in its own namespace (reference stack: Knative with eventing and Kafka). */
function expectedTable(role: 'developer' | 'deployer' | 'viewer', opts: { exec: boolean; secrets?: string[]; openfaas?: 'ce' | 'pro' }) {
  const w = role === 'viewer' ? READ : MANAGE;
  return {
    // granted by name in openfaas-fn only, so nothing here
    ...(opts.openfaas === 'pro' && { 'openfaas.com/functions': [] }),
    ...(opts.openfaas === 'ce' && { 'core/services': [] }),
    'apps/deployments': [],
    'core/configmaps': w,
    'core/events': READ,
    'core/pods': READ,
    'core/pods/exec': role === 'developer' && opts.exec ? ['create'] : [],
    'core/pods/log': ['get'],
    'core/resourcequotas': [],
    'core/secrets': role === 'developer' && opts.secrets ? [`get(${opts.secrets.join(',')})`] : [],
    'core/serviceaccounts': [],
    'eventing.knative.dev/brokers': w,
    'eventing.knative.dev/triggers': w,
    'events.k8s.io/events': READ,
    'flows.knative.dev/parallels': w,
    'flows.knative.dev/sequences': w,
    'networking.k8s.io/networkpolicies': [],
    'rbac.authorization.k8s.io/rolebindings': [],
    'rbac.authorization.k8s.io/roles': [],
    'serving.knative.dev/configurations': READ,
    'serving.knative.dev/revisions': READ,
    'serving.knative.dev/routes': READ,
    'serving.knative.dev/services': w,
    'sources.knative.dev/kafkasources': w,
    'sources.knative.dev/pingsources': w,
    'sources.knative.dev/sinkbindings': w,
  };
}

describe('access analysis of the synthesized RBAC (reference stack)', () => {
  const dev = new RbacModel(synth('dev').objects);
  const prod = new RbacModel(synth('prod').objects);
  const can = (m: RbacModel, g: string, r: AccessRequest) => m.allows(group(g), r);
  const ksvc = (ns: string, verb = 'create'): AccessRequest => ({ verb, apiGroup: 'serving.knative.dev', resource: 'services', namespace: ns });

  test('every binding points at a role in the output', () => {
    expect(dev.dangling()).toEqual([]);
    expect(prod.dangling()).toEqual([]);
  });

  test('role × verb × resource: developer, deployer, viewer of shop in their namespace', () => {
    expect(accessTable(dev, group('shop-devs'), 'shop', PROBES)).toEqual(expectedTable('developer', { exec: true, secrets: ['payment-api'], openfaas: 'ce' }));
    expect(accessTable(prod, group('shop-devs'), 'shop', PROBES)).toEqual(expectedTable('developer', { exec: false, secrets: ['payment-api'], openfaas: 'pro' }));
    expect(accessTable(prod, group('ci-shop'), 'shop', PROBES)).toEqual(expectedTable('deployer', { exec: false, openfaas: 'pro' }));
    expect(accessTable(prod, group('shop-support'), 'shop', PROBES)).toEqual(expectedTable('viewer', { exec: false, openfaas: 'pro' }));
    expect(accessTable(dev, group('iot-devs'), 'iot', PROBES)).toEqual(expectedTable('developer', { exec: true }));
  });

  test('developer of A can create a Knative Service in A, not in B', () => {
    expect(can(prod, 'shop-devs', ksvc('shop'))).toBe(true);
    expect(can(prod, 'shop-devs', ksvc('media'))).toBe(false);
    expect(can(prod, 'media-devs', ksvc('shop'))).toBe(false);
    expect(can(prod, 'shop-devs', ksvc('knative-serving'))).toBe(false);
    // nothing at all in another tenant's namespace
    for (const m of [dev, prod]) {
      const table = accessTable(m, group('shop-devs'), 'iot', PROBES);
      expect(Object.entries(table).filter(([, v]) => v.length > 0)).toEqual([]);
    }
  });

  test('no tenant role reads Secrets except those granted by name, or touches RBAC', () => {
    const groups = ['shop-devs', 'ci-shop', 'shop-support', 'media-devs', 'media-support', 'ci-media', 'iot-devs', 'ci-iot', 'platform-oncall'];
    for (const m of [dev, prod]) {
      for (const g of groups) {
        for (const ns of ['shop', 'media', 'iot', 'openfaas-fn', 'kafka', 'kong', 'monitoring']) {
          expect(can(m, g, { verb: 'list', apiGroup: '', resource: 'secrets', namespace: ns })).toBe(false);
          expect(can(m, g, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: ns, name: 'kafka-credentials' })).toBe(false);
          for (const verb of ['create', 'update', 'patch', 'bind', 'escalate']) {
            for (const resource of ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']) {
              expect(can(m, g, { verb, apiGroup: 'rbac.authorization.k8s.io', resource, namespace: ns })).toBe(false);
            }
          }
          expect(can(m, g, { verb: 'impersonate', apiGroup: '', resource: 'users' })).toBe(false);
          expect(can(m, g, { verb: 'create', apiGroup: '', resource: 'pods', namespace: ns })).toBe(false);
        }
      }
    }
    expect(can(prod, 'shop-devs', { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'shop', name: 'payment-api' })).toBe(true);
    expect(can(prod, 'ci-shop', { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'shop', name: 'payment-api' })).toBe(false);
  });

  test('OpenFaaS Pro: a tenant reads its own Functions in openfaas-fn by name, and nothing else there', () => {
    const fn = (name?: string, verb = 'get'): AccessRequest => ({ verb, apiGroup: 'openfaas.com', resource: 'functions', namespace: 'openfaas-fn', name });
    for (const g of ['shop-devs', 'ci-shop', 'shop-support']) {
      expect(can(prod, g, fn('promo-discount'))).toBe(true);
      expect(can(prod, g, fn('promo-discount', 'patch'))).toBe(false);
      expect(can(prod, g, fn(undefined, 'create'))).toBe(false);
      expect(can(prod, g, fn(undefined, 'list'))).toBe(false);
    }
    expect(accessTable(prod, group('shop-devs'), 'openfaas-fn', PROBES)).toEqual(
      expect.objectContaining({ 'openfaas.com/functions': ['get(hello-python,nightly-backup,promo-discount,weekly-report)'], 'core/pods': [], 'core/secrets': [] }),
    );
    // media owns no OpenFaaS function: no access there at all
    expect(Object.values(accessTable(prod, group('media-devs'), 'openfaas-fn', PROBES)).flat()).toEqual([]);
  });

  test("OpenFaaS CE (dev): a tenant reads its own functions' Deployments and Services in openfaas-fn by name, and nothing else there", () => {
    const req = (apiGroup: string, resource: string, name?: string, verb = 'get'): AccessRequest => ({ verb, apiGroup, resource, namespace: 'openfaas-fn', name });
    for (const g of ['shop-devs', 'ci-shop']) {
      for (const [apiGroup, resource] of [
        ['apps', 'deployments'],
        ['', 'services'],
      ]) {
        expect(can(dev, g, req(apiGroup, resource, 'promo-discount'))).toBe(true);
        expect(can(dev, g, req(apiGroup, resource, 'promo-discount', 'patch'))).toBe(false);
        expect(can(dev, g, req(apiGroup, resource, undefined, 'create'))).toBe(false);
        expect(can(dev, g, req(apiGroup, resource, undefined, 'list'))).toBe(false);
      }
      expect(can(dev, g, req('openfaas.com', 'functions', 'promo-discount'))).toBe(false);
    }
    expect(accessTable(dev, group('shop-devs'), 'openfaas-fn', [...PROBES, { apiGroup: '', resource: 'services' }])).toEqual(
      expect.objectContaining({
        'apps/deployments': ['get(hello-python,nightly-backup,promo-discount,weekly-report)'],
        'core/services': ['get(hello-python,nightly-backup,promo-discount,weekly-report)'],
        'core/pods': [],
        'core/secrets': [],
      }),
    );
    expect(Object.values(accessTable(dev, group('media-devs'), 'openfaas-fn', PROBES)).flat()).toEqual([]);
  });

  test('platform operators: read and restart in the platform namespaces only', () => {
    const out = synth('prod');
    const platformNamespaces = out
      .find('Namespace')
      .map((n) => n.metadata.name)
      .filter((n) => !['shop', 'media', 'iot'].includes(n));
    expect(platformNamespaces.length).toBeGreaterThan(0);
    const bound = out
      .find('RoleBinding', 'platform-operator')
      .map((b) => b.metadata.namespace)
      .sort();
    expect(bound).toEqual([...platformNamespaces].sort());
    for (const ns of platformNamespaces) {
      expect(can(prod, 'platform-oncall', { verb: 'delete', apiGroup: '', resource: 'pods', namespace: ns, name: 'x' })).toBe(true);
      expect(can(prod, 'platform-oncall', { verb: 'get', apiGroup: '', resource: 'pods/log', namespace: ns, name: 'x' })).toBe(true);
      expect(can(prod, 'platform-oncall', { verb: 'create', apiGroup: '', resource: 'pods/exec', namespace: ns, name: 'x' })).toBe(false);
      expect(can(prod, 'platform-oncall', { verb: 'patch', apiGroup: 'apps', resource: 'deployments', namespace: ns, name: 'x' })).toBe(false);
      expect(can(prod, 'platform-oncall', { verb: 'patch', apiGroup: 'helm.toolkit.fluxcd.io', resource: 'helmreleases', namespace: ns, name: 'x' })).toBe(false);
    }
    for (const ns of ['shop', 'media', 'iot']) expect(Object.values(accessTable(prod, group('platform-oncall'), ns, PROBES)).flat()).toEqual([]);
  });

  test('a tenant without groups gets its roles but no bindings', () => {
    const s = reference();
    delete s.tenants[2].groups;
    const out = synth('dev', s);
    expect(
      out
        .find('Role', undefined, 'iot')
        .map((r) => r.metadata.name)
        .sort(),
    ).toEqual(['tenant-deployer', 'tenant-developer', 'tenant-viewer']);
    expect(out.find('RoleBinding', undefined, 'iot')).toEqual([]);
  });
});

describe.each([...REFERENCE_ENVIRONMENTS])('no wildcard or escalation anywhere in the %s output', (env) => {
  const { objects } = synth(env);
  const rbac = objects.filter((o) => o.apiVersion === 'rbac.authorization.k8s.io/v1');

  test('roles name every group, resource and verb; none escalates', () => {
    const problems: string[] = [];
    for (const o of rbac.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
      const id = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (o.aggregationRule) problems.push(`${id}: aggregationRule (grants whatever other roles add)`);
      (o.rules ?? []).forEach((r: any, i: number) => {
        for (const f of ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs']) {
          if ((r[f] ?? []).some((v: string) => v.includes('*'))) problems.push(`${id} rules[${i}].${f}: wildcard`);
        }
        for (const v of r.verbs ?? []) if (['escalate', 'bind', 'impersonate'].includes(v)) problems.push(`${id} rules[${i}]: verb ${v}`);
      });
    }
    for (const b of rbac.filter((x) => x.kind === 'RoleBinding' || x.kind === 'ClusterRoleBinding')) {
      if (b.roleRef.kind === 'ClusterRole' && ['cluster-admin', 'admin', 'edit'].includes(b.roleRef.name)) problems.push(`${b.kind} ${b.metadata.name}: binds built-in ${b.roleRef.name}`);
      for (const s of b.subjects ?? []) if (s.kind === 'Group' && s.name.startsWith('system:')) problems.push(`${b.kind} ${b.metadata.name}: binds ${s.name}`);
    }
    expect(problems).toEqual([]);
    expect(rbac.length).toBeGreaterThan(10);
  });
});
