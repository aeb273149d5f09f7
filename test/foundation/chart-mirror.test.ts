import { App, Chart } from 'cdk8s';
import { CHART_MIRROR_CONTEXT } from '../../lib/k8s/gitops/chart-mirror';
import { HelmChartInstall } from '../../lib/k8s/gitops/helm-chart-install';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { chartInstallArgs, chartInstallsOf, deployCluster } from '../../lib/pulumi/bridge';
import { LAYERS } from '../../lib/platform/layers';
import { SpecError } from '../../lib/core/errors';
import { parseSpec } from '../../lib/spec/parse';
import { resolveEnvironment } from '../../lib/spec/resolve';
import { specErrorOf } from '../support/errors';
import { recordPulumiResources, type Recorded } from '../support/pulumi-mocks';
import { referenceCopy, synthEnv, type Manifest, type SynthesizedEnv } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';

const HTTP_MIRROR = 'http://charts.mirror.internal:8080/helm';
const OCI_MIRROR = 'oci://registry.mirror.internal/helm-charts';
const REPO = 'https://github.com/acme/platform.git';

/** The reference stack with a top-level mirror and/or a mirror per environment. */
function mirrored(top?: string, perEnv: Record<string, string> = {}, engine: 'flux' | 'argocd' = 'flux'): any {
  const spec = referenceCopy();
  if (top) spec.charts = { mirror: { url: top } };
  for (const [env, url] of Object.entries(perEnv)) spec.environments[env].charts = { mirror: { url } };
  if (engine === 'argocd') spec.gitops = { path: spec.gitops.path, engine: 'argocd', argocd: { repoURL: REPO } };
  return spec;
}

const repositories = (s: SynthesizedEnv) => s.find('HelmRepository');
const helmApps = (s: SynthesizedEnv) => s.objects.filter((o) => o.kind === 'Application' && o.spec.source.chart);
const byName = (objects: Manifest[]) => new Map(objects.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));

describe('spec: charts.mirror, top level and per environment', () => {
  test('an environment uses its own mirror, else the top-level one, else none', () => {
    const spec = parseSpec(mirrored(HTTP_MIRROR, { prod: OCI_MIRROR }));
    expect(resolveEnvironment(spec, 'dev').chartMirror).toEqual({ url: HTTP_MIRROR });
    expect(resolveEnvironment(spec, 'prod').chartMirror).toEqual({ url: OCI_MIRROR });
    const onlyProd = parseSpec(mirrored(undefined, { prod: OCI_MIRROR }));
    expect(resolveEnvironment(onlyProd, 'dev').chartMirror).toBeUndefined();
    expect(resolveEnvironment(onlyProd, 'prod').chartMirror).toEqual({ url: OCI_MIRROR });
  });

  test.each([
    'https://charts.example.org',
    'https://charts.example.org/artifactory/api/helm/helm-virtual/',
    'http://127.0.0.1:8879',
    'http://localhost:8879/charts',
    'http://[::1]:8879',
    'oci://registry.internal:5000',
    'oci://harbor.example.org/proxy/charts',
  ])('accepts %s', (url) => {
    expect(() => parseSpec(mirrored(url))).not.toThrow();
  });

  test.each([
    ['ftp://charts.example.org'],
    ['charts.example.org'],
    ['https://user:secret@charts.example.org'],
    ['https://charts.example.org/?token=x'],
    ['https://charts.example.org/#frag'],
    ['oci://registry.example.org/charts/'],
    ['https://'],
    ['https://charts example.org'],
  ])('refuses %s at charts.mirror.url and per environment, with one SpecError saying what is valid', (url) => {
    const top = specErrorOf(() => parseSpec(mirrored(url)));
    expect(top.issues).toEqual([{ path: 'charts.mirror.url', value: url, message: expect.stringContaining('must be a chart mirror URL') }]);
    expect(top.message).toContain(`charts.mirror.url: must be a chart mirror URL: "https://host/path" or "http://host/path" (a Helm repository serving index.yaml) or "oci://host/path"`);
    expect(top.message).toContain(`(got ${JSON.stringify(url)})`);
    const env = specErrorOf(() => parseSpec(mirrored(HTTP_MIRROR, { staging: url })));
    expect(env.issues.map((i) => i.path)).toEqual(['environments.staging.charts.mirror.url']);
    expect(env.message).toContain('without credentials, query or fragment');
  });

  test('a missing url or an unknown field is named', () => {
    const noUrl = mirrored();
    noUrl.charts = { mirror: {} };
    expect(specErrorOf(() => parseSpec(noUrl)).message).toContain('charts.mirror.url: is required: a chart mirror URL: "https://host/path"');
    const extra = mirrored();
    extra.environments.dev.charts = { mirror: { url: HTTP_MIRROR, insecure: true } };
    expect(specErrorOf(() => parseSpec(extra)).message).toContain('environments.dev.charts.mirror.insecure: unknown field; valid fields here: url');
  });
});

