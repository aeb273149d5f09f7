import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { cpuCores, isQuantity, memoryBytes } from '../../core/quantity';
import { LABELS } from '../common/labels';

type Q = string | number;

export interface TenantQuotaProps {
  /** The tenant's namespace. */
  readonly namespace: string;
  /** Totals over all pods of the namespace. */
  readonly quota: { readonly requestsCpu: Q; readonly requestsMemory: Q; readonly limitsCpu: Q; readonly limitsMemory: Q; readonly pods: number };
  /** Requests and limits a container gets when it sets none (the functions' defaults). */
  readonly containerDefaults: { readonly requests: { readonly cpu: Q; readonly memory: Q }; readonly limits: { readonly cpu: Q; readonly memory: Q } };
}

const qty = (q: Q) => k8s.Quantity.fromString(String(q));

/** A problem of TenantQuota props: `path` below the props (`quota.requestsCpu`), the value, what is valid. */
export interface TenantQuotaProblem {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

/**
 * What the API server would refuse in a tenant's quota and container defaults: the
 * constructor throws the first, the spec's tenant rule reports each with the spec path.
 */
export function tenantQuotaProblems(props: Pick<TenantQuotaProps, 'quota' | 'containerDefaults'>): TenantQuotaProblem[] {
  const out: TenantQuotaProblem[] = [];
  const fail = (path: string, value: unknown, message: string): void => {
    out.push({ path, value, message });
  };
  const { quota, containerDefaults: d } = props;
  const quantities = {
    'quota.requestsCpu': quota.requestsCpu,
    'quota.requestsMemory': quota.requestsMemory,
    'quota.limitsCpu': quota.limitsCpu,
    'quota.limitsMemory': quota.limitsMemory,
    'containerDefaults.requests.cpu': d.requests.cpu,
    'containerDefaults.requests.memory': d.requests.memory,
    'containerDefaults.limits.cpu': d.limits.cpu,
    'containerDefaults.limits.memory': d.limits.memory,
  };
  for (const [k, v] of Object.entries(quantities)) if (!isQuantity(v)) fail(k, v, 'must be a Kubernetes quantity such as "500m" or "2Gi"');
  if (!Number.isInteger(quota.pods) || quota.pods < 1) fail('quota.pods', quota.pods, 'must be a whole number ≥ 1');
  if (out.length > 0) return out;
  // The API server rejects a LimitRange whose default request exceeds its default limit.
  if (cpuCores(d.requests.cpu) > cpuCores(d.limits.cpu)) fail('containerDefaults.requests.cpu', d.requests.cpu, `must not exceed containerDefaults.limits.cpu (${d.limits.cpu})`);
  if (memoryBytes(d.requests.memory) > memoryBytes(d.limits.memory))
    fail('containerDefaults.requests.memory', d.requests.memory, `must not exceed containerDefaults.limits.memory (${d.limits.memory})`);
  if (cpuCores(quota.requestsCpu) > cpuCores(quota.limitsCpu)) fail('quota.requestsCpu', quota.requestsCpu, `must not exceed quota.limitsCpu (${quota.limitsCpu}): requests never exceed limits`);
  if (memoryBytes(quota.requestsMemory) > memoryBytes(quota.limitsMemory))
    fail('quota.requestsMemory', quota.requestsMemory, `must not exceed quota.limitsMemory (${quota.limitsMemory}): requests never exceed limits`);
  return out;
}

/**
 * A ResourceQuota and a LimitRange for a tenant namespace. The quota caps requests, limits
 * and pods, and allows no LoadBalancer or NodePort Services (traffic enters through the
 * gateway). The LimitRange gives containers without resources the functions' defaults,
 * which the quota requires (a quota on requests rejects pods that set none).
 */
export class TenantQuota extends Construct {
  readonly resourceQuota: k8s.KubeResourceQuota;
  readonly limitRange: k8s.KubeLimitRange;

  constructor(scope: Construct, id: string, props: TenantQuotaProps) {
    super(scope, id);
    const [first] = tenantQuotaProblems(props);
    if (first) fail(`TenantQuota(${props.namespace}).${first.path}`, first.value, first.message);
    const { quota, containerDefaults: d } = props;

    const labels = { [LABELS.tenant]: props.namespace };
    this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name: 'tenant-quota', namespace: props.namespace, labels },
      spec: {
        hard: {
          'requests.cpu': qty(quota.requestsCpu),
          'requests.memory': qty(quota.requestsMemory),
          'limits.cpu': qty(quota.limitsCpu),
          'limits.memory': qty(quota.limitsMemory),
          pods: qty(quota.pods),
          'services.loadbalancers': qty(0),
          'services.nodeports': qty(0),
        },
      },
    });
    this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: 'tenant-defaults', namespace: props.namespace, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: qty(d.limits.cpu), memory: qty(d.limits.memory) },
            defaultRequest: { cpu: qty(d.requests.cpu), memory: qty(d.requests.memory) },
          },
        ],
      },
    });
  }
}
