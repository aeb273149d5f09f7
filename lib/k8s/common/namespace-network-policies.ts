import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';

/** TCP ports, or a function read at synthesis (for ports another module decides later). */
export type Ports = readonly number[] | (() => readonly number[]);

/** Where DNS runs. */
export interface DnsEndpoint {
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

/**
 * Where pods reach the Kubernetes API server. Policies match after the Service's address
 * translation, so this is the control plane's address range and the API server's own port
 * (6443 on most clusters, 443 on some managed ones), not the `kubernetes` Service's ClusterIP.
 */
export interface ApiServerEndpoint {
  /** Address range of the API server endpoints (`kubectl get endpoints kubernetes`). */
  readonly cidr: string;
  /** Its ports. */
  readonly ports: readonly number[];
}

/** DNS as kubeadm, kind, k3s and the managed clusters run it: CoreDNS (or kube-dns) in kube-system. */
export const DEFAULT_DNS: DnsEndpoint = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

/**
 * Any address on the API server's usual ports: control-plane addresses differ per cluster, so
 * the default cannot be narrower; set the real range where it is known.
 */
export const DEFAULT_API_SERVER: ApiServerEndpoint = { cidr: '0.0.0.0/0', ports: [443, 6443] };

export interface NamespacePeer {
  /** The peer namespace. */
  readonly namespace: string;
  /** Only the peer's pods with these labels. @default every pod of the peer namespace */
  readonly podLabels?: Record<string, string>;
  /** Only these TCP ports (of the receiving pods). @default every port */
  readonly ports?: Ports;
  /** Only these pods of this namespace. @default every pod of this namespace */
  readonly pods?: Record<string, string>;
  /** Suffix of the policy name, when one peer namespace has several allows. @default none */
  readonly name?: string;
  /** Why the traffic is needed (recorded as an annotation). */
  readonly reason: string;
}

export interface NamespaceNetworkPoliciesProps {
  /** The namespace. */
  readonly namespace: string;
  /**
   * Where DNS runs (egress on 53/UDP and TCP is allowed there).
   * @default kube-system pods labelled `k8s-app: kube-dns` (CoreDNS and kube-dns alike)
   */
  readonly dns?: DnsEndpoint;
  /** Where the API server is, for `allowApiServer`. @default any address on 443 and 6443 */
  readonly apiServer?: ApiServerEndpoint;
  /** Labels of every policy. @default none */
  readonly labels?: Record<string, string>;
}

/** Annotation on every policy saying why it exists. */
export const REASON_ANNOTATION = 'hybrid-serverless.io/reason';

const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

/**
 * Network isolation of one namespace: everything denied in both directions, DNS allowed, then
 * one named NetworkPolicy per allowed flow (peer namespace and pods, ports, which pods here),
 * each saying why it exists. NetworkPolicies add up: a flow is open when any policy allows it,
 * so everything a namespace accepts or sends is the sum of these allows.
 */
export class NamespaceNetworkPolicies extends Construct {
  readonly namespace: string;
  /** Kind named in errors. */
  protected readonly kind: string = 'NamespaceNetworkPolicies';
  private readonly names = new Set<string>();
  private readonly labels?: Record<string, string>;
  private readonly apiServer: ApiServerEndpoint;

  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.labels = props.labels;
    this.apiServer = props.apiServer ?? DEFAULT_API_SERVER;
    this.policy('default-deny', 'deny all traffic not allowed by another policy', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = props.dns ?? DEFAULT_DNS;
    this.policy('allow-dns', 'name resolution', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: byName(dns.namespace), podSelector: { matchLabels: dns.podLabels } }],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
          ],
        },
      ],
    });
  }

  /** Lets pods of another namespace reach pods of this one. */
  allowIngressFrom(peer: NamespacePeer): this {
    this.policy(`allow-from-${peer.namespace}${peer.name ? `-${peer.name}` : ''}`, peer.reason, {
      podSelector: this.selector(peer.pods),
      policyTypes: ['Ingress'],
      ingress: [{ from: [this.peer(peer)], ...(peer.ports && { ports: this.ports(peer.ports) }) }],
    });
    return this;
  }

  /** Lets pods of this namespace reach pods of another one. */
  allowEgressTo(peer: NamespacePeer): this {
    this.policy(`allow-to-${peer.namespace}${peer.name ? `-${peer.name}` : ''}`, peer.reason, {
      podSelector: this.selector(peer.pods),
      policyTypes: ['Egress'],
      egress: [{ to: [this.peer(peer)], ...(peer.ports && { ports: this.ports(peer.ports) }) }],
    });
    return this;
  }

  /** Lets the namespace's pods talk to each other (components of one system, never tenants' functions). */
  allowWithinNamespace(reason: string): this {
    const self = [{ podSelector: {} }];
    this.policy('allow-same-namespace', reason, { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: self }], egress: [{ to: self }] });
    return this;
  }

  /** Lets pods of this namespace reach an address range outside the cluster. */
  allowEgressToCidr(name: string, cidr: string, ports: readonly number[], reason: string, pods?: Record<string, string>): this {
    this.policy(`allow-egress-${name}`, reason, {
      podSelector: this.selector(pods),
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr } }], ports: this.ports(ports) }],
    });
    return this;
  }

  /** Lets controllers and operators of this namespace reach the API server. */
  allowApiServer(reason: string, pods?: Record<string, string>): this {
    this.allowEgressToCidr('api-server', this.apiServer.cidr, this.apiServer.ports, reason, pods);
    return this;
  }

  /**
   * Lets any source reach some ports of some pods: for admission webhooks (the API server
   * calls them from the control plane, which has no namespace or pod to select) and for a
   * public entry point. The ports are the only filter, so name them.
   */
  allowIngressOnPorts(name: string, ports: readonly number[], reason: string, pods?: Record<string, string>): this {
    this.policy(`allow-ingress-${name}`, reason, { podSelector: this.selector(pods), policyTypes: ['Ingress'], ingress: [{ ports: this.ports(ports) }] });
    return this;
  }

  private selector(pods?: Record<string, string>): k8s.LabelSelector {
    return pods ? { matchLabels: pods } : {};
  }

  private peer(p: NamespacePeer): k8s.NetworkPolicyPeer {
    return { namespaceSelector: byName(p.namespace), ...(p.podLabels && { podSelector: { matchLabels: p.podLabels } }) };
  }

  private ports(ports: Ports): k8s.NetworkPolicyPort[] {
    const valid = (list: readonly number[]) => {
      if (list.length === 0) fail(`${this.kind}(${this.namespace}).ports`, '[]', 'must name at least one TCP port (leave ports out for every port)');
      for (const p of list) if (!Number.isInteger(p) || p < 1 || p > 65535) fail(`${this.kind}(${this.namespace}).ports`, p, 'must be a TCP port 1–65535');
      return list;
    };
    if (typeof ports !== 'function') return valid(ports).map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) }));
    return Lazy.any({ produce: () => valid(ports()).map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) })) });
  }

  private policy(name: string, reason: string, spec: k8s.NetworkPolicySpec): void {
    if (this.names.has(name)) fail(`${this.kind}(${this.namespace})`, name, 'a policy with this name exists already; allow each peer once');
    this.names.add(name);
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace, ...(this.labels && { labels: this.labels }), annotations: { [REASON_ANNOTATION]: reason } },
      spec,
    });
  }
}
