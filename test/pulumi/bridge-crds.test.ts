/**
 * The bridge under mocks: each Helm release's chart CRDs are a `helm.v4.Chart` the release
 * depends on (Helm never upgrades `crds/`), and custom resources carry aliases for the other
 * versions of their group and kind (a new apiVersion is a new type token, hence a new URN).
 * The real engine runs both in test/pulumi-engine/crd-lifecycle.pulumi.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject } from 'cdk8s';
import { HelmChartInstall } from '../../lib/k8s/gitops/helm-chart-install';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { API_VERSION_NAMES, apiVersionAliases, CRDS_ONLY_FILTER, crdsOnlyPostRenderer, deployCluster } from '../../lib/pulumi/bridge';
import { parseSpec } from '../../lib/spec/parse';
import { referenceSpec } from '../../stacks/reference';
import { recordPulumiResources } from '../support/pulumi-mocks';

const ROOT = path.resolve(__dirname, '../..');
const registered = recordPulumiResources();

/** What the mock monitor receives beyond inputs: URN, parent, explicit dependencies, options. */
type Request = { type: string; name: string; urn?: string; parent: string; deps: string[]; retainOnDelete?: boolean; remote: boolean; aliases: string[] };
const requests: Request[] = [];
beforeAll(() => {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: any, cb: (err: unknown, resp: any) => void) => void };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const o = req.toObject();
    const r: Request = {
      type: o.type,
      name: o.name,
      parent: o.parent,
      deps: o.dependenciesList,
      retainOnDelete: o.retainondelete,
      remote: o.remote,
      aliases: (o.aliasesList ?? []).map((a: any) => a.spec?.type).filter(Boolean),
    };
    requests.push(r);
    register(req, (err, resp) => {
      if (!err && resp) r.urn = resp.getUrn();
      cb(err, resp);
    });
  };
});

function platform(): HybridPlatform {
  const p = new HybridPlatform(parseSpec(referenceSpec), 'dev');
  p.namespace({ name: 'demo-system' });
  new HelmChartInstall(p.chart('platform', 'demo'), 'operator', {
    chart: { repository: { name: 'demo', url: 'https://charts.example.org' }, chart: 'demo-operator', version: '1.2.3' },
    releaseName: 'demo-operator',
    namespace: 'demo-system',
    values: { replicaCount: 2 },
  });
  new HelmChartInstall(p.chart('platform', 'demo'), 'addon', {
    chart: { repository: { name: 'demo-oci', url: 'oci://registry.example.org/charts' }, chart: 'addon', version: '0.4.0' },
    releaseName: 'demo-addon',
    namespace: 'demo-system',
    values: {},
  });
  new ApiObject(p.chart('config', 'demo'), 'cr', { apiVersion: 'demo.example.org/v1beta2', kind: 'Widget', metadata: { name: 'w', namespace: 'demo-system' } });
  return p;
}

async function deploy(): Promise<void> {
  registered.length = 0;
  requests.length = 0;
  deployCluster(platform());
  await new Promise((r) => setTimeout(r, 100));
}

describe('a Helm release installs its chart CRDs as Pulumi resources', () => {
  test('each release has a helm.v4.Chart `<release>-crds`: same chart, version, repository, values, name, namespace; CRDs included; the release skips them', async () => {
    await deploy();
    const releases = registered.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release');
    const charts = registered.filter((r) => r.type === 'kubernetes:helm.sh/v4:Chart');
    expect(releases.length).toBeGreaterThan(5);
    expect(charts.map((c) => c.name).sort()).toEqual(releases.map((r) => `${r.name}-crds`).sort());
    for (const release of releases) {
      const chart = charts.find((c) => c.name === `${release.name}-crds`)!.inputs;
      const { name, namespace, chart: ref, version, repositoryOpts, values } = release.inputs;
      expect({ release: release.name, ...chart }).toEqual({
        release: release.name,
        name,
        namespace,
        chart: ref,
        version,
        ...(repositoryOpts && { repositoryOpts }),
        values,
        skipCrds: false,
        postRenderer: crdsOnlyPostRenderer(),
      });
      expect(release.inputs.skipCrds).toBe(true);
    }
    const addon = charts.find((c) => c.name === 'demo-system/demo-addon-crds')!.inputs;
    expect(addon).toMatchObject({ chart: 'oci://registry.example.org/charts/addon', version: '0.4.0' });
    expect(addon.repositoryOpts).toBeUndefined();
    expect(charts.find((c) => c.name === 'demo-system/demo-operator-crds')!.inputs).toMatchObject({
      name: 'demo-operator',
      namespace: 'demo-system',
      chart: 'demo-operator',
      version: '1.2.3',
      repositoryOpts: { repo: 'https://charts.example.org' },
      values: { replicaCount: 2 },
    });
  });

  test('the release depends on its CRD chart; the chart is a remote component in the same layer, retained on delete', async () => {
    await deploy();
    const byName = (type: string, name: string) => requests.find((r) => r.type === type && r.name === name)!;
    for (const release of requests.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release')) {
      const chart = byName('kubernetes:helm.sh/v4:Chart', `${release.name}-crds`);
      expect(release.deps).toContain(chart.urn);
      expect(chart.parent).toBe(release.parent);
      expect(chart).toMatchObject({ remote: true, retainOnDelete: true });
      expect(release.retainOnDelete).toBeFalsy();
    }
  });

  test('the post-renderer is `node` with the shipped filter, given relative to the working directory (the same on every machine)', () => {
    expect(fs.existsSync(CRDS_ONLY_FILTER)).toBe(true);
    expect(path.relative(ROOT, CRDS_ONLY_FILTER)).toBe('scripts/helm-crds-only.js');
    expect(crdsOnlyPostRenderer(ROOT)).toEqual({ command: 'node', args: ['scripts/helm-crds-only.js'] });
    expect(crdsOnlyPostRenderer('/srv/stack')).toEqual({ command: 'node', args: [path.relative('/srv/stack', CRDS_ONLY_FILTER)] });
    // shipped: package.json "files" lists it (the relative path from build/pulumi is the same as from lib/pulumi)
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('scripts/helm-crds-only.js');
    expect(path.resolve(ROOT, 'build/pulumi', '../../scripts/helm-crds-only.js')).toBe(CRDS_ONLY_FILTER);
  });
});

