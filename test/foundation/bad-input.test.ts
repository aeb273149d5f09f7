import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../lib/cli/main';
import { INPUT_LIMITS } from '../../lib/spec/input-limits';
import { parseSpec } from '../../lib/spec/parse';
import { REPO_CLI } from '../../bin/hybrid-serverless';
import { parseErrorOf } from '../support/errors';
import { deeplyNested, runCase } from '../support/spec-fuzz';
import { referenceCopy, synthEnv } from '../support/synth';
import { tmpFolder } from '../support/tmp';

/**
 * Input that crashed parseSpec or synthesis, or passed parseSpec and failed later, or was
 * accepted though unsafe: each is now one SpecError at parse time, naming the spec path.
 */

describe('limits before the schema (no RangeError, no multi-MB copies)', () => {
  test('nesting deeper than 32 levels', () => {
    const s = referenceCopy();
    s.functions[0].env = { X: deeplyNested(10_000) };
    const e = parseErrorOf(s);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0].path).toBe(`functions[0].env.X${'[0]'.repeat(29)}`);
    expect(e.message).toContain(`: is nested more than ${INPUT_LIMITS.depth} levels deep; no field of the spec is`);
    // 32 levels are fine for the limit (the schema then judges the value)
    s.functions[0].env = { X: deeplyNested(28) };
    expect(parseErrorOf(s).message).toContain('functions[0].env.X: Invalid input: expected string, received array');
  });

  test('a string over 64 KiB, a list over 20,000 elements', () => {
    const s = referenceCopy();
    s.functions[0].image = 'x'.repeat(3_000_000);
    s.functions[1].triggers = Array.from({ length: 20_001 }, () => ({ type: 'http' }));
    const e = parseErrorOf(s);
    expect(e.message).toContain('functions[0].image: is 3000000 characters; strings in the spec are at most 65536 (got "xxxxxxxxxxxxxxxxxxxx… (3000000 characters)")');
    expect(e.message).toContain('functions[1].triggers: has 20001 elements; lists in the spec have at most 20000 (got "(20001 elements)")');
    expect(e.issues).toHaveLength(2);
  });

  test('the CLI reports a too-deep spec file as a SpecError, without a stack trace', async () => {
    const dir = tmpFolder('hs-bad-input-');
    const file = path.join(dir, 'platform.json');
    const synth = async (depth: number) => {
      fs.writeFileSync(file, JSON.stringify({ ...referenceCopy(), functions: 'DEEP' }).replace('"DEEP"', `${'['.repeat(depth)}"x"${']'.repeat(depth)}`));
      let err = '';
      const code = await main(['synth', '--spec', file, '--out', path.join(dir, 'out')], { ...REPO_CLI, cwd: dir, env: {}, stdout: () => undefined, stderr: (t) => (err += t) });
      expect(code).toBe(1);
      expect(err).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
      return err;
    };
    expect(await synth(200)).toContain(`functions${'[0]'.repeat(32)}: is nested more than 32 levels deep; no field of the spec is`);
    // deeper than the YAML parser can recurse
    expect(await synth(20_000)).toContain('(file): is nested too deeply to read; no field of the spec is more than 32 levels deep');
  });
});

