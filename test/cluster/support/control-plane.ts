import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Kubectl, type KubeObject } from '../../../lib/cluster/kubectl';
import { UPSTREAM } from '../../support/upstream';

const SCRIPT = path.resolve(__dirname, '../../../scripts/control-plane.sh');
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl'];

/** Folder of the cached control-plane binaries (scripts/control-plane.sh build). */
export const BIN_DIR = execFileSync('bash', [SCRIPT, 'bin-dir'], { encoding: 'utf8' }).trim();
export const BUILT = BINARIES.every((b) => fs.existsSync(path.join(BIN_DIR, b)));

/**
 * `describe` when the control plane is built and ../shared/upstream is there. Locally a
 * missing build skips the tier with a message; with CI set it fails instead.
 */
export function describeCluster(name: string, fn: () => void): void {
  if (BUILT && UPSTREAM) return describe(name, fn);
  const why = !BUILT ? `control-plane binaries not built (run: scripts/control-plane.sh build; looked in ${BIN_DIR})` : '../shared/upstream is not present';
  if (process.env.CI) {
    describe(name, () =>
      test('the real control plane is available', () => {
        throw new Error(why);
      }),
    );
    return;
  }
  console.warn(`skipping "${name}": ${why}`);
  describe.skip(name, fn);
}

/** etcd + kube-apiserver + kube-controller-manager on 127.0.0.1, started and stopped by PID. */
export class ControlPlane {
  readonly kubectl: Kubectl;
  private stopped = false;

  private constructor(readonly dir: string) {
    this.kubectl = new Kubectl({ binary: path.join(BIN_DIR, 'kubectl'), kubeconfig: path.join(dir, 'kubeconfig') });
  }

  static start(): ControlPlane {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-control-plane-'));
    const r = spawnSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`control plane did not start:\n${r.stderr}`);
    const cp = new ControlPlane(dir);
    cp.waitFor(() => cp.kubectl.run(['get', 'serviceaccount', 'default', '-n', 'default']).code === 0, 60, 'the default ServiceAccount (controller-manager running)');
    return cp;
  }

  get kubeconfig(): string {
    return path.join(this.dir, 'kubeconfig');
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    spawnSync('bash', [SCRIPT, 'stop', this.dir], { encoding: 'utf8' });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  waitFor(check: () => boolean, seconds: number, what: string): void {
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      if (check()) return;
      spawnSync('sleep', ['0.25']);
    }
    throw new Error(`timed out after ${seconds}s waiting for ${what}`);
  }

  /**
   * Installs the pinned upstream CRDs that serve the given custom kinds (as the charts of the
   * platform layer would) and waits until each is Established. Throws on a kind no pinned
   * CRD serves.
   */
  installCrdsFor(objects: readonly Pick<KubeObject, 'apiVersion' | 'kind'>[]): string[] {
    const catalog = crdCatalog();
    const needed = new Map<string, KubeObject>();
    const unknown: string[] = [];
    for (const o of objects) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      if (!group.includes('.') || (group.endsWith('.k8s.io') && !group.startsWith('gateway.networking'))) continue;
      const crd = catalog.get(`${group}/${o.kind}`);
      if (!crd) unknown.push(`${o.apiVersion} ${o.kind}`);
      else needed.set(crd.metadata.name, crd);
    }
    if (unknown.length > 0) throw new Error(`no pinned CRD in ../shared/upstream/crds serves: ${[...new Set(unknown)].join(', ')}`);
    // Multi-version CRDs convert through their controller's webhook (Knative's kafka-webhook
    // for KafkaSource), which does not run here: the stand-in converts nothing. Our objects are
    // written in the storage version, so no conversion is needed for them.
    const crds = [...needed.values()]
      .map((c) => (c.spec.conversion?.strategy === 'Webhook' ? { ...c, spec: { ...c.spec, conversion: { strategy: 'None' } } } : c))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const r = this.kubectl.run(['apply', '--server-side', '--field-manager=upstream-charts', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds }));
    if (r.code !== 0) throw new Error(`CRDs refused:\n${r.stderr}`);
    const names = crds.map((c) => `crd/${c.metadata.name}`);
    const w = this.kubectl.run(['wait', '--for=condition=Established', '--timeout=120s', ...names]);
    if (w.code !== 0) throw new Error(`CRDs not Established:\n${w.stderr}`);
    return crds.map((c) => c.metadata.name);
  }
}

let catalogCache: Map<string, KubeObject> | undefined;
const folderOf = new Map<string, string>();

/** The ../shared/upstream/crds folder (one per upstream release) a pinned CRD comes from, by CRD name. */
export function crdFolder(name: string): string | undefined {
  crdCatalog();
  return folderOf.get(name);
}

/** `group/Kind` → the pinned CRD serving it, from every file under ../shared/upstream/crds. */
export function crdCatalog(): Map<string, KubeObject> {
  if (catalogCache) return catalogCache;
  const map = new Map<string, KubeObject>();
  const root = path.join(UPSTREAM!, 'crds');
  for (const dir of fs.readdirSync(root).sort()) {
    for (const file of fs.readdirSync(path.join(root, dir)).sort()) {
      if (!/\.ya?ml$/.test(file)) continue;
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(root, dir, file), 'utf8'))) {
        const crd = doc.toJS() as KubeObject | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        const key = `${crd.spec.group}/${crd.spec.names.kind}`;
        if (!map.has(key)) map.set(key, crd);
        if (!folderOf.has(crd.metadata.name)) folderOf.set(crd.metadata.name, dir);
      }
    }
  }
  catalogCache = map;
  return map;
}