/** What Helm hands a post-renderer with CRDs included: `crds/` files first, then the templates. */
const RENDERED = `---
# Source: demo/crds/widgets.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.example.org
  annotations: {controller-gen.kubebuilder.io/version: v0.16.0}
spec:
  group: demo.example.org
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            mode: {type: string, enum: ["on", "off"]}
            since: {type: string, default: 1970-01-01T00:00:00Z}
            legacy: {type: boolean, default: yes}
            empty: {type: object, properties: {}, required: [], x-kubernetes-preserve-unknown-fields: true, nullable: false}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.demo.example.org}
spec: {group: demo.example.org}
---
# Source: demo/charts/sub/crds/things.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.sub.example.org
---
# Source: demo/templates/crds/templated.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: templated.demo.example.org
---
# Source: demo/charts/sub/templates/crd.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: subtemplated.sub.example.org
---
# Source: demo/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo}
`;

describe('scripts/helm-crds-only.js (the post-renderer)', () => {
  const run = (stdin: string) => spawnSync('node', [CRDS_ONLY_FILTER], { input: stdin, encoding: 'utf8' });

  test("keeps the CRDs of the chart's and subcharts' crds/ folders, every document of a multi-document file, each patchForce'd; drops templates (templated CRDs included)", () => {
    const r = run(RENDERED);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const docs = r.stdout
      .split(/^---$/m)
      .filter((d) => d.trim())
      .map((d) => JSON.parse(d));
    expect(docs.map((d) => d.metadata.name)).toEqual(['widgets.demo.example.org', 'gadgets.demo.example.org', 'things.sub.example.org']);
    for (const d of docs) expect(d.metadata.annotations['pulumi.com/patchForce']).toBe('true');
    expect(docs[0].metadata.annotations['controller-gen.kubebuilder.io/version']).toBe('v0.16.0');
    // quoted strings stay strings (output is JSON: no YAML 1.1/1.2 ambiguity for the provider)
    const props = docs[0].spec.versions[0].schema.openAPIV3Schema.properties;
    expect(props.mode.enum).toEqual(['on', 'off']);
    // read as Helm reads YAML (go-yaml v2): 1.1 booleans, timestamps kept as strings
    expect(props.since.default).toBe('1970-01-01T00:00:00Z');
    expect(props.legacy.default).toBe(true);
    // zero values the API server drops (omitempty) are dropped, else every preview would show a diff
    expect(props.empty).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  test('a chart without CRDs renders nothing; bad YAML is an error Helm reports', () => {
    expect(run('---\n# Source: demo/templates/a.yaml\nkind: ConfigMap\n')).toMatchObject({ status: 0, stdout: '' });
    const bad = run('---\n# Source: demo/crds/a.yaml\nkind: [\n');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('helm-crds-only:');
  });
});

describe('custom resources are aliased across the versions of their group and kind', () => {
  test('aliases name every other version; built-in (group-less) kinds get none', () => {
    const aliases = apiVersionAliases('kafka.strimzi.io/v1beta2', 'KafkaTopic').map((a) => (a as { type: string }).type);
    expect(aliases).toContain('kubernetes:kafka.strimzi.io/v1:KafkaTopic');
    expect(aliases).toContain('kubernetes:kafka.strimzi.io/v1beta1:KafkaTopic');
    expect(aliases).not.toContain('kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic');
    expect(aliases).toHaveLength(API_VERSION_NAMES.length - 1);
    expect(apiVersionAliases('v1', 'ConfigMap')).toEqual([]);
  });

  test('every version the pinned upstream CRDs serve is in the list', () => {
    const upstream = path.join(ROOT, '../shared/upstream/crds');
    if (!fs.existsSync(upstream)) return;
    const served = new Set<string>();
    for (const dir of fs.readdirSync(upstream))
      for (const f of fs.readdirSync(path.join(upstream, dir))) {
        for (const m of fs.readFileSync(path.join(upstream, dir, f), 'utf8').matchAll(/^\s*- name: (v\d+(?:(?:alpha|beta)\d+)?)\s*$/gm)) served.add(m[1]);
      }
    expect(served.size).toBeGreaterThan(2);
    expect([...served].filter((v) => !API_VERSION_NAMES.includes(v))).toEqual([]);
  });

  test('the bridge registers custom resources with those aliases', async () => {
    await deploy();
    const widget = requests.find((r) => r.type === 'kubernetes:demo.example.org/v1beta2:Widget')!;
    expect(widget.aliases).toContain('kubernetes:demo.example.org/v1:Widget');
    expect(widget.aliases).toContain('kubernetes:demo.example.org/v1beta1:Widget');
    expect(widget.aliases).not.toContain('kubernetes:demo.example.org/v1beta2:Widget');
    // built-in kinds keep their classes' own aliases only
    const ns = requests.find((r) => r.type === 'kubernetes:core/v1:Namespace')!;
    expect(ns.aliases.filter((a) => a.includes('demo.example.org'))).toEqual([]);
  });
});
