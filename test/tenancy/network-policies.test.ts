import { Chart, Testing } from 'cdk8s';
import { NamespaceNetworkPolicies } from '../../lib/k8s/common/namespace-network-policies';
import { Broker } from '../../lib/k8s/knative/broker';
import { specErrorMessage } from '../support/errors';
import { REFERENCE_ENVIRONMENTS, synthEnv, type Manifest } from '../support/synth';
import { validateAll } from '../support/validate';
import { parseErrorMessage } from '../support/errors';
import { reference, synth } from './support';

const NAME = 'kubernetes.io/metadata.name';
const REASON = 'hybrid-serverless.io/reason';

type Selector = { matchLabels?: Record<string, string> };
type Port = { protocol?: string; port: number };
type Peer = { namespaceSelector?: Selector; podSelector?: Selector; ipBlock?: { cidr: string } };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: Port[] };
type Policy = Manifest & { spec: { podSelector: Selector; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] } };

const labels = (s?: Selector) => {
  const entries = Object.entries(s?.matchLabels ?? {});
  return entries.length === 0 ? '' : `/${entries.map(([k, v]) => `${k}=${v}`).join(',')}`;
};
const portList = (ports?: Port[]) => (ports ? ports.map((p) => p.port).join(',') : '*');

/** One allow of one side: namespace + pods here, the peer (namespace + pods, or an address range, or anyone), ports. */
interface Allow {
  readonly here: string;
  readonly herePods: string;
  readonly peer: string;
  readonly peerPods: string;
  readonly ports: string;
}

function allows(policies: readonly Policy[], direction: 'ingress' | 'egress'): Allow[] {
  const out: Allow[] = [];
  for (const p of policies) {
    const ns = p.metadata.namespace!;
    for (const r of p.spec[direction] ?? []) {
      const peers = (direction === 'ingress' ? r.from : r.to) ?? [{}];
      for (const peer of peers) {
        const name = peer.ipBlock ? peer.ipBlock.cidr : peer.namespaceSelector ? peer.namespaceSelector.matchLabels![NAME] : peer.podSelector ? ns : '*';
        out.push({ here: ns, herePods: labels(p.spec.podSelector), peer: name, peerPods: labels(peer.podSelector), ports: portList(r.ports) });
      }
    }
  }
  return out;
}

/**
 * The flows the output allows, one line each: `from[/pods] → to[/pods]:ports`. A flow between
 * two namespaces needs both sides (the sender's egress and the receiver's ingress); one from
 * outside the platform's namespaces (`*` anyone, an address range) needs only the side inside.
 * DNS, allowed in every namespace, is checked apart.
 */
function flowMatrix(objects: readonly Manifest[]): { flows: string[]; oneSided: string[] } {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== 'allow-dns') as Policy[];
  const own = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const ingress = allows(policies, 'ingress');
  const egress = allows(policies, 'egress');
  const flows = new Set<string>();
  const oneSided: string[] = [];
  for (const e of egress) {
    if (!own.has(e.peer)) {
      flows.add(`${e.here}${e.herePods} → ${e.peer}:${e.ports}`);
      continue;
    }
    const match = ingress.filter((i) => i.here === e.peer && i.peer === e.here);
    if (match.length === 0) oneSided.push(`egress ${e.here} → ${e.peer}`);
    for (const i of match) {
      const ports = e.ports === '*' ? i.ports : e.ports;
      flows.add(e.here === e.peer ? `${e.here} ↔ ${e.here} (same namespace)` : `${e.here}${i.peerPods || e.herePods} → ${e.peer}${e.peerPods || i.herePods}:${ports}`);
    }
  }
  for (const i of ingress) {
    if (!own.has(i.peer)) flows.add(`${i.peer} → ${i.here}${i.herePods}:${i.ports}`);
    else if (!egress.some((e) => e.here === i.peer && e.peer === i.here)) oneSided.push(`ingress ${i.peer} → ${i.here}`);
  }
  return { flows: [...flows].sort(), oneSided };
}

