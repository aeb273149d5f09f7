/**
 * Tier 3, custom resource definitions and custom resources over time, on the real engine and
 * control plane, with a small program (the bridge's own helmInstall and customResource) and
 * small test charts served on 127.0.0.1:
 * - a chart version bump upgrades the chart's CRDs (Helm installs `crds/` once, never again);
 *   CRDs an earlier Helm release installed are adopted and upgraded too;
 * - a custom resource whose apiVersion changes is updated in place, not deleted and recreated.
 */
import type { KubeObject } from '../../lib/cluster/kubectl';
import { BUILT, ControlPlane } from '../cluster/support/control-plane';
import { ChartRepository } from './support/chart-repo';
import { demoCrd, writeDemoCharts, type DemoChartVersion } from './support/demo-chart';
import { ENGINE_BIN, ENGINE_BUILT, PulumiProject, type PulumiResult } from './support/engine';

/**
 * `test:charts`: JSON list of { chart, version, legacy }: a release of the chart in `default`,
 * as the bridge installs it (helmInstall: release + CRD chart), or with `legacy` as the bridge
 * did before CRD charts (a bare helm.v3.Release that lets Helm install `crds/`).
 * `test:widgetVersion`: a Widget `default/w` at that version of demo.example.org.
 */
const PROGRAM = `import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { customResource, helmInstall, RELEASE_HOUSEKEEPING } from './lib/pulumi/bridge';

const config = new pulumi.Config('test');
const charts: { chart: string; version: string; legacy?: boolean }[] = JSON.parse(config.get('charts') ?? '[]');
for (const { chart, version, legacy } of charts) {
  const args: k8s.helm.v3.ReleaseArgs = { name: chart, namespace: 'default', chart, version, repositoryOpts: { repo: config.require('repo') }, values: {}, createNamespace: false, atomic: true, ...RELEASE_HOUSEKEEPING, timeout: 300 };
  if (legacy) new k8s.helm.v3.Release('default/' + chart, args);
  else helmInstall('default/' + chart, args);
}
const widget = config.get('widgetVersion');
if (widget) customResource('default/w', { apiVersion: 'demo.example.org/' + widget, kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 3 } });
`;

const describeEngine = BUILT && ENGINE_BUILT ? describe : describe.skip;
if (!(BUILT && ENGINE_BUILT)) console.warn(`skipping CRD lifecycle tests: ${!ENGINE_BUILT ? `Pulumi engine not built (looked in ${ENGINE_BIN})` : 'control plane not built'}`);

