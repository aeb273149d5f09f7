import { ApiObject, JsonPatch } from 'cdk8s';
import { HelmChartInstall } from '../../lib/k8s/gitops/helm-chart-install';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { HelmChartInstall as Install, parseRequiredSecrets, REQUIRES_SECRETS } from '../../lib/k8s/gitops/helm-chart-install';
import { chartInstallArgs, chartInstallsOf, deployCluster } from '../../lib/pulumi/bridge';
import { parseSpec } from '../../lib/spec/parse';
import type { PlatformSpecInput } from '../../lib/spec/platform';
import { referenceSpec } from '../../stacks/reference';
import { recordPulumiResources } from '../support/pulumi-mocks';

const registered = recordPulumiResources();

/** A platform with a chart install in `platform`, a CR in `config`, a ConfigMap in `apps`. */
function platformWithContent(spec: PlatformSpecInput = referenceSpec): HybridPlatform {
  const p = new HybridPlatform(parseSpec(spec), 'dev');
  p.namespace({ name: 'demo-system' });
  const operator = new HelmChartInstall(p.chart('platform', 'demo'), 'operator', {
    chart: { repository: { name: 'demo', url: 'https://charts.example.org' }, chart: 'demo-operator', version: '1.2.3' },
    releaseName: 'demo-operator',
    namespace: 'demo-system',
    values: { replicaCount: 2, image: { tag: 'v1' } },
  });
  new HelmChartInstall(p.chart('platform', 'demo'), 'addon', {
    chart: { repository: { name: 'demo-oci', url: 'oci://registry.example.org/charts' }, chart: 'addon', version: '0.4.0' },
    releaseName: 'demo-addon',
    namespace: 'demo-system',
    values: {},
    dependsOn: [operator],
    timeout: '5m',
  });
  new ApiObject(p.chart('config', 'demo'), 'cr', { apiVersion: 'demo.example.org/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'demo-system' } });
  new ApiObject(p.chart('apps', 'demo'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'demo-system' }, data: { a: 'b' } });
  return p;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
}

describe('cdk8s → Pulumi bridge', () => {
  test('HelmReleases become helm.v3.Releases with the same chart, repository, version, namespace and values', async () => {
    registered.length = 0;
    deployCluster(platformWithContent());
    await settle();
    const releases = registered.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release' && r.name.startsWith('demo-system/'));
    expect(releases.map((r) => r.name).sort()).toEqual(['demo-system/demo-addon', 'demo-system/demo-operator']);
    const op = releases.find((r) => r.name === 'demo-system/demo-operator')!.inputs;
    expect(op).toMatchObject({
      name: 'demo-operator',
      namespace: 'demo-system',
      chart: 'demo-operator',
      version: '1.2.3',
      repositoryOpts: { repo: 'https://charts.example.org' },
      values: { replicaCount: 2, image: { tag: 'v1' } },
      createNamespace: false,
    });
    const addon = releases.find((r) => r.name === 'demo-system/demo-addon')!.inputs;
    expect(addon).toMatchObject({ chart: 'oci://registry.example.org/charts/addon', version: '0.4.0', timeout: 300 });
    expect(addon.repositoryOpts).toBeUndefined();
  });

  test('Flux-only objects are dropped; everything else becomes a resource of its own kind', async () => {
    registered.length = 0;
    deployCluster(platformWithContent());
    await settle();
    const types = registered.map((r) => r.type);
    expect(types).not.toContain('kubernetes:source.toolkit.fluxcd.io/v1:HelmRepository');
    expect(types).not.toContain('kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization');
    expect(types).not.toContain('kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease');
    expect(types).toEqual(expect.arrayContaining(['kubernetes:core/v1:Namespace', 'kubernetes:demo.example.org/v1:Widget', 'kubernetes:core/v1:ConfigMap']));
    // built-in kinds get their typed class: the provider's own type tokens
    expect(types).toEqual(expect.arrayContaining(['kubernetes:rbac.authorization.k8s.io/v1:Role', 'kubernetes:networking.k8s.io/v1:NetworkPolicy']));
    expect(types.filter((t) => /^kubernetes:v1:/.test(t))).toEqual([]);
    const cm = registered.find((r) => r.type === 'kubernetes:core/v1:ConfigMap' && r.name === 'demo-system/c')!;
    expect(cm.inputs).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'demo-system' }, data: { a: 'b' } });
  });

  test('a HelmRelease not made by a HelmChartInstall is refused, naming it', () => {
    const p = platformWithContent();
    new ApiObject(p.chart('platform', 'demo'), 'stray', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'x', namespace: 'demo-system' },
      spec: { chart: { spec: { chart: 'x', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'demo' } } } },
    });
    expect(() => deployCluster(p)).toThrow('HelmRelease demo-system/x was not made by a HelmChartInstall: the Pulumi path installs charts from HelmChartInstall constructs only');
  });

  const argsOf = (p: HybridPlatform, release: string) => chartInstallArgs(chartInstallsOf(p.chartsOf('platform')).find((i) => i.releaseName === release)!);

  test.each([
    [
      'http://127.0.0.1:8879/charts',
      { chart: 'demo-operator', repositoryOpts: { repo: 'http://127.0.0.1:8879/charts' } },
      { chart: 'addon', repositoryOpts: { repo: 'http://127.0.0.1:8879/charts' } },
    ],
    ['oci://mirror.internal/charts', { chart: 'oci://mirror.internal/charts/demo-operator' }, { chart: 'oci://mirror.internal/charts/addon' }],
  ])('chartInstallArgs follows a chart mirror (%s): same chart names and versions', (url, operator, addon) => {
    const p = platformWithContent({ ...referenceSpec, charts: { mirror: { url } } });
    expect(argsOf(p, 'demo-operator')).toMatchObject({ ...operator, version: '1.2.3' });
    expect(argsOf(p, 'demo-addon')).toMatchObject({ ...addon, version: '0.4.0' });
    if (url.startsWith('oci://')) expect(argsOf(p, 'demo-addon').repositoryOpts).toBeUndefined();
  });

  test('Flux and Argo CD installs of one chart give the same release', () => {
    const flux = platformWithContent();
    const argo = platformWithContent({ ...referenceSpec, gitops: { engine: 'argocd', argocd: { repoURL: 'https://github.com/acme/platform.git' } } });
    for (const release of ['demo-operator', 'demo-addon']) expect(argsOf(argo, release)).toEqual(argsOf(flux, release));
    expect(argsOf(argo, 'demo-addon')).toMatchObject({ timeout: 300, chart: 'oci://registry.example.org/charts/addon' });
  });

  test('a JSON patch on the release object reaches the Pulumi release too (one set of values for both paths)', () => {
    const p = platformWithContent();
    const install = chartInstallsOf(p.chartsOf('platform')).find((i) => i.releaseName === 'demo-operator')!;
    install.release.addJsonPatch(JsonPatch.replace('/spec/values/image/tag', 'v2'));
    expect(chartInstallArgs(install).values).toEqual({ replicaCount: 2, image: { tag: 'v2' } });
  });
});