describe.each(['dev', 'prod'] as const)('%s: Flux output with a mirror', (env) => {
  const upstream = synthEnv(env);
  const http = synthEnv(env, mirrored(HTTP_MIRROR));
  const oci = synthEnv(env, mirrored(OCI_MIRROR));

  test('without a mirror, HelmRepositories are the upstream ones', () => {
    const urls = repositories(upstream).map((r) => r.spec.url);
    expect(urls).toEqual(expect.arrayContaining(['oci://quay.io/strimzi-helm', 'https://charts.konghq.com']));
    expect(urls.filter((u) => u.includes('mirror'))).toEqual([]);
  });

  test.each([
    ['HTTP', () => http, HTTP_MIRROR, undefined],
    ['OCI', () => oci, OCI_MIRROR, 'oci'],
  ])('%s mirror: every HelmRepository points at it under its upstream name; HelmReleases are unchanged', (_kind, mirror, url, type) => {
    const m = mirror();
    const before = byName(repositories(upstream));
    const after = byName(repositories(m));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, repo] of after) {
      expect(repo.spec.url).toBe(url);
      expect(repo.spec.type).toBe(type);
      // Nothing but the URL and type changes.
      const { url: _u, type: _t, ...rest } = repo.spec;
      const { url: _bu, type: _bt, ...beforeRest } = before.get(key)!.spec;
      expect(rest).toEqual(beforeRest);
      expect(repo.metadata).toEqual(before.get(key)!.metadata);
    }
    // Same chart names, versions, sourceRefs and values: the HelmReleases are identical.
    expect(m.find('HelmRelease')).toEqual(upstream.find('HelmRelease'));
    expect(m.find('HelmRelease').length).toBeGreaterThan(5);
    // Everything else is identical too.
    const others = (s: SynthesizedEnv) => s.objects.filter((o) => o.kind !== 'HelmRepository');
    expect(others(m)).toEqual(others(upstream));
  });

  test('a mirror on one environment leaves the others upstream', () => {
    const other = env === 'dev' ? 'prod' : 'dev';
    const s = synthEnv(env, mirrored(undefined, { [other]: OCI_MIRROR }));
    expect(repositories(s)).toEqual(repositories(upstream));
    const own = synthEnv(env, mirrored(HTTP_MIRROR, { [env]: OCI_MIRROR }));
    expect(new Set(repositories(own).map((r) => r.spec.url))).toEqual(new Set([OCI_MIRROR]));
  });
});

