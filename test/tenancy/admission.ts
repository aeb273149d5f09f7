import { cpuCores, memoryBytes } from '../../lib/core/quantity';
import type { SynthesizedEnv } from '../support/synth';

/** What a tenant's ResourceQuota counts, in millicores, bytes and pods. */
export interface QuotaUsage {
  readonly requestsCpu: number;
  readonly requestsMemory: number;
  readonly limitsCpu: number;
  readonly limitsMemory: number;
  readonly pods: number;
}

type Amounts = { cpu?: string; memory?: string };
type Resources = { requests?: Amounts; limits?: Amounts };

const milli = (q: string | number) => Math.ceil(cpuCores(q) * 1000 - 1e-6);
const bytes = (q: string | number) => Math.ceil(memoryBytes(q) - 1e-6);

/**
 * Usage the API server charges to a tenant's quota for the pods its Knative Services keep
 * warm, worked out from the synthesized objects only (independently of the module's check):
 * each revision pod is the Service's containers plus the queue-proxy Knative injects with
 * the KnativeServing config-deployment resources (cpu request 25m when unset, as Knative
 * does); then, per container, API defaulting copies set limits into unset requests and the
 * LimitRanger fills what is still unset from the namespace LimitRange's default/defaultRequest.
 */
export function warmUsage(out: SynthesizedEnv, namespace: string): QuotaUsage {
  const deployment: Record<string, string> = out.find('KnativeServing')[0]?.spec.config?.deployment ?? {};
  const queueProxy: Resources = {
    requests: { cpu: deployment['queue-sidecar-cpu-request'] ?? '25m', memory: deployment['queue-sidecar-memory-request'] },
    limits: { cpu: deployment['queue-sidecar-cpu-limit'], memory: deployment['queue-sidecar-memory-limit'] },
  };
  const range =
    out
      .find('LimitRange', undefined, namespace)
      .flatMap((l) => l.spec.limits)
      .find((l: any) => l.type === 'Container') ?? {};
  const admitted = (c: Resources) => {
    const get = (kind: 'requests' | 'limits', r: 'cpu' | 'memory') => {
      if (kind === 'limits') return c.limits?.[r] ?? range.default?.[r];
      return c.requests?.[r] ?? c.limits?.[r] ?? range.defaultRequest?.[r] ?? range.default?.[r];
    };
    return { rc: get('requests', 'cpu'), rm: get('requests', 'memory'), lc: get('limits', 'cpu'), lm: get('limits', 'memory') };
  };
  const total = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0 };
  const services = out.find('Service', undefined, namespace).filter((s) => s.apiVersion === 'serving.knative.dev/v1');
  for (const svc of services) {
    const a = svc.spec.template.metadata?.annotations ?? {};
    const pods = Math.max(Number(a['autoscaling.knative.dev/min-scale'] ?? 0), Number(a['autoscaling.knative.dev/initial-scale'] ?? 0));
    if (pods === 0) continue;
    const containers: Resources[] = [...svc.spec.template.spec.containers.map((c: any) => c.resources ?? {}), queueProxy];
    for (const c of containers.map(admitted)) {
      // A quota on a resource rejects a pod with a container that leaves it unset.
      if ([c.rc, c.rm, c.lc, c.lm].some((v) => v === undefined)) throw new Error(`${namespace}/${svc.metadata.name}: a container has no value for a quota'd resource`);
      total.requestsCpu += pods * milli(c.rc!);
      total.requestsMemory += pods * bytes(c.rm!);
      total.limitsCpu += pods * milli(c.lc!);
      total.limitsMemory += pods * bytes(c.lm!);
    }
    total.pods += pods;
  }
  return total;
}

/** The hard limits of a tenant's ResourceQuota, in the same units. */
export function quotaHard(out: SynthesizedEnv, namespace: string): QuotaUsage {
  const h = out.get('ResourceQuota', 'tenant-quota', namespace).spec.hard;
  return { requestsCpu: milli(h['requests.cpu']), requestsMemory: bytes(h['requests.memory']), limitsCpu: milli(h['limits.cpu']), limitsMemory: bytes(h['limits.memory']), pods: Number(h.pods) };
}