describe('Pulumi config checks', () => {
  test('aws:region must agree with the spec region of the environment', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { checkAwsRegion } = require('../../lib/pulumi/program') as typeof import('../../lib/pulumi/program');
    expect(() => checkAwsRegion(undefined, 'eu-west-1', 'prod')).not.toThrow();
    expect(() => checkAwsRegion('eu-west-1', 'eu-west-1', 'prod')).not.toThrow();
    expect(() => checkAwsRegion('us-east-1', 'eu-west-1', 'prod')).toThrow(`aws:region: disagrees with the spec's region for environment "prod" (eu-west-1)`);
  });
});

describe('Helm release housekeeping', () => {
  test('every release keeps a bounded history and waits for its Jobs', async () => {
    registered.length = 0;
    deployCluster(platformWithContent());
    await settle();
    const releases = registered.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release');
    expect(releases.length).toBeGreaterThan(2);
    for (const r of releases) expect(r.inputs).toMatchObject({ maxHistory: 10, waitForJobs: true });
  });
});

describe('Secrets a chart install needs', () => {
  test('the requires-secrets annotation is read as namespace/name and key; multi-key entries are left to exist already', () => {
    expect(parseRequiredSecrets('openfaas/openfaas-license (key license), openfaas/kafka-broker-ca (key ca.crt), openfaas/basic-auth (keys user, password)')).toEqual([
      { namespace: 'openfaas', name: 'openfaas-license', key: 'license' },
      { namespace: 'openfaas', name: 'kafka-broker-ca', key: 'ca.crt' },
    ]);
  });

  test('a chart install reads them from its release object', () => {
    const p = platformWithContent();
    const install = chartInstallsOf(p.chartsOf('platform')).find((i): i is Install<object> => i.releaseName === 'demo-addon')!;
    install.release.metadata.addAnnotation(REQUIRES_SECRETS, 'demo-system/token (key value)');
    expect(install.requiredSecrets).toEqual([{ namespace: 'demo-system', name: 'token', key: 'value' }]);
  });
});
