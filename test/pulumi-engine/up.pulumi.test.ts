/**
 * Tier 3: the real Pulumi engine (CLI, language host and kubernetes provider built from the Go
 * module proxy) deploys the cluster side of an environment onto the real control plane of
 * tier 2, charts served by a stand-in Helm repository on 127.0.0.1 through the spec's chart
 * mirror: first `pulumi up` with its preview, a no-change preview, prune, destroy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { objectId, type KubeObject } from '../../lib/cluster/kubectl';
import { parseRequiredSecrets, REQUIRES_SECRETS } from '../../lib/k8s/gitops/helm-chart-install';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderEnvironment } from '../../lib/platform/synth';
import type { EnvironmentName } from '../../lib/spec/common';
import { planProgram } from '../../lib/pulumi/plan';
import { runProgram } from '../../lib/pulumi/program';
import { parseSpec } from '../../lib/spec/parse';
import { referenceSpec } from '../../stacks/reference';
import { BUILT, ControlPlane } from '../cluster/support/control-plane';
import { withoutAFunction } from '../cluster/support/prune';
import { listOwned, objectsByFolder, ownedSelector } from '../cluster/support/environment';
import { UPSTREAM } from '../support/upstream';
import { ChartRepository, chartsOf } from './support/chart-repo';
import { ENGINE_BIN, ENGINE_BUILT, PulumiProject } from './support/engine';
import { StandInOperator } from './support/stand-in-operator';

const ROOT = path.resolve(__dirname, '../..');
const minimal = parse(fs.readFileSync(path.join(ROOT, 'examples/minimal.platform.yaml'), 'utf8'));
const LICENCE = 'test-licence-9f3b2c7e';
const SPECS: [string, any, EnvironmentName[]][] = [
  ['the reference stack', structuredClone(referenceSpec), ['dev', 'staging', 'prod', 'edge']],
  ['examples/minimal.platform.yaml', minimal, ['dev']],
];
/**
 * Every environment gets the first `up` and the no-change preview (its own objects, sizes and
 * values); prune and destroy exercise the engine's deletes, which do not depend on the
 * profile, so they run on the smallest and the largest environment of the reference stack and
 * on the minimal example (about 4 minutes saved per environment left out).
 */
const FULL_LIFECYCLE = new Set(['the reference stack/dev', 'the reference stack/prod', 'examples/minimal.platform.yaml/dev']);

/** Objects the Pulumi path deploys as such (Flux sources and Kustomizations are GitOps-only; HelmReleases become Helm releases). */
const deployedByPulumi = (objects: readonly KubeObject[]) =>
  objects.filter((o) => !['HelmRelease', 'HelmRepository', 'Kustomization', 'GitRepository'].includes(o.kind) || !o.apiVersion.includes('fluxcd.io'));

function describeEngine(name: string, fn: () => void): void {
  const ready = BUILT && ENGINE_BUILT && UPSTREAM;
  if (ready) return describe(name, fn);
  const why = !ENGINE_BUILT
    ? `Pulumi engine not built (run: scripts/pulumi-engine.sh build; looked in ${ENGINE_BIN})`
    : !BUILT
      ? 'control plane not built (scripts/control-plane.sh build)'
      : '../shared/upstream is not present';
  if (process.env.CI) {
    describe(name, () =>
      test('the real Pulumi engine is available', () => {
        throw new Error(why);
      }),
    );
    return;
  }
  console.warn(`skipping "${name}": ${why}`);
  describe.skip(name, fn);
}