describe.each(['dev', 'prod'] as const)('%s: Argo CD output with a mirror', (env) => {
  const upstream = synthEnv(env, mirrored(undefined, {}, 'argocd'));

  test.each([
    ['HTTP', HTTP_MIRROR, HTTP_MIRROR],
    ['OCI', OCI_MIRROR, 'registry.mirror.internal/helm-charts'],
  ])('%s mirror: every Helm Application has the mirror as repoURL, same chart and version', (_kind, url, repoURL) => {
    const m = synthEnv(env, mirrored(url, {}, 'argocd'));
    const before = byName(helmApps(upstream));
    const apps = helmApps(m);
    expect(apps.length).toBe(before.size);
    expect(apps.length).toBeGreaterThan(5);
    for (const app of apps) {
      const b = before.get(`${app.metadata.namespace}/${app.metadata.name}`)!;
      expect(app.spec.source).toEqual({ ...b.spec.source, repoURL });
      expect({ ...app, spec: { ...app.spec, source: undefined } }).toEqual({ ...b, spec: { ...b.spec, source: undefined } });
    }
    // No Flux source slips in, and the rest of the output is the same.
    expect(m.find('HelmRepository')).toEqual([]);
    const others = (s: SynthesizedEnv) => s.objects.filter((o) => !(o.kind === 'Application' && o.spec.source?.chart));
    expect(others(m)).toEqual(others(upstream));
  });

  test('upstream repositories where no mirror is set', () => {
    const urls = helmApps(synthEnv(env, mirrored(undefined, { edge: OCI_MIRROR }, 'argocd'))).map((a) => a.spec.source.repoURL);
    expect(urls).toContain('quay.io/strimzi-helm');
    expect(urls.filter((u) => u.includes('mirror'))).toEqual([]);
  });
});

describeWithUpstream('mirrored objects validate against the Flux and Argo CD CRDs', () => {
  test.each([
    ['flux', HTTP_MIRROR],
    ['flux', OCI_MIRROR],
    ['argocd', HTTP_MIRROR],
    ['argocd', OCI_MIRROR],
  ] as const)('%s, %s', (engine, url) => {
    const s = synthEnv('prod', mirrored(url, {}, engine));
    const installs = s.objects.filter((o) => ['HelmRepository', 'HelmRelease'].includes(o.kind) || (o.kind === 'Application' && o.spec.source?.chart));
    expect(installs.length).toBeGreaterThan(5);
    expect(validateAll(installs)).toEqual([]);
  });
});

