import { App, Chart, JsonPatch } from 'cdk8s';
import { SystemNamespace } from '../../lib/k8s/common/namespace';
import { HelmChartInstall } from '../../lib/k8s/gitops/helm-chart-install';
import { ArgoCdLayers } from '../../lib/k8s/gitops/argocd-layers';
import { GITOPS_CONTEXT } from '../../lib/k8s/gitops/engine';
import { FluxLayers } from '../../lib/k8s/gitops/flux-layers';
import { SpecError } from '../../lib/core/errors';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';

const chartRef = { repository: { name: 'example', url: 'https://charts.example.org' }, chart: 'thing', version: '1.2.3' };

describe('HelmChartInstall', () => {
  test('renders a HelmRepository and a pinned HelmRelease with typed values and dependsOn', () => {
    const chart = new Chart(new App(), 'c');
    const base = new HelmChartInstall(chart, 'base', { chart: chartRef, releaseName: 'base', namespace: 'sys', values: { a: 1 } });
    new HelmChartInstall<{ nested: { b: string } }>(chart, 'top', { chart: { ...chartRef, chart: 'other' }, releaseName: 'top', namespace: 'sys', values: { nested: { b: 'x' } }, dependsOn: [base] });
    const objs = chart.toJson();
    expect(objs.filter((o: any) => o.kind === 'HelmRepository')).toHaveLength(1); // shared per namespace
    const top = objs.find((o: any) => o.kind === 'HelmRelease' && o.metadata.name === 'top');
    expect(top.spec).toMatchObject({
      releaseName: 'top',
      chart: { spec: { chart: 'other', version: '1.2.3', sourceRef: { kind: 'HelmRepository', name: 'example', namespace: 'sys' } } },
      install: { crds: 'CreateReplace', remediation: { retries: 3 } },
      upgrade: { crds: 'CreateReplace' },
      dependsOn: [{ name: 'base', namespace: 'sys' }],
      values: { nested: { b: 'x' } },
    });
  });

  test('an OCI repository gets type oci', () => {
    const chart = new Chart(new App(), 'c');
    new HelmChartInstall(chart, 'x', { chart: { ...chartRef, repository: { name: 'oci', url: 'oci://quay.io/acme' } }, releaseName: 'x', namespace: 'sys', values: {} });
    expect(chart.toJson().find((o: any) => o.kind === 'HelmRepository').spec).toMatchObject({ type: 'oci', url: 'oci://quay.io/acme' });
  });

  test.each([
    ['^1.2.0', 'HelmChartInstall(x).chart.version: must be an exact chart version such as "1.2.0" (ranges make installs unreproducible) (got "^1.2.0")'],
    ['latest', 'HelmChartInstall(x).chart.version: must be an exact chart version'],
  ])('rejects version %s', (version, message) => {
    const chart = new Chart(new App(), 'c');
    const make = () => new HelmChartInstall(chart, 'x', { chart: { ...chartRef, version }, releaseName: 'x', namespace: 'sys', values: {} });
    expect(make).toThrow(SpecError);
    expect(make).toThrow(message);
  });

  test('rejects a plain-http repository and a repository name reused for another URL', () => {
    const chart = new Chart(new App(), 'c');
    expect(() => new HelmChartInstall(chart, 'x', { chart: { ...chartRef, repository: { name: 'r', url: 'http://insecure' } }, releaseName: 'x', namespace: 'sys', values: {} })).toThrow(
      'HelmChartInstall(x).chart.repository.url: must start with https:// or oci://',
    );
    new HelmChartInstall(chart, 'a', { chart: chartRef, releaseName: 'a', namespace: 'sys', values: {} });
    expect(() => new HelmChartInstall(chart, 'b', { chart: { ...chartRef, repository: { name: 'example', url: 'https://elsewhere.org' } }, releaseName: 'b', namespace: 'sys', values: {} })).toThrow(
      'repository name "example" is already used for https://charts.example.org',
    );
  });
});

