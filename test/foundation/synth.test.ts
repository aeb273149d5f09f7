import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parseSpec } from '../../lib/spec';
import { renderAll, synthAll } from '../../lib/platform/synth-all';
import { referenceSpec } from '../../stacks/reference';
import { parseAllDocuments } from 'yaml';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderEnvironmentObjects } from '../../lib/platform/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { REFERENCE_ENVIRONMENTS, synthEnv } from '../support/synth';
import { tmpFolder } from '../support/tmp';

const ROOT = path.resolve(__dirname, '../..');

function tmpdir(): string {
  return tmpFolder('hs-synth-');
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('GitOps synthesis', () => {
  const spec = parseSpec(referenceSpec);

  // The tests read synthesized objects without parsing the YAML back (test/support/synth.ts): that
  // holds because parsing every file gives exactly the objects written to it, checked here.
  test.each(REFERENCE_ENVIRONMENTS)('%s: each file parses back to the objects written to it', (env) => {
    const { output, objects } = renderEnvironmentObjects(new HybridPlatform(spec, env));
    const files = [...output.files.keys()].filter((f) => !f.endsWith('kustomization.yaml'));
    expect(files.length).toBeGreaterThan(10);
    expect([...objects.keys()].sort()).toEqual(files.sort());
    for (const file of files) {
      const docs = parseAllDocuments(output.files.get(file)!);
      for (const d of docs) expect(d.errors).toEqual([]);
      expect(docs.map((d) => d.toJS())).toEqual(JSON.parse(JSON.stringify(objects.get(file))));
    }
  });

  test('writes every environment with the three layers, flux/ and a kustomization.yaml per folder', () => {
    const out = path.join(tmpdir(), 'dist');
    synthAll(spec, out);
    for (const env of REFERENCE_ENVIRONMENTS) {
      for (const folder of ['platform', 'config', 'apps', 'flux']) {
        expect(fs.existsSync(path.join(out, env, folder, 'kustomization.yaml'))).toBe(true);
      }
    }
    const tree = readTree(out);
    // each kustomization.yaml lists exactly the YAML files of its folder
    for (const [file, text] of Object.entries(tree)) {
      if (!file.endsWith('kustomization.yaml')) continue;
      const folder = path.dirname(file);
      const siblings = Object.keys(tree)
        .filter((f) => path.dirname(f) === folder && !f.endsWith('kustomization.yaml'))
        .map((f) => path.basename(f))
        .sort();
      const listed = (text.match(/^ {0,2}- (.+)$/gm) ?? []).map((l) => l.replace(/^ {0,2}- /, ''));
      expect(listed).toEqual(siblings);
    }
  });

  test('Flux Kustomizations apply platform → config → apps, waiting for each', () => {
    const { byLayer } = synthEnv('prod');
    const ks = byLayer.flux;
    expect(ks.map((k) => k.metadata.name)).toEqual(['acme-prod-platform', 'acme-prod-config', 'acme-prod-apps']);
    expect(ks.map((k) => k.spec.path)).toEqual(['./dist/prod/platform', './dist/prod/config', './dist/prod/apps']);
    expect(ks[0].spec.dependsOn).toBeUndefined();
    expect(ks[1].spec.dependsOn).toEqual([{ name: 'acme-prod-platform' }]);
    expect(ks[2].spec.dependsOn).toEqual([{ name: 'acme-prod-config' }]);
    for (const k of ks) expect(k.spec).toMatchObject({ wait: true, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  });

  test('is deterministic: two syntheses are byte-identical', () => {
    const a = path.join(tmpdir(), 'dist');
    const b = path.join(tmpdir(), 'dist');
    synthAll(spec, a);
    synthAll(parseSpec(structuredClone(referenceSpec)), b);
    expect(readTree(b)).toEqual(readTree(a));
  });

  test('a failing synthesis leaves the previous output untouched', () => {
    const out = path.join(tmpdir(), 'dist');
    synthAll(spec, out);
    const before = readTree(out);
    // prod fails after dev and staging rendered fine: nothing at all may be written
    expect(() => synthAll(spec, out, { overrides: { prod: { components: { kong: { replicas: -1 } } } } })).toThrow('overrides.components.kong.replicas: Too small: expected number to be >=1 (got -1)');
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith('.dist'))).toEqual([]);
  });

  test('every object of every environment is named explicitly and carries no timestamps', () => {
    for (const o of renderAll(spec)) {
      for (const [file, text] of o.files) {
        expect(text).not.toMatch(/creationTimestamp|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:/);
        expect(file).not.toMatch(/[A-Z ]/);
      }
    }
  });
});

describeWithUpstream('every synthesized object validates against the upstream schemas', () => {
  test.each([...REFERENCE_ENVIRONMENTS])('%s', (env) => {
    const { objects } = synthEnv(env);
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('the synth command', () => {
  const run = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'bin/cdk8s.ts'), ...args], { cwd, encoding: 'utf8' });

  test('prints a summary per environment and layer', () => {
    const out = path.join(tmpdir(), 'dist');
    const r = run(['--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/env\s+platform\s+config\s+apps\s+flux\s+total/);
    for (const env of REFERENCE_ENVIRONMENTS) expect(r.stdout).toMatch(new RegExp(`^${env}\\s+\\d+`, 'm'));
  });

  test('a bad spec file: the error lists the problems, exits 1, writes nothing', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'platform.yaml');
    fs.writeFileSync(file, 'name: Bad_Name\naws: { region: mars-1, accountId: "1" }\nenvironments: {}\ntenants: []\n');
    const out = path.join(dir, 'dist');
    const r = run(['--spec', file, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('name: must be a DNS-1123 label');
    expect(r.stderr).toContain('aws.region: must be an AWS region');
    expect(r.stderr).toContain('tenants: must list at least one tenant');
    expect(r.stderr).toContain('Nothing was written.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('an unknown argument is a usage error (exit code 2), not a silent default', () => {
    const r = run(['--environment', 'prod']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown argument; valid: --spec, --env, --out');
  });
});

describe('YAML every reader agrees on', () => {
  test('strings a YAML 1.1 reader (kubectl apply -f) would take for booleans or dates are quoted', () => {
    const files = renderAll(parseSpec(referenceSpec)).flatMap((o) => [...o.files.values()]);
    const text = files.join('\n');
    expect(text).toContain('database: "off"');
    expect(text).not.toMatch(/: (on|off|yes|no|y|n|On|Off|Yes|No)$/m);
  });
});

describe('writing some environments', () => {
  test('--env prod replaces dist/prod only; the other environments stay as they were', () => {
    const out = path.join(tmpdir(), 'dist');
    const spec = parseSpec(referenceSpec);
    synthAll(spec, out);
    fs.writeFileSync(path.join(out, 'dev', 'marker.txt'), 'kept');
    fs.writeFileSync(path.join(out, 'prod', 'stale.txt'), 'replaced');
    synthAll(spec, out, { environments: ['prod'] });
    expect(fs.readFileSync(path.join(out, 'dev', 'marker.txt'), 'utf8')).toBe('kept');
    expect(fs.existsSync(path.join(out, 'prod', 'stale.txt'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'prod', 'flux', 'kustomizations.yaml'))).toBe(true);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith('.dist'))).toEqual([]);
  });

  test('a lone "=" (AlertmanagerConfig matchType) is quoted for YAML 1.1 readers', () => {
    const text = [...renderAll(parseSpec(referenceSpec), { environments: ['prod'] })[0].files.values()].join('\n');
    expect(text).toContain('matchType: "="');
    expect(text).not.toMatch(/: =$/m);
  });
});
