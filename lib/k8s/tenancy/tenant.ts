import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { naming } from '../../core/naming';
import { LABELS } from '../common/labels';
import { TenantNetworkPolicies, type TenantNetworkPoliciesProps } from './tenant-network-policies';
import { TenantQuota, type TenantQuotaProps } from './tenant-quota';
import { TenantRoles, type TenantRolesProps } from './tenant-roles';
import { TenantSecretPolicy } from './tenant-secret-policy';

export interface TenantProps {
  /**
   * The tenant's namespace: it must exist with Pod Security `restricted` (create it with
   * `SystemNamespace` in an earlier layer).
   */
  readonly namespace: string;
  readonly quota: TenantQuotaProps['quota'];
  readonly containerDefaults: TenantQuotaProps['containerDefaults'];
  readonly functionKinds: TenantRolesProps['functionKinds'];
  /** @default no bindings */
  readonly groups?: TenantRolesProps['groups'];
  /** @default none */
  readonly readableSecrets?: TenantRolesProps['readableSecrets'];
  /** @default false */
  readonly developerExec?: boolean;
  /** @default kube-system kube-dns */
  readonly dns?: TenantNetworkPoliciesProps['dns'];
  /**
   * Secrets the tenant's Knative Services and KafkaSources may reference (more with
   * `secretPolicy.grant`); any other reference is refused at admission.
   * @default none
   */
  readonly grantedSecrets?: readonly string[];
  /** Name of the ServiceAccount functions run as. @default 'functions' */
  readonly functionServiceAccount?: string;
}

/**
 * A tenant's place in the cluster: quota and container defaults, roles bound to its
 * groups, default-deny network policies, the admission policy that keeps its workloads to
 * the Secrets granted to them (when it may create any: `functionKinds` not empty), and the
 * ServiceAccount its functions run as.
 * That ServiceAccount mounts no API token: a function that needs one sets
 * `automountServiceAccountToken: true` in its own pod spec, which overrides this default.
 */
export class Tenant extends Construct {
  readonly namespace: string;
  readonly quota: TenantQuota;
  readonly roles: TenantRoles;
  readonly network: TenantNetworkPolicies;
  /** Undefined when the tenant's roles create no workload (no function kinds). */
  readonly secretPolicy?: TenantSecretPolicy;
  readonly serviceAccount: k8s.KubeServiceAccount;

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.quota = new TenantQuota(this, 'quota', { namespace: props.namespace, quota: props.quota, containerDefaults: props.containerDefaults });
    this.roles = new TenantRoles(this, 'roles', {
      namespace: props.namespace,
      functionKinds: props.functionKinds,
      groups: props.groups,
      readableSecrets: props.readableSecrets,
      developerExec: props.developerExec,
    });
    this.network = new TenantNetworkPolicies(this, 'network', { namespace: props.namespace, dns: props.dns });
    if (props.functionKinds.length > 0) this.secretPolicy = new TenantSecretPolicy(this, 'secret-policy', { namespace: props.namespace, granted: props.grantedSecrets });
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'function-sa', {
      metadata: { name: props.functionServiceAccount ?? naming.functionServiceAccount, namespace: props.namespace, labels: { [LABELS.tenant]: props.namespace } },
      automountServiceAccountToken: false,
    });
  }
}