describe('names and keys that are JavaScript object keys', () => {
  test('"constructor" as a tenant and as an OpenFaaS function name synthesizes', () => {
    const s = referenceCopy();
    const shop = JSON.stringify('shop');
    const renamed = JSON.parse(JSON.stringify(s).split(shop).join(JSON.stringify('constructor')).split(JSON.stringify('promo-discount')).join(JSON.stringify('constructor')));
    for (const env of ['dev', 'prod'] as const) {
      const out = synthEnv(env, renamed);
      expect(out.get('Namespace', 'constructor').metadata.labels).toMatchObject({ 'hybrid-serverless.io/tenant': 'constructor' });
      expect(out.find('ResourceQuota', 'tenant-quota', 'constructor')).toHaveLength(1);
    }
    expect(synthEnv('prod', renamed).get('Function', 'constructor', 'openfaas-fn').spec.image).toBe('ghcr.io/acme/promo-discount:0.9.0');
    expect(synthEnv('dev', renamed).get('Deployment', 'constructor', 'openfaas-fn').metadata.name).toBe('constructor');
  });

  test('"constructor" as the name of a Secret an OpenFaaS CE function mounts (was a TypeError from a plain-object lookup)', () => {
    const s = referenceCopy();
    s.functions[3].secrets = [{ env: 'PROMO_DB', secret: 'constructor', key: 'url' }];
    const volume = synthEnv('dev', s)
      .get('Deployment', 'promo-discount', 'openfaas-fn')
      .spec.template.spec.volumes.find((v: { projected?: unknown }) => v.projected);
    expect(volume.projected.sources).toEqual([{ secret: { name: 'constructor', items: [{ key: 'url', path: 'url' }] } }]);
  });

  test('__proto__, constructor and prototype as map keys are refused, not dropped', () => {
    const s = referenceCopy();
    s.functions[0].env = JSON.parse('{"__proto__": {"LOG_LEVEL": "debug"}, "constructor": "x"}');
    s.functions[3].openfaas = { annotations: JSON.parse('{"prototype": "y"}') };
    const e = parseErrorOf(s);
    expect(e.message).toContain(
      'functions[0].env.__proto__: "__proto__" is not allowed as a key (JavaScript gives it a special meaning: it would be dropped or change the object); rename it (got {"LOG_LEVEL":"debug"})',
    );
    expect(e.message).toContain('functions[0].env.constructor: "constructor" is not allowed as a key');
    expect(e.message).toContain('functions[3].openfaas.annotations.prototype: "prototype" is not allowed as a key');
  });
});

describe('quantities in exponent form', () => {
  test('1e-7 and 1e21 as numbers are refused with the path (the sums and the output could not read them)', () => {
    const s = referenceCopy();
    s.functions[0].resources = { requests: { cpu: 1e-7 } };
    s.functions[1].resources = { limits: { memory: 1e21 } };
    s.environments.dev.overrides = { components: { kong: { resources: { limits: { cpu: 1e21 } } } } };
    const e = parseErrorOf(s);
    expect(e.message).toContain('functions[0].resources.requests.cpu: must be a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi" (got 1e-7)');
    expect(e.message).toContain('functions[1].resources.limits.memory: must be a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi" (got 1e+21)');
    expect(e.message).toContain('environments.dev.overrides.components.kong.resources.limits.cpu:');
    // the same amounts as quantities synthesize
    s.functions[0].resources = { requests: { cpu: '1m' } };
    s.functions[1].resources = undefined;
    s.environments.dev.overrides = undefined;
    expect(runCase(s, 'all')).toEqual({ kind: 'accepted' });
  });
});

describe('one validation pass: what synthesis refused is refused by parseSpec with the spec path', () => {
  test('a route rate limit with no window, or windows in the wrong order (was KongPlugin(x).config at synthesis)', () => {
    const s = referenceCopy();
    s.routes[0].rateLimit = {};
    s.routes[1].rateLimit = { second: 10, minute: 5 };
    const e = parseErrorOf(s);
    expect(e.message).toContain('routes[0].rateLimit: rate-limiting needs at least one of second, minute, hour (got {})');
    expect(e.message).toContain('routes[1].rateLimit.minute: must be ≥ the second limit (10) (got 5)');
  });

  test('an environment domain of one label (was KnativeServingInstall.domain at synthesis)', () => {
    const s = referenceCopy();
    s.environments.dev.domain = 'localhost';
    expect(parseErrorOf(s).message).toContain('environments.dev.domain: must be a DNS domain with at least two labels, such as "apps.example.com" (Knative Serving\'s domain) (got "localhost")');
  });

  test("a tenant quota that one environment's profile cannot hold (was TenantQuota(iot) when synthesizing edge)", () => {
    const s = referenceCopy();
    s.tenants[2].quota = { requestsCpu: '3' };
    const e = parseErrorOf(s);
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain('tenants[2].quota.requestsCpu: environment "edge": must not exceed quota.limitsCpu (2): requests never exceed limits (got "3")');
  });

  test('no "no such function/tenant" for one that is defined but refused by the schema', () => {
    const s = referenceCopy();
    s.functions[0].scaling.max = 'x';
    s.tenants[1].groups = 5;
    const e = parseErrorOf(s);
    expect(e.issues.map((i) => i.path)).toEqual(['tenants[1].groups', 'functions[0].scaling.max']);
    // a name that is really undefined is still reported
    s.routes[0].function = 'nope';
    expect(parseErrorOf(s).message).toContain('routes[0].function: no such function; defined functions:');
  });

  test('an unknown trigger type is reported at triggers[j].type, once', () => {
    const s = referenceCopy();
    s.functions[0].triggers[1] = { type: 'bogus' };
    const e = parseErrorOf(s);
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain("functions[0].triggers[1].type: Invalid discriminator value. Expected 'http' | 'event' | 'kafka' | 'schedule' | 's3' | 'sqs' (got \"bogus\")");
  });
});

