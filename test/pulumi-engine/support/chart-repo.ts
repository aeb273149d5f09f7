import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeObject } from '../../../lib/cluster/kubectl';
import { crdCatalog, crdFolder } from '../../cluster/support/control-plane';
import { writeHelmRepositoryFolder } from './helm-repo-folder';

/**
 * Which pinned CRDs a stand-in chart carries (folders of ../shared/upstream/crds). The
 * knative-operator stand-in also carries the Serving, Eventing and Kafka CRDs that the real
 * operator installs when it reconciles KnativeServing/KnativeEventing.
 */
const CHART_CRDS: Record<string, string[]> = {
  'strimzi-kafka-operator': ['strimzi'],
  'knative-operator': ['knative-operator', 'knative-serving', 'knative-eventing', 'knative-kafka'],
  kong: ['kong'],
  'kube-prometheus-stack': ['prometheus-operator'],
  openfaas: ['openfaas'],
};

export interface ChartRef {
  readonly chart: string;
  readonly version: string;
}

/** The charts an output installs (Flux HelmReleases). */
export function chartsOf(objects: readonly KubeObject[]): ChartRef[] {
  const seen = new Map<string, ChartRef>();
  for (const o of objects) {
    if (o.kind !== 'HelmRelease') continue;
    const { chart, version } = o.spec.chart.spec;
    seen.set(`${chart}@${version}`, { chart, version });
  }
  return [...seen.values()];
}

/**
 * A stand-in for each chart, with the same name and version: its pinned CRDs (in `crds/`, as
 * Helm installs them) and a minimal workload, a Deployment at zero replicas with the restricted
 * security context (ready at once: this control plane has no nodes to run pods on). Upstream
 * chart templates never enter the repository; these are built here, in a temporary folder.
 */
export function buildStandInCharts(charts: readonly ChartRef[], dir: string, baseUrl: string): void {
  const catalog = crdCatalog();
  const byFolder = new Map<string, KubeObject[]>();
  for (const crd of catalog.values()) {
    const folder = crdFolder(crd.metadata.name);
    if (folder) byFolder.set(folder, [...(byFolder.get(folder) ?? []), crd]);
  }
  writeHelmRepositoryFolder(
    dir,
    baseUrl,
    charts.map(({ chart, version }) => ({
      chart,
      version,
      description: `test stand-in for ${chart} ${version}`,
      crds: (CHART_CRDS[chart] ?? []).flatMap((f) => byFolder.get(f) ?? []).map(stripConversion),
      templates: { 'stand-in.yaml': STAND_IN_WORKLOAD },
    })),
  );
}

/**
 * Conversion webhooks belong to controllers that do not run here (see the cluster tier). The
 * schemas lose their descriptions: Helm stores the whole chart in its release Secret (at most
 * 1 MiB), and the prometheus-operator CRDs with their prose do not fit; validation is the same.
 */
function stripConversion(crd: KubeObject): KubeObject {
  const out = crd.spec.conversion?.strategy === 'Webhook' ? { ...crd, spec: { ...crd.spec, conversion: { strategy: 'None' } } } : crd;
  return { ...out, spec: { ...out.spec, versions: out.spec.versions.map((v: any) => ({ ...v, ...(v.schema && { schema: withoutDescriptions(v.schema) }) })) } };
}

function withoutDescriptions(v: any): any {
  if (Array.isArray(v)) return v.map(withoutDescriptions);
  if (!v || typeof v !== 'object') return v;
  // `properties` maps field names to schemas: a field may be called "description"
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k, x]) => k !== 'description' || typeof x !== 'string')
      .map(([k, x]) => [k, withoutDescriptions(x)]),
  );
}

const STAND_IN_WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-stand-in
  namespace: {{ .Release.Namespace }}
spec:
  replicas: 0
  selector:
    matchLabels: {app: {{ .Release.Name }}-stand-in}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}-stand-in}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: stand-in
          image: registry.invalid/stand-in:0
          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
`;

/** A Helm HTTP repository on 127.0.0.1 serving a folder; stopped by its PID. */
export class ChartRepository {
  private constructor(
    readonly dir: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(charts: readonly ChartRef[]): Promise<ChartRepository> {
    return ChartRepository.serve((dir, url) => buildStandInCharts(charts, dir, url));
  }

  /** A repository whose folder `build` fills (charts and index.yaml); files are read per request, so they may change later. */
  static async serve(build: (dir: string, url: string) => void): Promise<ChartRepository> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-chart-repo-'));
    const server = `
      const http = require('http'), fs = require('fs'), path = require('path');
      const dir = process.argv[1];
      const s = http.createServer((req, res) => {
        const file = path.join(dir, path.basename(decodeURIComponent(req.url.split('?')[0])));
        fs.readFile(file, (err, body) => {
          if (err) { res.writeHead(404); res.end(); return; }
          res.writeHead(200, { 'content-type': file.endsWith('.yaml') ? 'text/yaml' : 'application/gzip' });
          res.end(body);
        });
      });
      s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
    const child = spawn(process.execPath, ['-e', server, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
      child.once('exit', (code) => reject(new Error(`chart repository exited (${code})`)));
    });
    const url = `http://127.0.0.1:${port}`;
    build(dir, url);
    return new ChartRepository(dir, url, child);
  }

  stop(): void {
    if (this.child.pid && this.child.exitCode === null) this.child.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
