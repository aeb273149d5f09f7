import { Construct } from 'constructs';
import { LABELS } from '../common/labels';
import { NamespaceNetworkPolicies, type DnsEndpoint } from '../common/namespace-network-policies';

export interface TenantNetworkPoliciesProps {
  /** The tenant's namespace. */
  readonly namespace: string;
  /**
   * Where DNS runs (egress on 53/UDP and TCP is allowed there).
   * @default kube-system pods labelled `k8s-app: kube-dns` (CoreDNS and kube-dns alike)
   */
  readonly dns?: DnsEndpoint;
}

/**
 * Network isolation of a tenant namespace: a `NamespaceNetworkPolicies` whose policies carry
 * the tenant label. Everything is denied in both directions but DNS; the platform components
 * the tenant's functions need are added with the fluent methods, each saying why.
 */
export class TenantNetworkPolicies extends NamespaceNetworkPolicies {
  protected override readonly kind: string = 'TenantNetworkPolicies';

  constructor(scope: Construct, id: string, props: TenantNetworkPoliciesProps) {
    super(scope, id, { namespace: props.namespace, dns: props.dns, labels: { [LABELS.tenant]: props.namespace } });
  }
}
