import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { synthAll } from '../../lib/platform/synth-all';
import { parseSpec } from '../../lib/spec/parse';
import { PROFILES } from '../../lib/spec/profiles';
import { assertLeastPrivilege } from '../../lib/k8s/tenancy/rbac';
import { SharedFunctionReader } from '../../lib/k8s/tenancy/shared-function-reader';
import { TenantNetworkPolicies } from '../../lib/k8s/tenancy/tenant-network-policies';
import { TenantQuota } from '../../lib/k8s/tenancy/tenant-quota';
import { TenantRoles } from '../../lib/k8s/tenancy/tenant-roles';
import { KNATIVE_EVENTING_KINDS, KNATIVE_KAFKA_KINDS, KNATIVE_SERVING_KINDS, OPENFAAS_FUNCTION } from '../../lib/k8s/tenancy/function-kinds';
import { referenceSpec } from '../../stacks/reference';
import { type Manifest, REFERENCE_ENVIRONMENTS } from '../support/synth';
import { reference, synth } from './support';
import { describeWithUpstream } from '../support/upstream';
import { crdResources, validateAll } from '../support/validate';
import { specErrorOf } from '../support/errors';
import { tmpFolder } from '../support/tmp';

const TENANT_LABEL = 'hybrid-serverless.io/tenant';
const tenantNames = referenceSpec.tenants.map((t) => t.name);

/** The objects this module writes: everything labelled with a tenant, their namespaces, the operator role. */
const MY_KINDS = ['Namespace', 'ResourceQuota', 'LimitRange', 'Role', 'RoleBinding', 'ClusterRole', 'NetworkPolicy', 'ServiceAccount'];
const tenancyObjects = (objects: Manifest[]) =>
  objects.filter((o) => MY_KINDS.includes(o.kind) && (o.metadata.labels?.[TENANT_LABEL] !== undefined || o.metadata.labels?.['app.kubernetes.io/component'] === 'platform-operator'));

const specError = specErrorOf;