const PROMETHEUS = '/app.kubernetes.io/name=prometheus';
const KONG = '/app.kubernetes.io/name=kong';
const KOURIER = '/app=3scale-kourier-gateway';
const BROKERS = '/strimzi.io/cluster=events,strimzi.io/kind=Kafka';
const API = '0.0.0.0/0:443,6443';
const QP = '8012,8013,8022,9090';

/** What the reference stack's prod environment is meant to allow, and nothing else. */
const INTENDED_PROD = [
  // Public entry and the API server's calls to webhooks: the port is the only filter.
  `* → kong${KONG}:8000,8443`,
  `* → kong${KONG}:8080`,
  '* → knative-operator:8443',
  '* → knative-serving:8443',
  '* → knative-eventing:8443',
  '* → monitoring:10250',
  // Components of one system among themselves (never in tenants or openfaas-fn).
  ...['kafka', 'knative-eventing', 'knative-operator', 'knative-serving', 'kong', 'monitoring', 'openfaas'].map((n) => `${n} ↔ ${n} (same namespace)`),
  // Controllers and operators to the API server.
  ...['kafka', 'knative-eventing', 'knative-operator', 'knative-serving', 'kong', 'monitoring', 'openfaas'].map((n) => `${n} → ${API}`),
  // The gateway to its backends, and to Lambda.
  `kong${KONG} → knative-serving${KOURIER}:8080,8081,8443`,
  `kong${KONG} → openfaas/app=gateway:8080`,
  `kong${KONG} → 0.0.0.0/0:443`,
  // The Knative Operator fetching eventing-kafka-broker's release manifests (Kafka eventing in prod).
  'knative-operator → 0.0.0.0/0:443',
  // Knative: Kourier/activator/autoscaler to the tenants' queue-proxies; tenants to the broker; Eventing delivering through Kourier.
  `knative-serving → shop:${QP}`,
  `knative-serving → iot:${QP}`,
  'shop → knative-eventing:8080',
  'iot → knative-eventing:8080',
  `knative-eventing → knative-serving${KOURIER}:8080,8081,8443`,
  // OpenFaaS (Pro in prod): only the gateway and the queue worker reach functions.
  'openfaas/app=gateway → openfaas-fn:8080',
  'openfaas/app=queue-worker → openfaas-fn:8080',
  // Kafka clients to the TLS listener only (never the plaintext 9092).
  `shop → kafka${BROKERS}:9093`,
  `iot → kafka${BROKERS}:9093`,
  `knative-eventing → kafka${BROKERS}:9093`,
  // Prometheus to what it scrapes, the nodes, and Alertmanager to receivers.
  ...['iot', 'kafka', 'knative-eventing', 'knative-serving', 'kong', 'openfaas', 'openfaas-fn', 'shop'].map((n) => `monitoring${PROMETHEUS} → ${n}:*`),
  `monitoring${PROMETHEUS} → 0.0.0.0/0:9100,10250`,
  // Alertmanager: HTTPS webhooks and the spec's SMTP smarthost port.
  'monitoring/app.kubernetes.io/name=alertmanager → 0.0.0.0/0:443,587',
].sort();

