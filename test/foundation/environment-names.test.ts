import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderAll } from '../../lib/platform/synth-all';
import { ENV_PREFIX_MAX } from '../../lib/core/naming';
import { parseSpec } from '../../lib/spec/parse';
import { environmentNames, resolveEnvironment } from '../../lib/spec/resolve';
import { specErrorOf } from '../support/errors';
import { referenceCopy, synthEnv } from '../support/synth';

/** The reference stack with a fleet of edge sites next to its edge environment (same domain, so only the name differs). */
function fleet(): any {
  const s = referenceCopy();
  const edge = s.environments.edge;
  s.environments['edge-shanghai'] = { ...edge, profile: 'edge' };
  s.environments['edge-berlin'] = { ...edge, profile: 'edge' };
  // exec is granted per environment name: the sites grant what edge grants
  for (const t of s.tenants) if (t.developerExec?.includes('edge')) t.developerExec.push('edge-shanghai', 'edge-berlin');
  return s;
}

const specError = (input: unknown) => specErrorOf(() => parseSpec(input));

describe('free environment names with a profile', () => {
  test('edge-shanghai and edge-berlin (profile edge) synthesize into their own folders, named after themselves', () => {
    const spec = parseSpec(fleet());
    expect(environmentNames(spec)).toEqual(['dev', 'staging', 'prod', 'edge', 'edge-shanghai', 'edge-berlin']);
    const outputs = renderAll(spec, { environments: ['edge-shanghai', 'edge-berlin'] });
    expect(outputs.map((o) => o.env)).toEqual(['edge-shanghai', 'edge-berlin']);
    for (const name of ['edge-shanghai', 'edge-berlin']) {
      const env = synthEnv(name, fleet());
      expect(env.platform.env).toMatchObject({ name, profileName: 'edge' });
      expect(env.find('Kustomization').map((k) => [k.metadata.name, k.spec.path])).toEqual([
        [`acme-${name}-platform`, `./dist/${name}/platform`],
        [`acme-${name}-config`, `./dist/${name}/config`],
        [`acme-${name}-apps`, `./dist/${name}/apps`],
      ]);
      expect(env.get('Namespace', 'shop').metadata.labels).toMatchObject({ 'hybrid-serverless.io/environment': name });
    }
  });

  test("each site is sized by the edge profile: its output is edge's but for its name", () => {
    const spec = parseSpec(fleet());
    expect(resolveEnvironment(spec, 'edge-berlin').profile).toEqual(resolveEnvironment(spec, 'edge').profile);
    const [edge, berlin] = renderAll(spec, { environments: ['edge', 'edge-berlin'] });
    expect([...berlin.files.keys()]).toEqual([...edge.files.keys()]);
    for (const [file, text] of berlin.files) expect(`${file}: ${text.replaceAll('edge-berlin', 'edge')}`).toBe(`${file}: ${edge.files.get(file)}`);
  });

  test('a prod-profile environment behaves as prod: no pods/exec for developers, HA', () => {
    const s = referenceCopy();
    s.environments = { 'prod-eu': { ...s.environments.prod, profile: 'prod' } };
    for (const t of s.tenants) delete t.developerExec;
    const env = new HybridPlatform(parseSpec(s), 'prod-eu').env;
    expect(env.profileName).toBe('prod');
    expect(env.profile.ha).toEqual({ podDisruptionBudgets: true, antiAffinity: true });
    const developerResources = (name: string, spec: unknown) =>
      synthEnv(name, spec as any)
        .find('Role')
        .filter((r) => r.metadata.name.includes('developer'))
        .flatMap((r) => r.rules.flatMap((rule: any) => rule.resources ?? []));
    expect(developerResources('dev', referenceCopy())).toContain('pods/exec');
    expect(developerResources('prod-eu', s)).not.toContain('pods/exec');
  });

  test('an environment named after a profile may start from another one', () => {
    const s = referenceCopy();
    s.environments.staging.profile = 'prod';
    expect(resolveEnvironment(parseSpec(s), 'staging').profileName).toBe('prod');
  });

  test('a name that is not a profile without `profile` is refused with one error naming the path, the value and the profiles', () => {
    const s = referenceCopy();
    s.environments['edge-shanghai'] = { domain: 'shanghai.acme.example' };
    const error = specError(s);
    expect(error.issues).toEqual([
      {
        path: 'environments.edge-shanghai.profile',
        value: undefined,
        message: 'is required: "edge-shanghai" is not a profile name, so the environment must say which profile it starts from: one of dev, staging, prod, edge (e.g. profile: edge)',
      },
    ]);
    s.environments['edge-shanghai'].profile = 'tiny';
    expect(specError(s).issues).toEqual([{ path: 'environments.edge-shanghai.profile', value: 'tiny', message: 'must be one of dev, staging, prod, edge' }]);
  });

  test('a name that is not a DNS label is refused', () => {
    const s = referenceCopy();
    s.environments.Edge_1 = { domain: 'edge1.acme.example', profile: 'edge' };
    expect(specError(s).message).toContain('environments.Edge_1: the name must be a DNS-1123 label');
  });

  test('a name too long for the names derived from `<platform>-<env>` is refused; the longest that fits synthesizes', () => {
    const s = referenceCopy();
    const fits = `edge-${'x'.repeat(ENV_PREFIX_MAX - 'acme-'.length - 'edge-'.length)}`;
    const long = `${fits}y`;
    s.environments = { [long]: { domain: 'edge.acme.example', profile: 'edge' } };
    for (const t of s.tenants) delete t.developerExec;
    expect(specError(s).issues).toEqual([
      {
        path: `environments.${long}`,
        value: long,
        message: `the name prefix "acme-${long}" would be ${ENV_PREFIX_MAX + 1} characters; name prefixes (dashboard uids, IAM roles and Flux/Argo CD layers are derived from them) are at most ${ENV_PREFIX_MAX}: use a name of at most ${fits.length} characters (with the platform name "acme")`,
      },
    ]);
    // the schema's bound, whatever the platform name
    s.environments = { ['e'.repeat(31)]: { domain: 'edge.acme.example', profile: 'edge' } };
    expect(specError(s).message).toContain(`environments.${'e'.repeat(31)}: the name must be at most 30 characters`);

    s.environments = { [fits]: { domain: 'edge.acme.example', profile: 'edge' } };
    const env = synthEnv(fits, s);
    const uids = env.find('ConfigMap').filter((c) => c.metadata.name.startsWith('dashboard-'));
    expect(uids.length).toBeGreaterThan(0);
    expect(new Set(uids.map((c) => c.metadata.name)).size).toBe(uids.length);
    for (const c of uids) expect(c.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