describe.each([...REFERENCE_ENVIRONMENTS])('tenant namespaces in %s', (env) => {
  const out = synth(env);
  const profile = PROFILES[env];

  test.each(tenantNames)('%s: restricted namespace, quota, limit range, default deny, function ServiceAccount', (name) => {
    const ns = out.get('Namespace', name);
    expect(out.byLayer.platform).toContain(ns);
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      [TENANT_LABEL]: name,
    });
    const q = out.get('ResourceQuota', 'tenant-quota', name);
    expect(q.spec.hard).toEqual({
      'requests.cpu': String(profile.tenantQuota.requestsCpu),
      'requests.memory': String(profile.tenantQuota.requestsMemory),
      'limits.cpu': String(profile.tenantQuota.limitsCpu),
      'limits.memory': String(profile.tenantQuota.limitsMemory),
      pods: String(profile.tenantQuota.pods),
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    const lr = out.get('LimitRange', 'tenant-defaults', name);
    expect(lr.spec.limits).toEqual([
      {
        type: 'Container',
        default: { cpu: String(profile.functionDefaults.limits.cpu), memory: String(profile.functionDefaults.limits.memory) },
        defaultRequest: { cpu: String(profile.functionDefaults.requests.cpu), memory: String(profile.functionDefaults.requests.memory) },
      },
    ]);
    expect(out.get('NetworkPolicy', 'default-deny', name).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(out.get('ServiceAccount', 'functions', name).automountServiceAccountToken).toBe(false);
    const mine = out.objects.filter((x) => x.metadata.namespace === name && ['ResourceQuota', 'LimitRange', 'Role', 'RoleBinding', 'NetworkPolicy', 'ServiceAccount'].includes(x.kind));
    expect(mine.length).toBeGreaterThanOrEqual(9);
    for (const o of mine) expect(out.byLayer.config).toContain(o);
  });

  test('tenancy objects validate against the Kubernetes schemas', () => {
    const mine = tenancyObjects(out.objects);
    expect(mine.length).toBeGreaterThan(30);
    expect(validateAll(mine)).toEqual([]);
  });
});

describe('network policies', () => {
  const out = synth('prod');
  const policies = (ns: string) => Object.fromEntries(out.find('NetworkPolicy', undefined, ns).map((p) => [p.metadata.name, p.spec]));
  const nsSelector = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

  test('DNS egress only to kube-dns on port 53', () => {
    expect(policies('shop')['allow-dns'].egress).toEqual([
      {
        to: [{ namespaceSelector: nsSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  test('ingress from exactly the platform components the functions need', () => {
    const p = policies('shop');
    const ingressFrom = Object.values(p)
      .flatMap((s: any) => s.ingress ?? [])
      .flatMap((r: any) => r.from.map((f: any) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']))
      .sort();
    // Kong and Eventing reach Knative Services through Kourier (in knative-serving), never the pods directly.
    expect(ingressFrom).toEqual(['knative-serving', 'monitoring']);
  });

  test('Kafka egress only for tenants whose Knative functions have Kafka triggers, to the brokers client port', () => {
    const expected = { namespaceSelector: nsSelector('kafka'), podSelector: { matchLabels: { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka' } } };
    // The listener of the spec's client authentication (SCRAM over TLS), as the kafka module returns it.
    const port = out.platform.kafka!.bootstrap.port;
    expect(port).toBe(9093);
    for (const ns of ['shop', 'iot']) expect(policies(ns)['allow-to-kafka'].egress).toEqual([{ to: [expected], ports: [{ protocol: 'TCP', port }] }]);
    // media runs only a Lambda function: no Kafka, and no other egress than DNS and the broker
    expect(policies('media')['allow-to-kafka']).toBeUndefined();
  });

  test('with client certificates (kafka.clientAuthentication tls) the Kafka egress opens the mTLS listener, the port the kafka module returns', () => {
    const s = reference();
    s.kafka.clientAuthentication = 'tls';
    const tls = synth('prod', s);
    expect(tls.platform.kafka!.bootstrap).toEqual({ host: 'events-kafka-bootstrap.kafka.svc', port: 9094 });
    for (const ns of ['shop', 'iot']) expect(tls.get('NetworkPolicy', 'allow-to-kafka', ns).spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 9094 }]);
  });

  test('a Knative function that only produces to a topic also gets Kafka egress', () => {
    const s = reference();
    s.functions.push({ name: 'media-indexer', tenant: 'media', target: 'knative', image: 'ghcr.io/acme/media-indexer:1.0.0' });
    s.kafka.topics[2].producers = ['media-indexer'];
    expect(synth('dev', s).find('NetworkPolicy', 'allow-to-kafka', 'media')).toHaveLength(1);
  });

  test('a tenant egress allow-list becomes an ipBlock policy (TCP 443 by default)', () => {
    const s = reference();
    s.tenants[1].egress = [{ cidr: '203.0.113.0/24' }, { cidr: '198.51.100.7/32', ports: [5432] }];
    const p = Object.fromEntries(
      synth('dev', s)
        .find('NetworkPolicy', undefined, 'media')
        .map((x) => [x.metadata.name, x.spec]),
    );
    expect(p['allow-egress-0'].egress).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(p['allow-egress-1'].egress).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.7/32' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    s.tenants[1].egress = [{ cidr: '10.0.0.0/33' }];
    expect(specError(() => parseSpec(s)).message).toContain('tenants[1].egress[0].cidr: must be an IPv4 CIDR such as "203.0.113.0/24" (got "10.0.0.0/33")');
  });
});

describe('quota overrides and the quota check', () => {
  test('a tenant override replaces only the fields it sets', () => {
    const s = reference();
    // (at most edge's limitsCpu 2: every environment's quota is checked at parse time)
    s.tenants[2].quota = { requestsCpu: '2', pods: 40 };
    const hard = synth('staging', s).get('ResourceQuota', 'tenant-quota', 'iot').spec.hard;
    expect(hard).toMatchObject({ 'requests.cpu': '2', pods: '40', 'requests.memory': '8Gi', 'limits.cpu': '16' });
  });

  test('quota below what the functions keep running at min scale is a SpecError naming the tenant field', () => {
    const s = reference();
    // shop's Knative functions at min scale in prod: validate-order 1 (warm) + payment 2 (prewarmed), 250m/256Mi each + queue-proxy 25m/32Mi
    s.tenants[0].quota = { requestsCpu: '500m', requestsMemory: '512Mi', pods: 2 };
    const e = specError(() => synth('prod', s));
    // parseSpec checks every environment; 2 pods are too few in each
    expect(e.issues.filter((i) => i.message.startsWith('environment "prod"')).map((i) => i.path)).toEqual(['tenants[0].quota.requestsCpu', 'tenants[0].quota.requestsMemory', 'tenants[0].quota.pods']);
    expect(e.message).toContain(
      'tenants[0].quota.requestsCpu: environment "prod": requests.cpu 500m is below the 825m the tenant\'s functions need at their minimum scale, Knative\'s queue-proxy sidecar included (pods × (function container + queue-proxy): validate-order 1×(250m + 25m), payment 2×(250m + 25m); queue-proxy requests.cpu from KnativeServing config-deployment queue-sidecar-cpu-request); raise it to at least 825m or lower their min scale (got "500m")',
    );
    expect(e.message).toContain('tenants[0].quota.pods: environment "prod": 2 pods is below the 3 the tenant\'s functions keep running at their minimum scale; raise it to at least 3 (got 2)');
    // the same quota fits dev, where functionDefaults request 50m/64Mi (3 × 75m/96Mi with the queue-proxy)
    expect(() =>
      synth('dev', { ...s, environments: { dev: s.environments.dev }, tenants: [{ ...s.tenants[0], quota: { requestsCpu: '500m', requestsMemory: '512Mi', pods: 3 } }, ...s.tenants.slice(1)] }),
    ).not.toThrow();
  });

  test('a profile quota too small for the functions names the profile, and nothing is written', () => {
    const s = reference();
    s.functions[1].resources = { requests: { cpu: '400m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } };
    const out = path.join(tmpFolder('hs-tenancy-'), 'dist');
    const e = specError(() => synthAll(parseSpec(s), out));
    expect(e.message).toContain('tenants[0].quota.requestsCpu: environment "edge": requests.cpu 500m (the "edge" profile\'s tenantQuota; override it in tenants[0].quota) is below the 900m');
    expect(e.message).toContain('validate-order 1×(25m + 25m), payment 2×(400m + 25m)');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('bad tenant input', () => {
  test('group names: unknown format and system groups are rejected', () => {
    const s = reference();
    s.tenants[0].groups.developer = ['shop devs'];
    s.tenants[1].groups.viewer = ['system:masters'];
    const e = specError(() => parseSpec(s));
    expect(e.message).toContain('tenants[0].groups.developer[0]: must be a group name: letters, digits and "._@:/-", starting alphanumeric (got "shop devs")');
    expect(e.message).toContain('tenants[1].groups.viewer[0]: must not be a Kubernetes "system:" group (got "system:masters")');
  });

  test('one group under two roles, reserved names, requests above limits', () => {
    const s = reference();
    s.tenants[0].groups.viewer = ['shop-devs'];
    s.tenants[1].name = 'kube-tools';
    s.functions[7].tenant = 'kube-tools';
    s.tenants[2].quota = { requestsCpu: '4', limitsCpu: '2' };
    const e = specError(() => parseSpec(s));
    expect(e.message).toContain('tenants[0].groups.viewer[0]: is already bound to role "developer" of this tenant; list a group under one role (developer ⊃ deployer ⊃ viewer) (got "shop-devs")');
    expect(e.message).toContain('tenants[1].name: is a namespace Kubernetes or Flux reserves (kube-*, default, flux-system); choose another tenant name (got "kube-tools")');
    expect(e.message).toContain('tenants[2].quota.requestsCpu: exceeds quota.limitsCpu (2); a pod\'s requests never exceed its limits, so this quota could never be used (got "4")');
  });

  test('a tenant named after a platform namespace', () => {
    const s = reference();
    s.tenants[1].name = 'kong';
    s.functions[7].tenant = 'kong';
    expect(specError(() => synth('dev', s)).message).toContain('tenants[1].name: is the namespace of a platform component (');
  });
});

describe('constructs validate their props', () => {
  const chart = () => new Chart(Testing.app(), 'c');
  test('no wildcard, no escalating verb, no create by name', () => {
    expect(() => assertLeastPrivilege('R', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])).toThrow(
      'R.rules[0].resources: must name each entry: wildcards grant whatever a future API adds (got ["*"])',
    );
    expect(() => assertLeastPrivilege('R', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['get', 'bind'] }])).toThrow('R.rules[0].verbs: must not contain bind');
    expect(() => assertLeastPrivilege('R', [{ apiGroups: [''], resources: ['secrets'], verbs: ['create'], resourceNames: ['x'] }])).toThrow(
      'create and deletecollection cannot be restricted by resourceNames',
    );
    expect(() => new TenantRoles(chart(), 'r', { namespace: 'a', functionKinds: [{ apiGroup: '*', resources: ['x'], access: 'read' }] })).toThrow(
      'TenantRoles(a).developer.rules[0].apiGroups: must name each entry',
    );
  });
  test('groups, quotas, ports and shared-namespace readers', () => {
    const roles = new TenantRoles(chart(), 'r', { namespace: 'a', functionKinds: [] });
    expect(() => roles.addGroup('viewer', 'system:authenticated')).toThrow('TenantRoles(a).groups.viewer: must be a group name');
    const d = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi' } };
    const quota = { requestsCpu: '1', requestsMemory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi', pods: 5 };
    expect(() => new TenantQuota(chart(), 'q', { namespace: 'a', quota, containerDefaults: d })).toThrow(
      'TenantQuota(a).containerDefaults.requests.cpu: must not exceed containerDefaults.limits.cpu (500m) (got "1")',
    );
    expect(() => new TenantQuota(chart(), 'q', { namespace: 'a', quota: { ...quota, requestsMemory: 'lots' }, containerDefaults: { ...d, limits: d.requests } })).toThrow(
      'TenantQuota(a).quota.requestsMemory: must be a Kubernetes quantity',
    );
    const net = new TenantNetworkPolicies(chart(), 'n', { namespace: 'a' });
    expect(() => net.allowEgressTo({ namespace: 'b', ports: [70000], reason: 'x' })).toThrow('TenantNetworkPolicies(a).ports: must be a TCP port 1–65535 (got 70000)');
    net.allowIngressFrom({ namespace: 'b', reason: 'x' });
    expect(() => net.allowIngressFrom({ namespace: 'b', reason: 'y' })).toThrow('a policy with this name exists already');
    expect(() => new SharedFunctionReader(chart(), 's', { namespace: 'openfaas-fn', tenant: 'a', apiGroup: 'openfaas.com', resource: 'functions', functionNames: [] })).toThrow(
      'must name at least one function',
    );
  });
  test('groups added later land in the same RoleBinding', () => {
    const c = chart();
    new TenantRoles(c, 'r', { namespace: 'a', functionKinds: [], groups: { viewer: ['x'] } }).addGroup('viewer', 'y').addGroup('viewer', 'x');
    const rb = Testing.synth(c).find((o) => o.kind === 'RoleBinding');
    expect(rb.subjects.map((s: any) => s.name)).toEqual(['x', 'y']);
  });
});

describeWithUpstream('function kinds exist in the pinned CRDs', () => {
  const crds = crdResources();
  test('the index lists the pinned CRDs', () => expect(crds.length).toBeGreaterThan(100));
  test.each(
    [...KNATIVE_SERVING_KINDS, ...KNATIVE_EVENTING_KINDS, ...KNATIVE_KAFKA_KINDS]
      .flatMap((k) => k.resources.map((r) => `${k.apiGroup}/${r}`))
      .concat(`${OPENFAAS_FUNCTION.apiGroup}/${OPENFAAS_FUNCTION.resource}`),
  )('%s', (kind) => {
    expect(crds).toContain(`${kind}:Namespaced`);
  });
});
