import { ApiObject } from 'cdk8s';
import { cpuCores, GiB, memoryBytes, MiB, type ResourceAmounts } from '../core/quantity';

/** An object of the output whose existence makes pods run (a HelmRelease or Argo CD Application, an operator CR, a function). */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Requests of one container as written (undefined fields request nothing). */
export type ContainerRequests = ResourceAmounts;

/** One kind of pod the platform runs. */
export interface FootprintEntry {
  /** What runs, e.g. `openfaas/gateway` or `fn/validate-order`. */
  readonly component: string;
  readonly namespace: string;
  /** Pods in steady state (per node when `perNode`). */
  readonly pods: number;
  /** A DaemonSet: `pods` per node. */
  readonly perNode: boolean;
  /** Requests of ONE pod: the sum over its containers (cores, bytes). */
  readonly requests: { readonly cpu: number; readonly memory: number };
  /** Where the numbers come from: the values/CR field the module writes, or the upstream default read. */
  readonly source: string;
  /** The objects of the output that make these pods run. */
  readonly objects: readonly ObjectRef[];
}

export interface FootprintRecord {
  readonly component: string;
  readonly namespace: string;
  readonly pods: number;
  /** @default false */
  readonly perNode?: boolean;
  /** Each container of the pod (`undefined`: the container requests nothing). */
  readonly containers: readonly (ContainerRequests | undefined)[];
  readonly source: string;
  readonly objects: readonly (ApiObject | ObjectRef)[];
}

const refOf = (o: ApiObject | ObjectRef): ObjectRef => (o instanceof ApiObject ? { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, namespace: o.metadata.namespace } : o);

/**
 * The pods an environment runs and what they request, recorded by each module from the same
 * values and custom resources it writes. Sums answer "does this fit the cluster?" — the
 * edge profile must fit 2 cores / 4 GiB in total requests.
 */
export class Footprint {
  private readonly list: FootprintEntry[] = [];

  /** Records pods a module causes to run. */
  record(r: FootprintRecord): void {
    if (!Number.isInteger(r.pods) || r.pods < 0) throw new Error(`footprint ${r.component}: pods must be a whole number ≥ 0 (got ${r.pods})`);
    let cpu = 0;
    let memory = 0;
    for (const c of r.containers) {
      if (c?.cpu !== undefined) cpu += cpuCores(c.cpu);
      if (c?.memory !== undefined) memory += memoryBytes(c.memory);
    }
    this.list.push({ component: r.component, namespace: r.namespace, pods: r.pods, perNode: r.perNode ?? false, requests: { cpu, memory }, source: r.source, objects: r.objects.map(refOf) });
  }

  get entries(): readonly FootprintEntry[] {
    return this.list;
  }

  /** Requests of an entry on a cluster of `nodes` nodes. */
  static requestsOf(e: FootprintEntry, nodes = 1): { pods: number; cpu: number; memory: number } {
    const pods = e.pods * (e.perNode ? nodes : 1);
    return { pods, cpu: pods * e.requests.cpu, memory: pods * e.requests.memory };
  }

  /** Total requested cores and bytes on a cluster of `nodes` nodes. */
  total(nodes = 1): { pods: number; cpu: number; memory: number } {
    return this.list.reduce(
      (t, e) => {
        const r = Footprint.requestsOf(e, nodes);
        return { pods: t.pods + r.pods, cpu: t.cpu + r.cpu, memory: t.memory + r.memory };
      },
      { pods: 0, cpu: 0, memory: 0 },
    );
  }

  /** A plain-text table: one line per entry, then the total. */
  table(nodes = 1): string {
    const cores = (n: number) => `${Math.round(n * 1000)}m`;
    const mib = (n: number) => `${+(n / MiB).toFixed(1)}Mi`;
    const rows = this.list.map((e) => {
      const r = Footprint.requestsOf(e, nodes);
      return [e.component, e.namespace, `${r.pods}${e.perNode ? ` (${e.pods}/node)` : ''}`, cores(r.cpu), mib(r.memory), e.source];
    });
    const t = this.total(nodes);
    rows.push(['TOTAL', '', String(t.pods), cores(t.cpu), `${mib(t.memory)} (${(t.memory / GiB).toFixed(2)}Gi)`, `${nodes} node(s)`]);
    const head = ['component', 'namespace', 'pods', 'cpu', 'memory', 'source'];
    const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 5 ? 0 : r[i].length))));
    const line = (r: string[]) => r.map((c, i) => (i === 5 ? c : c.padEnd(width[i]))).join('  ');
    return [line(head), ...rows.map(line)].join('\n');
  }
}