describe('Pulumi: helm.v3.Releases fetch from the mirror', () => {
  const registered = recordPulumiResources();

  async function releases(spec: unknown, env: 'dev' | 'prod' = 'prod'): Promise<Map<string, any>> {
    registered.length = 0;
    deployCluster(new HybridPlatform(parseSpec(spec), env));
    await new Promise((r) => setTimeout(r, 100));
    return new Map((registered as Recorded[]).filter((r) => r.type === 'kubernetes:helm.sh/v3:Release').map((r) => [r.name, r.inputs]));
  }

  /** The Release arguments deployCluster gives each chart install (chartInstallArgs), by registered name. */
  function releaseArgs(spec: unknown, env: 'dev' | 'prod' = 'prod'): Map<string, any> {
    const platform = new HybridPlatform(parseSpec(spec), env);
    const installs = chartInstallsOf(LAYERS.flatMap((l) => platform.chartsOf(l)));
    return new Map(installs.map((i) => [`${i.namespace}/${i.releaseName}`, JSON.parse(JSON.stringify(chartInstallArgs(i)))]));
  }

  test.each(['flux', 'argocd'] as const)('%s: the Releases deployCluster registers carry those arguments, the mirror included', async (engine) => {
    const spec = mirrored(undefined, { prod: OCI_MIRROR }, engine);
    const registeredReleases = await releases(spec);
    const expected = releaseArgs(spec);
    expect([...registeredReleases.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, args] of expected) expect(registeredReleases.get(name)).toMatchObject(args);
    expect(registeredReleases.get('kong/kong')).toMatchObject({ chart: `${OCI_MIRROR}/kong` });
  });

  test.each(['flux', 'argocd'] as const)('%s: OCI and HTTP mirrors; chart names and versions as upstream', (engine) => {
    const upstream = releaseArgs(mirrored(undefined, {}, engine));
    const oci = releaseArgs(mirrored(undefined, { prod: OCI_MIRROR }, engine));
    const http = releaseArgs(mirrored(HTTP_MIRROR, {}, engine));
    expect(upstream.size).toBeGreaterThan(5);
    expect([...oci.keys()].sort()).toEqual([...upstream.keys()].sort());
    expect([...http.keys()].sort()).toEqual([...upstream.keys()].sort());
    for (const [name, up] of upstream) {
      const chart = String(up.chart).replace(/^oci:\/\/.*\//, '');
      const { chart: _c, repositoryOpts: _r, ...rest } = up;
      expect(oci.get(name)).toEqual({ ...rest, chart: `${OCI_MIRROR}/${chart}` });
      expect(http.get(name)).toEqual({ ...rest, chart, repositoryOpts: { repo: HTTP_MIRROR } });
    }
    expect(upstream.get('kafka/strimzi')).toMatchObject({ chart: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator' });
    expect(http.get('kafka/strimzi')).toMatchObject({ chart: 'strimzi-kafka-operator', repositoryOpts: { repo: HTTP_MIRROR } });
    expect(oci.get('kong/kong')).toMatchObject({ chart: `${OCI_MIRROR}/kong`, version: upstream.get('kong/kong').version });
    // The environment without a mirror of its own stays upstream.
    expect(releaseArgs(mirrored(undefined, { prod: OCI_MIRROR }, engine), 'dev')).toEqual(releaseArgs(mirrored(undefined, {}, engine), 'dev'));
  });
});

describe('HelmChartInstall: mirror prop and App context', () => {
  const chartRef = { repository: { name: 'example', url: 'https://charts.example.org' }, chart: 'thing', version: '1.2.3' };

  test('the prop wins over the App context; plain http only through a mirror', () => {
    const app = new App();
    app.node.setContext(CHART_MIRROR_CONTEXT, { url: 'oci://ctx.example.org/charts' });
    const chart = new Chart(app, 'c');
    const fromContext = new HelmChartInstall(chart, 'a', { chart: chartRef, releaseName: 'a', namespace: 'x', values: {} });
    const fromProp = new HelmChartInstall(chart, 'b', { chart: chartRef, releaseName: 'b', namespace: 'y', values: {}, mirror: { url: 'http://127.0.0.1:8879' } });
    expect(fromContext.repositoryUrl).toBe('oci://ctx.example.org/charts');
    expect(fromProp.repositoryUrl).toBe('http://127.0.0.1:8879');
    expect(fromProp.chart).toBe(chartRef); // the chart as pinned
    const repos = chart.toJson().filter((o: any) => o.kind === 'HelmRepository');
    expect(repos.map((r: any) => [r.metadata.namespace, r.metadata.name, r.spec.url, r.spec.type])).toEqual([
      ['x', 'example', 'oci://ctx.example.org/charts', 'oci'],
      ['y', 'example', 'http://127.0.0.1:8879', undefined],
    ]);
    expect(
      () => new HelmChartInstall(new Chart(new App(), 'd'), 'c', { chart: { ...chartRef, repository: { name: 'r', url: 'http://127.0.0.1:8879' } }, releaseName: 'c', namespace: 'x', values: {} }),
    ).toThrow('HelmChartInstall(c).chart.repository.url: must start with https:// or oci:// (plain http:// only for a mirror: see `mirror`)');
  });

  test('a bad mirror URL is one SpecError and leaves nothing in the tree', () => {
    const chart = new Chart(new App(), 'c');
    const make = () => new HelmChartInstall(chart, 'x', { chart: chartRef, releaseName: 'x', namespace: 'sys', values: {}, mirror: { url: 'ftp://mirror' } });
    expect(make).toThrow(SpecError);
    expect(make).toThrow('HelmChartInstall(x).mirror.url: must be a chart mirror URL');
    expect(chart.node.children).toHaveLength(0);
  });
});
