import * as path from 'path';
import { spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '../..');

/** The offline plan runs the real program (bin/pulumi.ts) under setMocks, in its own process. */
function plan(args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'bin/plan.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('npm run plan', () => {
  test('--json lists every resource with type, name, parent and layer; layers depend on each other in order', () => {
    const r = plan(['--env', 'prod', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.environment).toBe('prod');
    const layers = p.resources.filter((x: any) => x.type === 'hybrid-serverless:cluster:Layer');
    expect(layers.map((l: any) => l.name)).toEqual(['acme-prod-platform', 'acme-prod-config', 'acme-prod-apps']);
    // depending on a layer component means depending on every resource in it (a remote component — a chart of CRDs — counts as one)
    const inLayer = (name: string) =>
      p.resources
        .filter((x: any) => x.parent === name && (x.custom || x.remote))
        .map((x: any) => x.name)
        .sort();
    expect([...layers[1].dependsOn].sort()).toEqual(inLayer('acme-prod-platform'));
    expect([...layers[2].dependsOn].sort()).toEqual(inLayer('acme-prod-config'));
    // every cluster object hangs under a layer
    for (const res of p.resources.filter((x: any) => x.type.startsWith('kubernetes:'))) {
      expect(['acme-prod-platform', 'acme-prod-config', 'acme-prod-apps']).toContain(res.parent);
    }
    const total = Object.values(p.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(p.resources.length);
    expect(p.outputs).toMatchObject({ environment: 'prod', platform: 'acme' });
  });

  test('the human-readable plan groups by layer and prints counts', () => {
    const r = plan(['--env', 'dev']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Plan for environment "dev" (offline, pulumi.runtime.setMocks)');
    expect(r.stdout).toMatch(/^cluster:platform \(\d+\)$/m);
    expect(r.stdout).toMatch(/^counts: /m);
  });

  test('an unknown environment is a clear error', () => {
    const r = plan(['--env', 'qa']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--env: must be one of the spec's environments: dev, staging, prod, edge (got "qa")`);
  });
});