for (const [label, base, envs] of SPECS)
  for (const env of envs) {
    describeEngine(`pulumi up of ${label}, environment ${env}, cluster side, on the real control plane`, () => {
      let cp: ControlPlane;
      let repo: ChartRepository;
      let operator: StandInOperator;
      let project: PulumiProject;
      let specFile: string;
      const timings: string[] = [];
      const writeSpec = (spec: unknown) => fs.writeFileSync(specFile, stringify(spec));
      const render = (spec: unknown) => renderEnvironment(new HybridPlatform(parseSpec(spec), env));

      beforeAll(async () => {
        cp = ControlPlane.start();
        operator = StandInOperator.start(cp.kubectl.binary, cp.kubeconfig);
        repo = await ChartRepository.start(chartsOf([...objectsByFolder(render(base)).values()].flat()));
        // this control plane has no load balancers, like kind: the gateway proxy is a NodePort
        const spec = { ...base, charts: { mirror: { url: repo.url } }, environments: { ...base.environments, [env]: { ...base.environments[env], gateway: { proxyServiceType: 'NodePort' } } } };
        project = PulumiProject.create(env, {}, cp.kubeconfig);
        specFile = path.join(project.dir, 'platform.yaml');
        writeSpec(spec);
        for (const [k, v] of Object.entries({
          'hybrid-serverless:environment': env,
          'hybrid-serverless:deployCloud': 'false',
          'hybrid-serverless:specFile': specFile,
          'hybrid-serverless:kubeContext': 'local',
        })) {
          project.must(['config', 'set', k, v]);
        }
        project.must(['config', 'set', '--secret', 'hybrid-serverless:openfaasLicense', LICENCE]);
      });
      afterAll(() => {
        operator?.stop();
        cp?.stop();
        repo?.stop();
        project?.remove();
        console.log(`pulumi, ${label}, ${env}: ${timings.join(', ')}`);
      });

      test('`npm run plan` (offline, mocks) lists what the real preview lists: same types and names', async () => {
        const preview = project.run(['preview', '--json']);
        expect({ code: preview.code, tail: preview.code === 0 ? '' : preview.output.slice(-4000) }).toEqual({ code: 0, tail: '' });
        const json = JSON.parse(preview.output.slice(preview.output.indexOf('{')));
        // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
        const fromUrn = (urn: string) => {
          const parts = urn.split('::');
          return `${parts[2].split('$').pop()} ${parts.slice(3).join('::')}`;
        };
        // A helm.v4.Chart's contents (a release's CRDs) are rendered by the provider from the chart at
        // preview: the offline plan lists the chart, not them. They must all be CRDs.
        const inChart = (urn: string) => urn.split('::')[2].split('$').slice(0, -1).pop() === 'kubernetes:helm.sh/v4:Chart';
        const chartContents = (json.steps as { urn: string }[]).filter((st) => inChart(st.urn)).map((st) => fromUrn(st.urn));
        expect(chartContents.filter((r) => !r.startsWith('kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition ')).sort()).toEqual([]);
        expect(chartContents.length).toBeGreaterThan(0);
        const real = new Set<string>(
          (json.steps as { urn: string }[])
            .filter((st) => !inChart(st.urn))
            .map((st) => fromUrn(st.urn))
            .filter((r) => !r.startsWith('pulumi:pulumi:Stack ')),
        );
        const config: Record<string, string> = Object.fromEntries(
          Object.entries({
            'hybrid-serverless:environment': env,
            'hybrid-serverless:deployCloud': 'false',
            'hybrid-serverless:specFile': specFile,
            'hybrid-serverless:kubeContext': 'local',
            'hybrid-serverless:openfaasLicense': LICENCE,
          }),
        );
        const plan = await planProgram({ root: ROOT, stack: env, config, load: () => runProgram(referenceSpec, { root: ROOT }) });
        const planned = new Set(plan.resources.map((r) => `${r.type} ${r.name}`).filter((r) => !r.startsWith('pulumi:pulumi:Stack ')));
        expect(real.size).toBeGreaterThan(20);
        expect([...planned].filter((r) => !real.has(r)).sort()).toEqual([]);
        expect([...real].filter((r) => !planned.has(r)).sort()).toEqual([]);
      });

      test('the first `pulumi up` (with its preview) succeeds on an empty cluster', () => {
        const up = project.run(['up', '--yes']);
        timings.push(`up ${up.seconds.toFixed(1)}s`);
        expect({ code: up.code, tail: up.code === 0 ? '' : up.output.slice(-4000) }).toEqual({ code: 0, tail: '' });
        const spec = parse(fs.readFileSync(specFile, 'utf8'));
        const objects = deployedByPulumi([...objectsByFolder(render(spec)).values()].flat());
        const live = new Set(listOwned(cp, ownedSelector(objects, env)).map(objectId));
        expect(objects.map(objectId).filter((id) => !live.has(id))).toEqual([]);
        // the apps layer came after the Knative Operator reported Serving Ready
        const serving = cp.kubectl.json(['get', 'knativeservings.operator.knative.dev', '-A']).items[0];
        const readyAt = Date.parse(serving.status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime);
        const services = cp.kubectl.json(['get', 'services.serving.knative.dev', '-A']).items as KubeObject[];
        expect(services.length).toBeGreaterThan(0);
        expect(services.filter((k) => Date.parse(String(k.metadata.creationTimestamp)) < readyAt).map(objectId)).toEqual([]);
      });

      test('the OpenFaaS licence from `pulumi config set --secret` is in the cluster where the install needs it (Pro), and nowhere in the state in plaintext', () => {
        const spec = parse(fs.readFileSync(specFile, 'utf8'));
        const openfaas = [...objectsByFolder(render(spec)).values()].flat().find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'openfaas');
        const needed = parseRequiredSecrets(openfaas?.metadata.annotations?.[REQUIRES_SECRETS]).some((s) => s.name === 'openfaas-license');
        const data = cp.kubectl.run(['get', 'secret', 'openfaas-license', '-n', 'openfaas', '-o', 'jsonpath={.data.license}']);
        if (needed) expect(Buffer.from(data.stdout, 'base64').toString()).toBe(LICENCE);
        else expect(data.stderr).toContain('NotFound');
        const state = project.must(['stack', 'export']).output;
        if (needed) expect(state).toContain('openfaas-license');
        expect(state).not.toContain(LICENCE);
        expect(state).not.toContain(Buffer.from(LICENCE).toString('base64'));
      });

      test('`pulumi preview --expect-no-changes` then passes', () => {
        const preview = project.run(['preview', '--expect-no-changes']);
        timings.push(`no-change preview ${preview.seconds.toFixed(1)}s`);
        expect({ code: preview.code, tail: preview.code === 0 ? '' : preview.output.slice(-4000) }).toEqual({ code: 0, tail: '' });
      });

      if (!FULL_LIFECYCLE.has(`${label}/${env}`)) return;

      test('removing a function and `pulumi up` deletes exactly its resources', () => {
        const spec = parse(fs.readFileSync(specFile, 'utf8'));
        const before = deployedByPulumi([...objectsByFolder(render(spec)).values()].flat());
        const { spec: smaller } = withoutAFunction(spec);
        writeSpec(smaller);
        const after = deployedByPulumi([...objectsByFolder(render(smaller)).values()].flat());
        const up = project.run(['up', '--yes']);
        timings.push(`prune up ${up.seconds.toFixed(1)}s`);
        expect({ code: up.code, tail: up.code === 0 ? '' : up.output.slice(-4000) }).toEqual({ code: 0, tail: '' });
        const live = listOwned(cp, ownedSelector(after, env)).map(objectId).sort();
        const removed = before.map(objectId).filter((id) => !after.some((o) => objectId(o) === id));
        expect(removed.length).toBeGreaterThan(0);
        expect(live.filter((id) => removed.includes(id))).toEqual([]);
        expect(after.map(objectId).filter((id) => !live.includes(id))).toEqual([]);
      });

      test('`pulumi destroy` leaves no toolkit object and no Helm release behind', () => {
        const spec = parse(fs.readFileSync(specFile, 'utf8'));
        const objects = deployedByPulumi([...objectsByFolder(render(spec)).values()].flat());
        const destroy = project.run(['destroy', '--yes']);
        timings.push(`destroy ${destroy.seconds.toFixed(1)}s`);
        expect({ code: destroy.code, tail: destroy.code === 0 ? '' : destroy.output.slice(-4000) }).toEqual({ code: 0, tail: '' });
        // namespaces terminate asynchronously: what is left may only be terminating
        const left = listOwned(cp, ownedSelector(objects, env)).filter((o) => !(o.kind === 'Namespace' && o.status?.phase === 'Terminating'));
        expect(left.map(objectId)).toEqual([]);
        const releases = cp.kubectl.json(['get', 'secrets', '-A', '-l', 'owner=helm']);
        expect(releases.items.map((s: KubeObject) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([]);
      });
    });
  }
