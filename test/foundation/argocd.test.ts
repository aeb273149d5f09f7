import { HelmChartInstall } from '../../lib/k8s/gitops/helm-chart-install';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { deployCluster } from '../../lib/pulumi/bridge';
import { parseSpec } from '../../lib/spec/parse';
import { referenceCopy, synthEnv, type Manifest } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { recordPulumiResources, type Recorded } from '../support/pulumi-mocks';
import { parseErrorMessage } from '../support/errors';

const REPO = 'https://github.com/acme/platform.git';

/** The reference stack applied by Argo CD instead of Flux. */
function argoSpec(argocd: Record<string, unknown> = { repoURL: REPO }): any {
  const spec = referenceCopy();
  spec.gitops = { path: spec.gitops.path, engine: 'argocd', argocd };
  return spec;
}

const helmApps = (objects: Manifest[]) => objects.filter((o) => o.kind === 'Application' && o.spec.source.chart);

describe.each(['dev', 'prod'] as const)('%s with gitops.engine argocd', (env) => {
  const flux = synthEnv(env);
  const argo = synthEnv(env, argoSpec());

  test('no Flux object is left; the output has argocd/ instead of flux/', () => {
    expect(argo.objects.filter((o) => /fluxcd\.io\//.test(o.apiVersion))).toEqual([]);
    const folders = [...new Set([...argo.output.files.keys()].map((f) => f.split('/')[0]))].sort();
    expect(folders).toEqual(['apps', 'argocd', 'config', 'platform']);
    expect(argo.output.files.get('argocd/kustomization.yaml')).toContain('- applications.yaml');
    // Layer folders hold the same files; only the installs differ in kind.
    const layerFiles = (s: typeof flux) => [...s.output.files.keys()].filter((f) => !/^(flux|argocd)\//.test(f));
    expect(layerFiles(argo)).toEqual(layerFiles(flux));
  });

  test('every install is one Application with the chart, version, release and values of the Flux HelmRelease', () => {
    const releases = flux.find('HelmRelease');
    const repos = new Map(flux.find('HelmRepository').map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r.spec.url as string]));
    const apps = helmApps(argo.objects);
    expect(releases.length).toBeGreaterThan(5);
    expect(apps).toHaveLength(releases.length);
    for (const r of releases) {
      const app = argo.get('Application', HelmChartInstall.applicationName(r.metadata.namespace!, r.spec.releaseName), 'argocd');
      const c = r.spec.chart.spec;
      const url = repos.get(`${c.sourceRef.namespace}/${c.sourceRef.name}`)!;
      expect(app.spec.source).toEqual({
        repoURL: url.replace(/^oci:\/\//, ''),
        chart: c.chart,
        targetRevision: c.version,
        helm: { releaseName: r.spec.releaseName, valuesObject: r.spec.values },
      });
      expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: r.metadata.namespace });
      expect(app.spec.project).toBe('default');
      expect(app.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      });
      expect((app.metadata as { finalizers?: string[] }).finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      // Annotations other modules add to the install (required secrets) carry over.
      const { 'argocd.argoproj.io/sync-wave': _wave, 'hybrid-serverless.io/helm-timeout': timeout, ...rest } = app.metadata.annotations ?? {};
      expect(rest).toEqual(r.metadata.annotations ?? {});
      expect(timeout ?? '10m').toBe(r.spec.timeout);
    }
    // OCI charts (Strimzi) name the registry without oci://, as Argo CD's Helm sources expect.
    const strimzi = apps.find((a) => a.spec.source.chart === 'strimzi-kafka-operator')!;
    expect(strimzi.spec.source.repoURL).toBe('quay.io/strimzi-helm');
  });

  test('sync waves keep the Flux dependsOn order: a release syncs after everything it depends on', () => {
    const waveOf = (namespace: string, release: string) =>
      Number(argo.get('Application', HelmChartInstall.applicationName(namespace, release), 'argocd').metadata.annotations!['argocd.argoproj.io/sync-wave']);
    let dependencies = 0;
    for (const r of flux.find('HelmRelease')) {
      const own = waveOf(r.metadata.namespace!, r.spec.releaseName);
      expect(own).toBeGreaterThanOrEqual(1); // after the namespaces (wave 0) of the platform layer
      for (const d of r.spec.dependsOn ?? []) {
        const dep = flux.get('HelmRelease', d.name, d.namespace ?? r.metadata.namespace);
        expect(own).toBeGreaterThan(waveOf(dep.metadata.namespace!, dep.spec.releaseName));
        dependencies++;
      }
    }
    expect(dependencies).toBeGreaterThan(0);
  });

  test('one Application per layer, in waves platform < config < apps, automated with retries', () => {
    const layers = argo.byLayer.argocd;
    expect(layers.map((a) => [a.metadata.name, a.metadata.annotations!['argocd.argoproj.io/sync-wave']])).toEqual([
      [`acme-${env}-platform`, '0'],
      [`acme-${env}-config`, '1'],
      [`acme-${env}-apps`, '2'],
    ]);
    for (const [i, layer] of ['platform', 'config', 'apps'].entries()) {
      const a = layers[i];
      expect(a.metadata).toMatchObject({ namespace: 'argocd', labels: { 'hybrid-serverless.io/layer': layer, 'hybrid-serverless.io/environment': env } });
      expect(a.spec.source).toEqual({ repoURL: REPO, targetRevision: 'HEAD', path: `dist/${env}/${layer}` });
      expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(a.spec.syncPolicy.retry.limit).toBe(5);
      expect(a.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    }
    // Helm Applications live in the platform layer, not in argocd/.
    expect(helmApps(layers)).toEqual([]);
    expect(helmApps(argo.byLayer.platform).length).toBe(helmApps(argo.objects).length);
  });
});

describeWithUpstream('argocd output validates against the Argo CD CRD and catalog schema', () => {
  test.each(['dev', 'prod'] as const)('%s: every object', (env) => {
    const s = synthEnv(env, argoSpec());
    expect(s.find('Application').length).toBeGreaterThan(8);
    expect(validateAll(s.objects)).toEqual([]);
  });
});

describe('gitops.argocd settings', () => {
  test('namespace, project, targetRevision and path reach every Application', () => {
    const spec = argoSpec({ repoURL: 'git@github.com:acme/platform.git', namespace: 'gitops', project: 'platform', targetRevision: 'release-1' });
    spec.gitops.path = './clusters/out/';
    const s = synthEnv('dev', spec);
    const apps = s.find('Application');
    expect(new Set(apps.map((a) => a.metadata.namespace))).toEqual(new Set(['gitops']));
    expect(new Set(apps.map((a) => a.spec.project))).toEqual(new Set(['platform']));
    expect(s.get('Application', 'acme-dev-config').spec.source).toEqual({ repoURL: 'git@github.com:acme/platform.git', targetRevision: 'release-1', path: 'clusters/out/dev/config' });
    expect(validateAll(apps)).toEqual([]);
  });

  test('engine argocd without repoURL', () => {
    const spec = referenceCopy();
    spec.gitops = { engine: 'argocd' };
    expect(parseErrorMessage(spec)).toContain(
      'gitops.argocd.repoURL: is required when gitops.engine is "argocd": the Git repository Argo CD reads dist/ from, e.g. "https://github.com/acme/platform.git"',
    );
    expect(parseErrorMessage(argoSpec({ namespace: 'argocd' }))).toContain('gitops.argocd.repoURL: is required when gitops.engine is "argocd"');
    expect(parseErrorMessage(argoSpec({ repoURL: 'ftp://x/y' }))).toContain('gitops.argocd.repoURL: must be a Git repository URL such as "https://github.com/acme/platform.git"');
  });

  test('unknown engine, and settings of the other engine', () => {
    const spec = referenceCopy();
    spec.gitops.engine = 'jenkins';
    expect(parseErrorMessage(spec)).toContain('gitops.engine: must be one of "flux", "argocd" (got "jenkins")');
    const fluxWithArgo = referenceCopy();
    fluxWithArgo.gitops.argocd = { repoURL: REPO };
    expect(parseErrorMessage(fluxWithArgo)).toContain('gitops.argocd: is only used when gitops.engine is "argocd" (engine is "flux")');
    const argoWithSource = argoSpec();
    argoWithSource.gitops.sourceRef = { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' };
    expect(parseErrorMessage(argoWithSource)).toContain('gitops.sourceRef: is Flux-only and has no effect with gitops.engine "argocd"');
  });
});

describe('Pulumi bridge: both engines deploy the same Helm releases', () => {
  const registered = recordPulumiResources();

  async function deploy(spec: unknown): Promise<Recorded[]> {
    registered.length = 0;
    deployCluster(new HybridPlatform(parseSpec(spec), 'prod'));
    await new Promise((r) => setTimeout(r, 100));
    return [...registered];
  }

  test('identical helm.v3.Release inputs; no Application, Kustomization or Flux source is deployed', async () => {
    const fluxRun = await deploy(referenceCopy());
    const argoRun = await deploy(argoSpec());
    const releases = (run: Recorded[]) => new Map(run.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release').map((r) => [r.name, r.inputs]));
    const f = releases(fluxRun);
    const a = releases(argoRun);
    expect(f.size).toBeGreaterThan(5);
    expect([...a.keys()].sort()).toEqual([...f.keys()].sort());
    for (const [name, inputs] of f) expect({ name, ...a.get(name) }).toEqual({ name, ...inputs });
    expect(a.get('kafka/strimzi')).toMatchObject({ chart: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator' });
    expect(a.get('monitoring/kube-prometheus-stack')).toMatchObject({ timeout: 900 });
    expect(argoRun.filter((r) => /argoproj\.io|fluxcd\.io/.test(r.type)).map((r) => r.type)).toEqual([]);
    // Everything else is the same set of resources.
    const others = (run: Recorded[]) =>
      run
        .filter((r) => r.type !== 'kubernetes:helm.sh/v3:Release' && !/fluxcd\.io/.test(r.type))
        .map((r) => `${r.type} ${r.name}`)
        .sort();
    expect(others(argoRun)).toEqual(others(fluxRun));
  });
});