describe('unsafe content', () => {
  test('environment variables named like credentials refuse literal values and point to secrets', () => {
    const s = referenceCopy();
    s.functions[0].env = { DB_PASSWORD: 'hunter2', api_token: 'x', STRIPE_KEY: 'k', CLIENT_SECRET_ID: 'y', LOG_LEVEL: 'info', KEYBOARD: 'us' };
    const e = parseErrorOf(s);
    expect(e.issues.map((i) => i.path)).toEqual(['functions[0].env.DB_PASSWORD', 'functions[0].env.api_token', 'functions[0].env.STRIPE_KEY', 'functions[0].env.CLIENT_SECRET_ID']);
    expect(e.message).toContain(
      'functions[0].env.DB_PASSWORD: looks like a credential, and env values are written in clear text into the output (and the Lambda configuration): put it in a Secret and reference it with secrets: [{ env: "DB_PASSWORD", secret: "<secret name>", key: "<key>" }] (got "(redacted)")',
    );
    expect(e.message).not.toContain('hunter2');
    // by reference: accepted
    s.functions[0].env = { LOG_LEVEL: 'info' };
    s.functions[0].secrets = [{ env: 'DB_PASSWORD', secret: 'orders-db', key: 'password' }];
    expect(() => parseSpec(s)).not.toThrow();
  });

  test('images need a tag or a digest, and not :latest', () => {
    const s = referenceCopy();
    s.functions[0].image = 'ghcr.io/acme/validate-order:latest';
    s.functions[1].image = 'ghcr.io/acme/payment';
    s.functions[2].image = 'localhost:5000/acme/ship';
    const e = parseErrorOf(s);
    expect(e.issues.map((i) => i.path)).toEqual(['functions[0].image', 'functions[1].image', 'functions[2].image']);
    expect(e.message).toContain('functions[0].image: uses the tag "latest", which moves: use a version tag (":1.4.2") or a digest ("@sha256:…") (got "ghcr.io/acme/validate-order:latest")');
    expect(e.message).toContain(
      'functions[2].image: has no tag or digest, so each node pulls whatever "latest" is then: add a version tag (":1.4.2") or a digest ("@sha256:…") (got "localhost:5000/acme/ship")',
    );
    // a registry port is not a tag; a digest pins even :latest
    s.functions[0].image = `ghcr.io/acme/validate-order:latest@sha256:${'a'.repeat(64)}`;
    s.functions[1].image = 'localhost:5000/acme/payment:2.0.1';
    s.functions[2].image = `ghcr.io/acme/ship@sha256:${'b'.repeat(64)}`;
    expect(() => parseSpec(s)).not.toThrow();
  });

  test('synth notes prod images without a digest', async () => {
    const dir = tmpFolder('hs-bad-input-');
    let out = '';
    const code = await main(['synth', '--env', 'prod', '--out', path.join(dir, 'out')], { ...REPO_CLI, cwd: dir, env: {}, stdout: (t) => (out += t), stderr: () => undefined });
    expect(code).toBe(0);
    expect(out).toContain(
      'note: environment prod (prod profile) runs images by tag, not digest: validate-order, payment, ship, promo-discount, weekly-report, nightly-backup, hello-python, temperature-alert;',
    );
  });
});
