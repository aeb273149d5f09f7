import { objectId, type KubeObject } from '../../../lib/cluster/kubectl';
import type { ControlPlane } from './control-plane';

export interface PodReport {
  /** workload id → pods its controller created */
  readonly created: Map<string, number>;
  /** `FailedCreate` events and ReplicaFailure conditions: admission refused a pod. */
  readonly failures: string[];
  /** Workloads whose pods were not all created in time, with why. */
  readonly pending: string[];
}

const POD_WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

/** Workloads the toolkit renders itself (DaemonSets need nodes, which this control plane has none of). */
export function ownWorkloads(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.apiVersion.startsWith('apps/') || o.apiVersion.startsWith('batch/')).filter((o) => POD_WORKLOADS.has(o.kind));
}

const want = (o: KubeObject) => (o.kind === 'Job' ? Number(o.spec.parallelism ?? 1) : Number(o.spec.replicas ?? 1));
const have = (o: KubeObject) => (o.kind === 'Job' ? Number(o.status?.active ?? 0) + Number(o.status?.succeeded ?? 0) + Number(o.status?.failed ?? 0) : Number(o.status?.replicas ?? 0));

/**
 * Waits until kube-controller-manager has created every pod of the given workloads, or admission
 * has refused one (the controllers record `FailedCreate`).
 */
export function waitForPods(cp: ControlPlane, workloads: readonly KubeObject[], seconds = 90): PodReport {
  const created = new Map<string, number>();
  const failures = new Set<string>();
  let pending: string[] = [];
  const end = Date.now() + seconds * 1000;
  for (;;) {
    pending = [];
    for (const w of workloads) {
      const live = cp.kubectl.json(['get', `${w.kind.toLowerCase()}.${w.apiVersion.split('/')[0]}`, w.metadata.name, '-n', w.metadata.namespace!]);
      created.set(objectId(w), have(live));
      for (const c of live.status?.conditions ?? []) {
        if (c.type === 'ReplicaFailure' && c.status === 'True') failures.add(`${objectId(w)}: ${c.reason}: ${c.message}`);
      }
      if (have(live) < want(live)) pending.push(`${objectId(w)}: ${have(live)}/${want(live)} pods`);
    }
    const events = cp.kubectl.json(['get', 'events', '-A', '--field-selector', 'reason=FailedCreate']);
    for (const e of events.items) failures.add(`${e.involvedObject.kind} ${e.involvedObject.namespace}/${e.involvedObject.name}: FailedCreate: ${e.message}`);
    if (failures.size > 0 || pending.length === 0 || Date.now() > end) break;
    spawnSleep(1);
  }
  return { created, failures: [...failures].sort(), pending };
}

function spawnSleep(s: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s * 1000);
}

/**
 * Workloads at zero replicas (scale-to-zero functions) create their first pod on the first
 * request: a server-side dry run of that pod goes through the same admission (Pod Security,
 * LimitRanger, ResourceQuota against what is running now, ServiceAccount).
 */
export function firstPodAdmission(cp: ControlPlane, workloads: readonly KubeObject[]): { probed: number; refused: string[] } {
  const refused: string[] = [];
  let probed = 0;
  for (const w of workloads) {
    if (want(w) > 0 || !w.spec?.template) continue;
    probed++;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${w.metadata.name}-first`.slice(0, 63), namespace: w.metadata.namespace, labels: w.spec.template.metadata?.labels },
      spec: w.spec.template.spec,
    };
    const r = cp.kubectl.run(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
    if (r.code !== 0) refused.push(`${objectId(w)}: first pod: ${r.stderr.trim()}`);
  }
  return { probed, refused };
}
