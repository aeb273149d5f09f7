import { parseSpec } from '../../lib/spec';
import { GiB, PROFILES } from '../../lib/spec';
import { resolveEnvironment } from '../../lib/spec/resolve';
import { referenceCopy, synthEnv } from '../support/synth';
import { referenceSpec } from '../../stacks/reference';
import { specErrorOf } from '../support/errors';

const specError = (input: unknown) => specErrorOf(() => parseSpec(input));

describe('parseSpec', () => {
  test('accepts the reference stack and applies defaults', () => {
    const spec = parseSpec(referenceSpec);
    expect(spec.functions.map((f) => f.name)).toContain('validate-order');
    expect(spec.gateway.consumers).toHaveLength(2);
    expect(spec.observability.defaultSlo.latencyP99Ms).toBe(1000);
  });

  test('reports EVERY problem at once, each with path, value and what is valid', () => {
    const s = referenceCopy();
    s.functions[2].scaling = { min: 9, max: 3 };
    s.functions[0].target = 'cloudrun';
    s.functions[1].tenant = 'nobody';
    s.routes[1].function = 'ghost';
    s.aws.accountId = '12345';
    s.functions[3].bogus = true;
    const e = specError(s);
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['functions[2].scaling.min', 'functions[0].target', 'functions[1].tenant', 'routes[1].function', 'aws.accountId', 'functions[3].bogus']));
    expect(e.message).toContain('functions[2].scaling.min: must be ≤ scaling.max (3) (got 9)');
    expect(e.message).toMatch(/functions\[0\]\.target: Invalid option: expected one of "knative"\|"openfaas"\|"lambda" \(got "cloudrun"\)/);
    expect(e.message).toContain('functions[1].tenant: no such tenant; defined tenants: shop, media, iot (got "nobody")');
    expect(e.message).toContain('routes[1].function: no such function');
    expect(e.message).toContain('aws.accountId: must be a 12-digit AWS account id');
    expect(e.message).toMatch(/functions\[3\]\.bogus: unknown field; valid fields here: name, tenant, target/);
    expect(e.message).not.toMatch(/\n\s+at /); // no stack trace in the message
  });

  test('unique names, dangling references and route conflicts', () => {
    const s = referenceCopy();
    s.functions.push({ ...s.functions[0] });
    s.tenants.push({ name: 'shop' });
    s.routes.push({ name: 'orders-2', host: 'api.acme.example', path: '/orders', methods: ['POST'], function: 'payment' });
    const e = specError(s);
    expect(e.message).toContain(`functions[${s.functions.length - 1}].name: duplicate name: already used by functions[0]`);
    expect(e.message).toContain(`tenants[3].name: duplicate name`);
    expect(e.message).toContain('routes[3].path: conflicts with route "orders" on host api.acme.example, method POST');
  });

  test('target-specific rules: images, code, triggers, Lambda timeout', () => {
    const s = referenceCopy();
    delete s.functions[0].image;
    s.functions[7].timeoutSeconds = 901;
    s.functions[3].triggers = [{ type: 's3', bucket: 'some-bucket' }];
    s.functions[4].triggers = [{ type: 'schedule', cron: '61 * * * *' }];
    const e = specError(s);
    expect(e.message).toContain('functions[0].image: is required for target "knative"');
    expect(e.message).toContain('functions[7].timeoutSeconds: Lambda functions time out after at most 900 seconds (got 901)');
    expect(e.message).toContain('functions[3].triggers[0].type: target "openfaas" supports triggers http, kafka, schedule (got "s3")');
    expect(e.message).toMatch(/functions\[4\]\.triggers\[0\]\.cron: is not a valid cron expression: .*59/);
  });

  test('environment overrides are validated against the profile, with their full path', () => {
    const s = referenceCopy();
    s.environments.edge.overrides = { components: { kong: { replicas: 0 } }, kafka: { brokerz: 2 } };
    const e = specError(s);
    expect(e.message).toContain('environments.edge.overrides.components.kong.replicas');
    expect(e.message).toContain('environments.edge.overrides.kafka.brokerz: unknown profile field');
  });

  test('a non-object input is rejected', () => {
    expect(specError('nope').message).toContain('(root): the platform spec must be an object');
  });
});

describe('profiles', () => {
  test('edge fits a 2-core / 4 GiB cluster in total requests, with the reference functions', () => {
    // Every pod the modules run (control planes, operands, sidecars, warm functions), as
    // recorded in the platform's footprint inventory (see test/foundation/footprint.test.ts).
    const { cpu, memory } = synthEnv('edge').platform.footprint.total(1);
    expect(cpu).toBeLessThanOrEqual(2);
    expect(memory).toBeLessThanOrEqual(4 * GiB);
  });

  test('prod is highly available and replicates Kafka writes', () => {
    expect(PROFILES.prod.ha).toEqual({ podDisruptionBudgets: true, antiAffinity: true });
    expect(PROFILES.prod.kafka.brokers).toBeGreaterThanOrEqual(3);
    expect(PROFILES.prod.kafka.minInSyncReplicas).toBe(2);
  });

  test('overrides merge: spec budget, environment override, then Pulumi config', () => {
    const spec = parseSpec(referenceSpec);
    expect(resolveEnvironment(spec, 'prod').budget.monthlyUsd).toBe(8000);
    expect(resolveEnvironment(spec, 'prod', { budget: { monthlyUsd: 9000 } }).budget.monthlyUsd).toBe(9000);
    expect(resolveEnvironment(spec, 'dev').budget.monthlyUsd).toBe(PROFILES.dev.budget.monthlyUsd);
  });
});

describe('Lambda runtimes AWS no longer accepts', () => {
  test('nodejs20.x is rejected at parse time, with the alternatives', () => {
    const s = referenceCopy();
    s.functions[7].code.runtime = 'nodejs20.x';
    expect(specError(s).message).toContain(
      'functions[7].code.runtime: AWS Lambda blocks creating functions on nodejs20.x since 2026-08-31 and updating them since 2026-09-30; use nodejs22.x or nodejs24.x (got "nodejs20.x")',
    );
  });
});

describe('per-environment AWS settings', () => {
  test('each environment may name its own cluster OIDC issuer; one without any is reported by name', () => {
    const spec = referenceCopy();
    delete spec.aws.oidcProvider;
    for (const env of ['dev', 'staging', 'prod']) spec.environments[env].aws = { oidcProvider: `oidc.eks.eu-west-1.amazonaws.com/id/${env.toUpperCase()}` };
    expect(specError(spec).message).toContain('aws.oidcProvider: is required (or environments.<env>.aws.oidcProvider for edge)');
    spec.environments.edge.aws = { oidcProvider: 'oidc.example.org/edge' };
    const prod = resolveEnvironment(parseSpec(spec), 'prod');
    expect(prod.aws.oidcProvider).toBe('oidc.eks.eu-west-1.amazonaws.com/id/PROD');
  });
});