describe('network policies of the reference stack', () => {
  const prod = synth('prod');

  test('prod: the flows the policies allow are exactly the intended ones, each with both sides', () => {
    const { flows, oneSided } = flowMatrix(prod.objects);
    expect(oneSided).toEqual([]);
    expect(flows).toEqual(INTENDED_PROD);
  });

  test('dev (OpenFaaS CE, one of each): the same kinds of flows, every allow with both sides', () => {
    const { flows, oneSided } = flowMatrix(synth('dev').objects);
    expect(oneSided).toEqual([]);
    // CE's faas-netes checks internet connectivity at start.
    expect(flows).toContain('openfaas/app=gateway → 0.0.0.0/0:443');
    // No flow between two tenants, and none into a tenant but Kourier/activator and Prometheus.
    const tenants = new Set(reference().tenants.map((t: { name: string }) => t.name));
    const into = flows.filter((f) => [...tenants].some((t) => new RegExp(` → ${t}[:/]`).test(f)));
    expect(into.every((f) => f.startsWith('knative-serving → ') || f.startsWith(`monitoring${PROMETHEUS} → `))).toBe(true);
    expect(flows.filter((f) => [...tenants].some((t) => f.startsWith(`${t} → `) && [...tenants].some((u) => f.includes(`→ ${u}`))))).toEqual([]);
  });

  test.each([...REFERENCE_ENVIRONMENTS])('%s: every namespace has default-deny and DNS, every policy says why, every object validates', (env) => {
    const out = synthEnv(env);
    const namespaces = out.find('Namespace').map((n) => n.metadata.name);
    const policies = out.find('NetworkPolicy') as Policy[];
    for (const ns of namespaces) {
      expect({ ns, spec: out.get('NetworkPolicy', 'default-deny', ns).spec }).toEqual({ ns, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
      expect(out.find('NetworkPolicy', 'allow-dns', ns)).toHaveLength(1);
    }
    // No policy in a namespace the output does not create.
    expect([...new Set(policies.map((p) => p.metadata.namespace))].filter((n) => !namespaces.includes(n!))).toEqual([]);
    expect(policies.filter((p) => !p.metadata.annotations?.[REASON]).map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([]);
    expect(validateAll(policies)).toEqual([]);
  });

  test('prod: 12 of 12 namespaces are default-deny', () => {
    const namespaces = prod.find('Namespace').map((n) => n.metadata.name);
    expect(namespaces).toHaveLength(12);
    expect(namespaces.filter((n) => prod.find('NetworkPolicy', 'default-deny', n).length === 1)).toHaveLength(12);
  });

  test("one tenant's OpenFaaS functions cannot reach another's: openfaas-fn accepts only the gateway and the queue worker (and Prometheus)", () => {
    const fn = prod.find('NetworkPolicy', undefined, 'openfaas-fn') as Policy[];
    const from = fn.flatMap((p) => (p.spec.ingress ?? []).flatMap((r) => (r.from ?? []).map((f) => `${f.namespaceSelector?.matchLabels?.[NAME]}${labels(f.podSelector)}`))).sort();
    expect(from).toEqual(['monitoring/app.kubernetes.io/name=prometheus', 'openfaas/app=gateway', 'openfaas/app=queue-worker']);
    expect(fn.some((p) => (p.spec.ingress ?? []).some((r) => (r.from ?? []).some((f) => !f.namespaceSelector)))).toBe(false);
  });

  test("Strimzi's own listener policies open the TLS listeners to the client namespaces only and the plaintext one to the cluster's pods", () => {
    const listeners = prod.get('Kafka', 'events', 'kafka').spec.kafka.listeners as { name: string; networkPolicyPeers: Peer[] }[];
    const peers = Object.fromEntries(listeners.map((l) => [l.name, l.networkPolicyPeers.map((p) => p.namespaceSelector?.matchLabels?.[NAME] ?? `pods${labels(p.podSelector)}`)]));
    expect(peers).toEqual({ plain: ['pods/strimzi.io/cluster=events'], tls: ['iot', 'knative-eventing', 'shop'], mtls: ['pods/strimzi.io/cluster=events'] });
  });

  test('a tenant egress allow-list reaches its OpenFaaS functions in openfaas-fn, selected by function name', () => {
    const s = reference();
    const media = s.tenants.findIndex((t: { name: string }) => t.name === 'media');
    s.tenants[media].egress = [{ cidr: '203.0.113.0/24' }];
    s.functions.push({ name: 'media-thumb', tenant: 'media', target: 'openfaas', image: 'ghcr.io/acme/media-thumb:1.0.0' });
    const out = synth('dev', s);
    expect(out.get('NetworkPolicy', 'allow-egress-media-thumb-0', 'openfaas-fn').spec).toEqual({
      podSelector: { matchLabels: { faas_function: 'media-thumb' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
  });
});

describe('network.apiServer in the spec', () => {
  test("sets the API server egress of every platform namespace's controllers", () => {
    const s = reference();
    s.network = { apiServer: { cidr: '10.0.0.10/32', ports: [6443] } };
    const egress = synth('prod', s)
      .find('NetworkPolicy', 'allow-egress-api-server')
      .map((p) => p.spec.egress);
    expect(egress).toHaveLength(7);
    for (const e of egress) expect(e).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  });

  test('a range that is not an IPv4 CIDR is refused with its path', () => {
    const s = reference();
    s.network = { apiServer: { cidr: '10.0.0.300/32', ports: [6443] } };
    expect(parseErrorMessage(s)).toContain('network.apiServer.cidr: must be an IPv4 CIDR such as "203.0.113.0/24" (got "10.0.0.300/32")');
  });
});

describe('NamespaceNetworkPolicies', () => {
  const chart = () => new Chart(Testing.app(), 'c');

  test('an allow names the peer namespace and pods, the ports and the pods here, and says why', () => {
    const c = chart();
    new NamespaceNetworkPolicies(c, 'n', { namespace: 'a' }).allowIngressFrom({ namespace: 'b', podLabels: { app: 'x' }, pods: { app: 'y' }, ports: [8080], name: 'x', reason: 'because' });
    const p = Testing.synth(c).find((o) => o.metadata.name === 'allow-from-b-x');
    expect(p.metadata.annotations).toEqual({ [REASON]: 'because' });
    expect(p.spec).toEqual({
      podSelector: { matchLabels: { app: 'y' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: 'b' } }, podSelector: { matchLabels: { app: 'x' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('the API server range and ports come from the props', () => {
    const c = chart();
    new NamespaceNetworkPolicies(c, 'n', { namespace: 'a', apiServer: { cidr: '10.0.0.10/32', ports: [6443] } }).allowApiServer('controllers');
    expect(Testing.synth(c).find((o) => o.metadata.name === 'allow-egress-api-server').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] },
    ]);
  });

  test('bad ports and a second allow of the same peer are refused', () => {
    const net = new NamespaceNetworkPolicies(chart(), 'n', { namespace: 'a' });
    expect(() => net.allowEgressTo({ namespace: 'b', ports: [], reason: 'x' })).toThrow('NamespaceNetworkPolicies(a).ports: must name at least one TCP port (leave ports out for every port)');
    net.allowEgressTo({ namespace: 'b', reason: 'x' });
    expect(() => net.allowEgressTo({ namespace: 'b', reason: 'y' })).toThrow('NamespaceNetworkPolicies(a): a policy with this name exists already; allow each peer once (got "allow-to-b")');
  });
});

describe('event destinations stay in their namespace', () => {
  const chart = () => new Chart(Testing.app(), 'c');
  const broker = (uri: string, crossNamespace?: boolean) => () =>
    new Broker(chart(), 'b', { namespace: 'shop', delivery: { deadLetterSink: { uri, ...(crossNamespace !== undefined && { crossNamespace }) } } });

  test.each(['http://billing.media.svc.cluster.local', 'http://billing.media.svc/', 'https://billing.media.svc.example.internal:8443/x'])(
    'a Service address in another namespace is refused: %s',
    (uri) => {
      expect(specErrorMessage(broker(uri))).toContain(
        `delivery.deadLetterSink.uri: is a Service in namespace "media", but the referring object is in "shop": events stay in their namespace unless crossNamespace is set (got "${uri}")`,
      );
    },
  );

  test('its own namespace, an address outside the cluster, or an explicit opt-in are accepted', () => {
    for (const uri of ['http://sink.shop.svc.cluster.local', 'https://hooks.example.com/events']) expect(broker(uri)).not.toThrow();
    expect(broker('http://billing.media.svc.cluster.local', true)).not.toThrow();
  });
});