describeEngine('CRDs and custom resources over time, on the real engine', () => {
  let cp: ControlPlane;
  let repo: ChartRepository;
  const projects: PulumiProject[] = [];
  const timings: string[] = [];
  // gadget-operator: installed the current way from the start; legacy-operator: first by the old bridge
  const served: DemoChartVersion[] = [
    { chart: 'gadget-operator', version: '1.0.0', crds: [demoCrd('Gadget')] },
    { chart: 'legacy-operator', version: '1.0.0', crds: [demoCrd('Doohickey')] },
  ];
  const serve = (v: DemoChartVersion) => {
    served.push(v);
    writeDemoCharts(repo.dir, repo.url, served);
  };

  const project = (stack: string) => {
    const p = PulumiProject.create(stack, { 'test:repo': repo.url }, cp.kubeconfig, PROGRAM);
    projects.push(p);
    return p;
  };
  const timed = (label: string, r: PulumiResult) => {
    timings.push(`${label} ${r.seconds.toFixed(1)}s`);
    expect({ code: r.code, tail: r.code === 0 ? '' : r.output.slice(-5000) }).toEqual({ code: 0, tail: '' });
    return r;
  };
  const up = (p: PulumiProject, label: string) => timed(label, p.run(['up', '--yes']));
  const setCharts = (p: PulumiProject, charts: { chart: string; version: string; legacy?: boolean }[]) => p.must(['config', 'set', 'test:charts', JSON.stringify(charts)]);
  const crd = (name: string): KubeObject => cp.kubectl.json(['get', 'crd', name, '--show-managed-fields']);
  const columns = (c: KubeObject) => (c.spec.versions[0].additionalPrinterColumns ?? []).map((x: { name: string }) => x.name);
  const fields = (c: KubeObject) => Object.keys(c.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties).sort();
  const releaseConfig = (chart: string) => cp.kubectl.json(['get', 'configmap', `${chart}-config`, '-n', 'default']).data.version;

  beforeAll(async () => {
    cp = ControlPlane.start();
    repo = await ChartRepository.serve(() => undefined);
    writeDemoCharts(repo.dir, repo.url, served);
  });
  afterAll(() => {
    cp?.stop();
    repo?.stop();
    for (const p of projects) p.remove();
    console.log(`pulumi, CRD lifecycle: ${timings.join(', ')}`);
  });

  test('a chart version bump upgrades its CRDs: `pulumi up` of version 1.0.0, then of 2.0.0 whose CRD has a new field and printer column', () => {
    const p = project('crd-upgrade');
    setCharts(p, [{ chart: 'gadget-operator', version: '1.0.0' }]);
    up(p, 'up 1.0.0');
    const before = crd('gadgets.demo.example.org');
    expect(columns(before)).toEqual(['Size']);
    expect(fields(before)).toEqual(['size']);
    expect(releaseConfig('gadget-operator')).toBe('1.0.0');

    serve({ chart: 'gadget-operator', version: '2.0.0', crds: [demoCrd('Gadget', ['colour'])] });
    setCharts(p, [{ chart: 'gadget-operator', version: '2.0.0' }]);
    up(p, 'up 2.0.0');
    const after = crd('gadgets.demo.example.org');
    expect(columns(after)).toEqual(['Size', 'Colour']);
    expect(fields(after)).toEqual(['colour', 'size']);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(releaseConfig('gadget-operator')).toBe('2.0.0');
    // applied by the provider (server-side apply), not created by Helm
    expect(after.metadata.annotations?.['pulumi.com/patchForce']).toBe('true');
    expect((after.metadata.managedFields as { manager: string; operation: string }[]).map((f) => `${f.manager} ${f.operation}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pulumi-kubernetes-\S+ Apply$/)]),
    );

    timed('no-change preview', p.run(['preview', '--expect-no-changes']));
  });

  test('CRDs a Helm release installed (the bridge before CRD charts) are adopted and upgraded', () => {
    const p = project('crd-adopt');
    setCharts(p, [{ chart: 'legacy-operator', version: '1.0.0', legacy: true }]);
    up(p, 'legacy up 1.0.0');
    const installed = crd('doohickeys.demo.example.org');
    expect(installed.metadata.annotations?.['pulumi.com/patchForce']).toBeUndefined();

    serve({ chart: 'legacy-operator', version: '2.0.0', crds: [demoCrd('Doohickey', ['colour'])] });
    setCharts(p, [{ chart: 'legacy-operator', version: '2.0.0', legacy: true }]);
    up(p, 'legacy up 2.0.0');
    // the problem: Helm upgraded the release but not its CRDs
    expect(releaseConfig('legacy-operator')).toBe('2.0.0');
    expect(fields(crd('doohickeys.demo.example.org'))).toEqual(['size']);

    setCharts(p, [{ chart: 'legacy-operator', version: '2.0.0' }]);
    const upgrade = up(p, 'up 2.0.0 with CRD chart');
    expect(upgrade.output).not.toMatch(/delete|replace/i);
    const adopted = crd('doohickeys.demo.example.org');
    expect(fields(adopted)).toEqual(['colour', 'size']);
    expect(columns(adopted)).toEqual(['Size', 'Colour']);
    expect(adopted.metadata.uid).toBe(installed.metadata.uid);
    // the release was updated in place (revision 3), not reinstalled
    expect(cp.kubectl.run(['get', 'secret', 'sh.helm.release.v1.legacy-operator.v3', '-n', 'default']).code).toBe(0);
  });

  test('a custom resource moving from v1beta1 to v1 is updated in place: same Pulumi resource (alias), same object (UID)', () => {
    const widgets = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.demo.example.org' },
      spec: {
        group: 'demo.example.org',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        conversion: { strategy: 'None' },
        versions: ['v1beta1', 'v1'].map((name) => ({
          name,
          served: true,
          storage: name === 'v1',
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
        })),
      },
    };
    expect(cp.kubectl.run(['apply', '--server-side', '-f', '-'], JSON.stringify(widgets)).code).toBe(0);
    expect(cp.kubectl.run(['wait', '--for=condition=Established', '--timeout=60s', 'crd/widgets.demo.example.org']).code).toBe(0);

    const p = project('cr-alias');
    p.must(['config', 'set', 'test:widgetVersion', 'v1beta1']);
    up(p, 'up Widget v1beta1');
    const before = cp.kubectl.json(['get', 'widgets.v1beta1.demo.example.org', 'w', '-n', 'default']);

    p.must(['config', 'set', 'test:widgetVersion', 'v1']);
    const preview = timed('preview v1', p.run(['preview', '--json']));
    const steps = (JSON.parse(preview.output.slice(preview.output.indexOf('{'))).steps as { op: string; urn: string }[]).filter((s) => s.urn.includes(':Widget::'));
    expect(steps.map((s) => `${s.op} ${s.urn.split('::')[2]}`)).toEqual(['update kubernetes:demo.example.org/v1:Widget']);
    up(p, 'up Widget v1');
    const after = cp.kubectl.json(['get', 'widgets.v1.demo.example.org', 'w', '-n', 'default']);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);
    const state = JSON.parse(p.must(['stack', 'export']).output);
    const types = (state.deployment.resources as { type: string }[]).map((r) => r.type).filter((t) => t.endsWith(':Widget'));
    expect(types).toEqual(['kubernetes:demo.example.org/v1:Widget']);
  });
});