describe('SystemNamespace', () => {
  test('enforces restricted Pod Security by default', () => {
    const chart = new Chart(new App(), 'c');
    new SystemNamespace(chart, 'ns', { name: 'team-a' });
    expect(chart.toJson()[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('a weaker level needs a reason', () => {
    const chart = new Chart(new App(), 'c');
    expect(() => new SystemNamespace(chart, 'ns', { name: 'x', podSecurity: 'privileged' })).toThrow('SystemNamespace(x).podSecurityReason: is required when podSecurity is "privileged"');
    new SystemNamespace(chart, 'ok', { name: 'y', podSecurity: 'baseline', podSecurityReason: 'the ingress gateway binds port 80' });
    expect(chart.toJson()[0].metadata.annotations).toEqual({ 'hybrid-serverless.io/pod-security-reason': 'the ingress gateway binds port 80' });
  });
});

describeWithUpstream('gitops objects validate against the Flux CRDs', () => {
  test('HelmRepository, HelmRelease and Kustomization', () => {
    const chart = new Chart(new App(), 'c');
    const base = new HelmChartInstall(chart, 'base', { chart: chartRef, releaseName: 'base', namespace: 'sys', values: { a: 1 } });
    new HelmChartInstall(chart, 'top', { chart: { ...chartRef, repository: { name: 'o', url: 'oci://q.io/x' } }, releaseName: 'top', namespace: 'sys', values: {}, dependsOn: [base] });
    new FluxLayers(chart, 'layers', { namePrefix: 'p-dev', layers: ['platform', 'config'], basePath: './dist/dev', sourceRef: { kind: 'OCIRepository', name: 'src', namespace: 'flux-system' } });
    new SystemNamespace(chart, 'ns', { name: 'sys' });
    expect(validateAll(chart.toJson())).toEqual([]);
  });

  test('the validator catches an unknown field (it can fail)', () => {
    const chart = new Chart(new App(), 'c');
    const i = new HelmChartInstall(chart, 'base', { chart: chartRef, releaseName: 'base', namespace: 'sys', values: {} });
    i.release.addJsonPatch(JsonPatch.replace('/spec/interval', 42));
    const objs = chart.toJson();
    objs[1].spec.bogus = true; // the imported L1 class drops unknown fields itself; a hand edit does not
    const problems = validateAll(objs).join('\n');
    expect(problems).toContain('/spec/interval must be string');
    expect(problems).toContain('must NOT have additional properties: bogus');
  });
});

describe('HelmChartInstall with Argo CD', () => {
  const argocd = { engine: 'argocd' as const, argocd: { namespace: 'argocd', project: 'platform' } };

  test('one Application per install: Helm source, exact version, waves after dependencies, no Flux objects', () => {
    const chart = new Chart(new App(), 'c');
    const base = new HelmChartInstall(chart, 'base', { chart: chartRef, releaseName: 'base', namespace: 'sys', values: { a: 1 }, gitops: argocd });
    const top = new HelmChartInstall(chart, 'top', {
      chart: { ...chartRef, repository: { name: 'o', url: 'oci://q.io/x/' } },
      releaseName: 'top',
      namespace: 'sys',
      values: { b: 2 },
      dependsOn: [base],
      timeout: '5m',
      gitops: argocd,
    });
    const objs = chart.toJson();
    expect(objs.map((o: any) => o.kind)).toEqual(['Application', 'Application']);
    expect(top.repository).toBeUndefined();
    expect(top.release).toBe(top.application);
    expect([base.syncWave, top.syncWave]).toEqual([1, 2]);
    const app = objs.find((o: any) => o.metadata.name === 'sys-top');
    expect(app.metadata).toMatchObject({ namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '2', 'hybrid-serverless.io/helm-timeout': '5m' } });
    // OCI registries: host/path without oci:// (Argo CD's Helm-type source).
    expect(app.spec.source).toEqual({ repoURL: 'q.io/x', chart: 'thing', targetRevision: '1.2.3', helm: { releaseName: 'top', valuesObject: { b: 2 } } });
    expect(app.spec).toMatchObject({ project: 'platform', destination: { namespace: 'sys' } });
  });

  test('the engine comes from the App context; Application names carry the namespace unless the release is named after it', () => {
    const app = new App();
    app.node.setContext(GITOPS_CONTEXT, argocd);
    const chart = new Chart(app, 'c');
    new HelmChartInstall(chart, 'a', { chart: chartRef, releaseName: 'sys', namespace: 'sys', values: {} });
    new HelmChartInstall(chart, 'b', { chart: chartRef, releaseName: 'operator', namespace: 'sys', values: {} });
    expect(chart.toJson().map((o: any) => `${o.kind} ${o.metadata.name}`)).toEqual(['Application sys', 'Application sys-operator']);
  });
});

describeWithUpstream('Argo CD objects validate against the Argo CD CRD', () => {
  test('install and layer Applications; the validator catches a wrong field', () => {
    const chart = new Chart(new App(), 'c');
    new HelmChartInstall(chart, 'x', {
      chart: chartRef,
      releaseName: 'x',
      namespace: 'sys',
      values: { a: { b: [1] } },
      gitops: { engine: 'argocd', argocd: { namespace: 'argocd', project: 'default' } },
    });
    new ArgoCdLayers(chart, 'layers', { namePrefix: 'p-dev', layers: ['platform', 'config'], basePath: './dist/dev', repoURL: 'https://github.com/acme/p.git' });
    const objs = chart.toJson();
    expect(validateAll(objs)).toEqual([]);
    objs[0].spec.syncPolicy.retry.limit = 'five';
    expect(validateAll(objs).join('\n')).toContain('/spec/syncPolicy/retry/limit must be');
  });
});
