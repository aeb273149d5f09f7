/**
 * `npm run verify`: a server-side dry run of dist/<env>/ against a real API server, reporting
 * refusals with the object, the field and the server's message, and missing CRDs as such.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { loadSpecFile } from '../../lib/platform/load';
import { synthAll } from '../../lib/platform/synth-all';
import { verifyEnvironment } from '../../lib/cluster/verify';
import { ControlPlane, describeCluster } from './support/control-plane';
import { deploy } from './support/environment';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderEnvironment } from '../../lib/platform/synth';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/minimal.platform.yaml');

function runVerify(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'bin/verify.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

describeCluster('npm run verify against a real API server', () => {
  let cp: ControlPlane;
  let out: string;

  beforeAll(() => {
    cp = ControlPlane.start();
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-verify-'));
    synthAll(loadSpecFile(EXAMPLE), out);
  });
  afterAll(() => {
    cp?.stop();
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('an empty cluster: nothing refused; custom resources reported as waiting for their CRD', () => {
    const report = verifyEnvironment(cp.kubectl, path.join(out, 'dev'));
    expect(report.errors).toEqual([]);
    const waiting = report.folders.flatMap((f) => f.refusals);
    expect(waiting.some((r) => r.kind === 'crd-missing' && r.id.startsWith('helm.toolkit.fluxcd.io/HelmRelease'))).toBe(true);
    expect(waiting.every((r) => r.kind !== 'refused')).toBe(true);
    // core objects of the platform layer (the namespaces) are accepted by the dry run
    expect(report.folders[0].accepted).toBeGreaterThan(0);
  });

  test('the CLI: exit 0 and a per-layer report on a cluster with the CRDs and earlier layers in place', () => {
    deploy(cp, renderEnvironment(new HybridPlatform(loadSpecFile(EXAMPLE), 'dev')));
    const r = runVerify(['--env', 'dev', '--out', out, '--kubeconfig', cp.kubeconfig, '--kubectl', cp.kubectl.binary]);
    expect(r.out).toMatch(/dev\/platform: (\d+)\/\1 accepted\n/);
    expect(r.out).toMatch(/dev\/apps: (\d+)\/\1 accepted\n/);
    expect(r.out).toContain('dev: no object refused');
    expect(r.code).toBe(0);
  });

  test('a refused object: exit 1, naming the object, the field and the server message', () => {
    const file = path.join(out, 'dev/apps/knative.yaml');
    const docs = fs
      .readFileSync(file, 'utf8')
      .split(/^---\n/m)
      .map((d) => parse(d));
    const svc = docs.find((d) => d.kind === 'Service' && d.metadata.name === 'hello');
    svc.spec.template.spec.containers[0].resources = { requests: { cpu: '2' }, limits: { cpu: '1' } };
    svc.spec.template.spec.containers[0].colour = 'blue';
    fs.writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
    const r = runVerify(['--env', 'dev', '--out', out, '--kubeconfig', cp.kubeconfig, '--kubectl', cp.kubectl.binary]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ERROR serving\.knative\.dev\/Service web\/hello: refused \(field [^)]*colour[^)]*\): .*field not declared in schema/);
    expect(r.out).toContain('dev: 1 object(s) refused');
  });

  test('bad arguments and an unreachable cluster: exit 2 with one clear message', () => {
    const badName = runVerify(['--env', 'No_Env']);
    expect(badName.code).toBe(2);
    expect(badName.out).toMatch(/--env: .*\(got "No_Env"\)/);
    expect(runVerify(['--env', 'nope', '--out', out])).toEqual({
      code: 2,
      out: expect.stringContaining(`--out: no synthesized output there; run \`hybrid-serverless synth\` first (got "${path.join(out, 'nope')}")`),
    });
    const gone = runVerify(['--env', 'dev', '--out', out, '--kubeconfig', path.join(out, 'missing'), '--kubectl', cp.kubectl.binary]);
    expect(gone.code).toBe(2);
    expect(gone.out).toContain('cannot reach the cluster');
  });
});
