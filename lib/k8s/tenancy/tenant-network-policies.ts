import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { LABELS } from '../common/labels';

export interface TenantNetworkPoliciesProps {
  /** The tenant's namespace. */
  readonly namespace: string;
  /**
   * Where DNS runs (egress on 53/UDP and TCP is allowed there).
   * @default kube-system pods labelled `k8s-app: kube-dns` (CoreDNS and kube-dns alike)
   */
  readonly dns?: { readonly namespace: string; readonly podLabels: Record<string, string> };
}

/** TCP ports, or a function read at synthesis (for ports another module decides later). */
export type Ports = readonly number[] | (() => readonly number[]);

export interface NamespacePeer {
  /** The peer namespace. */
  readonly namespace: string;
  /** Only pods with these labels. @default every pod of the namespace */
  readonly podLabels?: Record<string, string>;
  /** Only these TCP ports. @default every port */
  readonly ports?: Ports;
  /** Why the traffic is needed (recorded as an annotation). */
  readonly reason: string;
}

const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

/**
 * Network isolation of a tenant namespace: everything denied in both directions, then one
 * named NetworkPolicy per allowed peer (DNS always; the platform components the tenant's
 * functions need are added with the fluent methods), each saying why it exists.
 */
export class TenantNetworkPolicies extends Construct {
  readonly namespace: string;
  private readonly names = new Set<string>();

  constructor(scope: Construct, id: string, props: TenantNetworkPoliciesProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.policy('default-deny', 'deny all traffic not allowed by another policy', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = props.dns ?? { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
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

  /** Lets pods of another namespace reach every pod of the tenant. */
  allowIngressFrom(peer: NamespacePeer): this {
    this.policy(`allow-from-${peer.namespace}`, peer.reason, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [this.peer(peer)], ...(peer.ports && { ports: this.ports(peer.ports) }) }],
    });
    return this;
  }

  /** Lets the tenant's pods reach pods of another namespace. */
  allowEgressTo(peer: NamespacePeer): this {
    this.policy(`allow-to-${peer.namespace}`, peer.reason, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [this.peer(peer)], ...(peer.ports && { ports: this.ports(peer.ports) }) }],
    });
    return this;
  }

  /** Lets the tenant's pods reach an address range outside the cluster. */
  allowEgressToCidr(name: string, cidr: string, ports: readonly number[], reason: string): this {
    this.policy(`allow-egress-${name}`, reason, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr } }], ports: this.ports(ports) }],
    });
    return this;
  }

  private peer(p: NamespacePeer): k8s.NetworkPolicyPeer {
    return { namespaceSelector: byName(p.namespace), ...(p.podLabels && { podSelector: { matchLabels: p.podLabels } }) };
  }

  private ports(ports: Ports): k8s.NetworkPolicyPort[] {
    const valid = (list: readonly number[]) => {
      for (const p of list) if (!Number.isInteger(p) || p < 1 || p > 65535) fail(`TenantNetworkPolicies(${this.namespace}).ports`, p, 'must be a TCP port 1–65535');
      return list;
    };
    if (typeof ports !== 'function') return valid(ports).map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) }));
    return Lazy.any({ produce: () => valid(ports()).map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) })) });
  }

  private policy(name: string, reason: string, spec: k8s.NetworkPolicySpec): void {
    if (this.names.has(name)) fail(`TenantNetworkPolicies(${this.namespace})`, name, 'a policy with this name exists already; allow each peer once');
    this.names.add(name);
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace, labels: { [LABELS.tenant]: this.namespace }, annotations: { 'hybrid-serverless.io/reason': reason } },
      spec,
    });
  }
}
