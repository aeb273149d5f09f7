import { parseSpec } from '../../lib/spec/parse';
import { resolveEnvironment } from '../../lib/spec/resolve';
import { specErrorOf } from '../support/errors';
import { referenceCopy, synthEnv } from '../support/synth';

/**
 * What a real API server (or Knative's webhooks, or DNS) refuses is refused by parseSpec:
 * each rule names the spec path, the value and the limit, and a value exactly at the limit
 * is accepted and synthesizes.
 */
const specError = (input: unknown) => specErrorOf(() => parseSpec(input));
const a = (n: number, c = 'a') => c.repeat(n);

describe('derived object names', () => {
  test('a route name whose Kong backend Service `<route>-backend` would exceed 63 characters', () => {
    const s = referenceCopy();
    s.routes[0].name = a(56);
    expect(specError(s).message).toContain(
      `routes[0].name: the Kong backend Service "${a(56)}-backend" would be 64 characters; Service names (DNS-1035 labels) are at most 63: use a name of at most 55 characters (got "${a(56)}")`,
    );

    s.routes[0].name = a(55);
    const env = synthEnv('dev', s);
    expect(env.get('Service', `${a(55)}-backend`, 'kong').metadata.name).toHaveLength(63);
    expect(env.get('Ingress', a(55), 'kong').spec.rules[0].http.paths[0].backend.service.name).toBe(`${a(55)}-backend`);
  });

  test('a flow name whose broker Trigger `<flow>-in` would exceed 63 characters', () => {
    const s = referenceCopy();
    s.knative.sequences[0].name = a(61);
    expect(specError(s).message).toContain(
      `knative.sequences[0].name: the Trigger that feeds this flow from its broker "${a(61)}-in" would be 64 characters; Knative eventing names (label values) are at most 63: use a name of at most 60 characters (got "${a(61)}")`,
    );

    s.knative.sequences[0].name = a(60);
    expect(synthEnv('dev', s).get('Trigger', `${a(60)}-in`, 'shop').spec.subscriber.ref.name).toBe(a(60));
  });

  test('a traffic tag whose Knative Service `<tag>-<function>` would exceed 63 characters', () => {
    const s = referenceCopy();
    // validate-order: 14 characters, so `<tag>-validate-order` leaves 48 for the tag.
    s.functions[0].knative = { traffic: [{ latestRevision: true, percent: 100, tag: a(49, 't') }] };
    expect(specError(s).message).toContain(
      `functions[0].knative.traffic[0].tag: Knative's Service for this tag "${a(49, 't')}-validate-order" would be 64 characters; Service names (and host labels) are at most 63: use a tag of at most 48 characters (got "${a(49, 't')}")`,
    );

    s.functions[0].knative.traffic[0].tag = a(48, 't');
    const svc = synthEnv('dev', s).get('Service', 'validate-order', 'shop');
    expect(svc.apiVersion).toBe('serving.knative.dev/v1');
    expect(svc.spec.traffic).toEqual([{ latestRevision: true, percent: 100, tag: a(48, 't') }]);
  });

  test('CloudEvent attribute names of a Trigger filter: at most 20 characters, values not empty', () => {
    const s = referenceCopy();
    s.functions[0].triggers[1].filters = { [a(21, 'x')]: 'yes', region: '' };
    const e = specError(s);
    expect(e.message).toContain(
      `functions[0].triggers[1].filters.${a(21, 'x')}: is 21 characters; the Knative eventing webhook takes CloudEvent attribute names of 1–20 lowercase letters or digits (got "${a(21, 'x')}")`,
    );
    expect(e.message).toContain('functions[0].triggers[1].filters.region: must not be empty (the Knative eventing webhook refuses it)');

    s.functions[0].triggers[1].filters = { [a(20, 'x')]: 'yes' };
    const trigger = synthEnv('dev', s).get('Trigger', 'validate-order-event-1', 'shop');
    expect(trigger.spec.filter.attributes[a(20, 'x')]).toBe('yes');
  });
});

describe('hosts', () => {
  // Three labels of 63: a valid domain of 191 characters.
  const longDomain = [a(63, 'd'), a(63, 'e'), a(63, 'f')].join('.');

  test('a route host over 253 characters once the environment domain is appended', () => {
    const s = referenceCopy();
    s.environments.dev.domain = longDomain;
    s.routes[0].host = a(62, 'h');
    s.routes[0].protocols = ['http'];
    expect(specError(s).message).toContain(
      `routes[0].host: in environment dev resolves to "${a(62, 'h')}.${longDomain}", which is 254 characters; host names are at most 253 (Ingress hosts): use a host of at most 61 characters or a shorter domain (got "${a(62, 'h')}")`,
    );

    s.routes[0].host = a(61, 'h');
    const ingress = synthEnv('dev', s).get('Ingress', 'orders', 'kong');
    expect(ingress.spec.rules[0].host).toBe(`${a(61, 'h')}.${longDomain}`);
    expect(ingress.spec.rules[0].host).toHaveLength(253);
  });

  test('a route host with a label over 63 characters', () => {
    const s = referenceCopy();
    s.routes[0].host = `${a(64, 'h')}.acme.example`;
    s.routes[0].protocols = ['http'];
    expect(specError(s).message).toContain(`routes[0].host: has a label of 64 characters ("${a(21, 'h')}..."); each label of a host name is at most 63 (DNS) (got "${a(64, 'h')}.acme.example")`);

    s.routes[0].host = `${a(63, 'h')}.acme.example`;
    expect(synthEnv('dev', s).get('Ingress', 'orders', 'kong').spec.rules[0].host).toBe(`${a(63, 'h')}.acme.example`);
  });

  test('an environment domain with a label over 63 characters', () => {
    const s = referenceCopy();
    s.environments.dev.domain = `${a(64, 'd')}.example`;
    const e = specError(s);
    expect(e.message).toContain(
      `environments.dev.domain: has a label of 64 characters ("${a(21, 'd')}..."); each label of a host name is at most 63 (DNS); every function and route host of environment dev ends in this domain`,
    );
    // Reported once, not again for every host that ends in it.
    expect(e.issues.filter((i) => i.path.startsWith('routes') || i.path.startsWith('functions'))).toEqual([]);

    s.environments.dev.domain = `${a(63, 'd')}.example`;
    expect(synthEnv('dev', s).get('Ingress', 'orders', 'kong').spec.rules[0].host).toBe(`api.${a(63, 'd')}.example`);
  });

  test("a Knative function's host <name>.<tenant>.<domain> over 253 characters", () => {
    const s = referenceCopy();
    // temperature-alert.iot.<domain>: 22 characters before the domain (the longest of the reference), 231 left for it.
    const domain = (n: number) => [a(63, 'd'), a(63, 'e'), a(63, 'f'), a(n - 192, 'g')].join('.');
    s.environments.dev.domain = domain(232);
    s.routes = [];
    const e = specError(s);
    expect(e.message).toContain(
      `functions[8].name: in environment dev Knative's host "temperature-alert.iot.${domain(232)}" (<name>.<tenant>.<domain>) is 254 characters; host names are at most 253: use shorter function, tenant or domain names, or set knative.clusterLocal (got "temperature-alert")`,
    );
    expect(e.issues).toHaveLength(1);

    s.environments.dev.domain = domain(231);
    const env = synthEnv('dev', s);
    expect(env.get('KnativeServing', 'knative-serving').spec.config.domain).toEqual({ [domain(231)]: '' });
  });
});

describe('container requests above limits', () => {
  test('a function request above the limit the profile fills in, per environment', () => {
    const s = referenceCopy();
    // dev limits cpu to 500m, edge to 250m; staging and prod to 1.
    s.functions[0].resources = { requests: { cpu: '600m' } };
    const e = specError(s);
    expect(e.message).toContain(
      'functions[0].resources.requests.cpu: in environment dev requests.cpu 600m is above limits.cpu 500m (functionDefaults of profile dev); the API server refuses a container whose request exceeds its limit: set resources.limits.cpu to at least 600m or resources.requests.cpu to at most 500m (got "600m")',
    );
    expect(e.message).toContain('functions[0].resources.requests.cpu: in environment edge requests.cpu 600m is above limits.cpu 250m (functionDefaults of profile edge)');
    expect(e.issues.filter((i) => /environment (staging|prod)/.test(i.message))).toEqual([]);

    // Exactly the edge limit (written differently): accepted everywhere.
    s.functions[0].resources = { requests: { cpu: '0.25' } };
    const svc = synthEnv('edge', s).get('Service', 'validate-order', 'shop');
    expect(svc.spec.template.spec.containers[0].resources).toMatchObject({ requests: { cpu: '0.25' }, limits: { cpu: '250m' } });
  });

  test('a function limit below the request the profile fills in (OpenFaaS too)', () => {
    const s = referenceCopy();
    s.functions[3].resources = { limits: { memory: '32Mi' } };
    const e = specError(s);
    expect(e.message).toContain(
      'functions[3].resources.limits.memory: in environment dev requests.memory 64Mi (functionDefaults of profile dev) is above limits.memory 32Mi; the API server refuses a container whose request exceeds its limit: set resources.limits.memory to at least 64Mi or resources.requests.memory to at most 32Mi (got "32Mi")',
    );

    s.functions[3].resources = { requests: { memory: '32Mi' }, limits: { memory: '32Mi' } };
    const fn = synthEnv('staging', s).get('Function', 'promo-discount');
    expect(fn.spec.requests.memory).toBe('32Mi');
    expect(fn.spec.limits.memory).toBe('32Mi');
    // OpenFaaS CE (dev): the same resources on the function's container
    expect(synthEnv('dev', s).get('Deployment', 'promo-discount', 'openfaas-fn').spec.template.spec.containers[0].resources).toMatchObject({
      requests: { memory: '32Mi' },
      limits: { memory: '32Mi' },
    });
  });

  test('profile overrides that put a request above its limit, in the spec and in Pulumi config', () => {
    const s = referenceCopy();
    s.environments.dev.overrides = { components: { kong: { resources: { limits: { cpu: '10m' } } } }, functionDefaults: { requests: { memory: '1Gi' } } };
    const e = specError(s);
    expect(e.message).toContain(
      'environments.dev.overrides.components.kong.resources.limits.cpu: requests.cpu 100m is above limits.cpu 10m; the API server refuses a container (or LimitRange default) whose request exceeds its limit: make requests.cpu at most limits.cpu in environment dev (got "10m")',
    );
    expect(e.message).toContain('environments.dev.overrides.functionDefaults.requests.memory: requests.memory 1Gi is above limits.memory 256Mi');

    const pulumi = { components: { kong: { resources: { limits: { cpu: '10m' } } } } };
    const ok = referenceCopy();
    expect(specErrorOf(() => resolveEnvironment(parseSpec(ok), 'dev', pulumi, 'hybrid-serverless:overrides')).message).toContain(
      'hybrid-serverless:overrides.components.kong.resources.limits.cpu: requests.cpu 100m is above limits.cpu 10m',
    );

    // Exactly the request: accepted, and the install gets it.
    s.environments.dev.overrides = { components: { kong: { resources: { limits: { cpu: '100m' } } } } };
    const env = synthEnv('dev', s, { components: { kong: { resources: { limits: { memory: '128Mi' } } } } });
    expect(env.platform.env.profile.components.kong.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
  });
});

describe('label values and keys from user input', () => {
  test('OpenFaaS constraints: node label values of at most 63 characters, valid keys', () => {
    const s = referenceCopy();
    s.functions[3].openfaas = { constraints: [`kubernetes.io/arch=${a(64, 'v')}`, `${a(64, 'k')}=x`] };
    const e = specError(s);
    expect(e.message).toContain(
      `functions[3].openfaas.constraints[0]: node label value is 64 characters; label values are at most 63 letters, digits, "-", "_" and ".", beginning and ending alphanumeric (got "kubernetes.io/arch=vvvv`,
    );
    expect(e.message).toContain(`functions[3].openfaas.constraints[1]: node label key: name part "${a(64, 'k')}" must be 1–63 characters`);

    s.functions[3].openfaas = { constraints: [`kubernetes.io/arch=${a(63, 'v')}`, `${a(63, 'k')}=x`] };
    expect(synthEnv('prod', s).get('Function', 'promo-discount').spec.constraints).toEqual([`kubernetes.io/arch=${a(63, 'v')}`, `${a(63, 'k')}=x`]);
    // OpenFaaS CE (dev): the nodeSelector faas-netes would make of them
    expect(synthEnv('dev', s).get('Deployment', 'promo-discount', 'openfaas-fn').spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': a(63, 'v'), [a(63, 'k')]: 'x' });
  });

  test('OpenFaaS annotation keys must be qualified names', () => {
    const s = referenceCopy();
    s.functions[3].openfaas = { annotations: { 'has space': 'x', [`acme.example/${a(64, 'n')}`]: 'y' } };
    const e = specError(s);
    expect(e.message).toContain(
      'functions[3].openfaas.annotations.has space: is not a valid annotation key: name part "has space" must be 1–63 characters of letters, digits, "-", "_" and ".", beginning and ending alphanumeric (got "has space")',
    );
    expect(e.message).toContain(`functions[3].openfaas.annotations.acme.example/${a(64, 'n')}: is not a valid annotation key: name part`);

    s.functions[3].openfaas = { annotations: { [`acme.example/${a(63, 'n')}`]: 'y' } };
    expect(synthEnv('prod', s).get('Function', 'promo-discount').spec.annotations).toMatchObject({ [`acme.example/${a(63, 'n')}`]: 'y' });
    expect(synthEnv('dev', s).get('Deployment', 'promo-discount', 'openfaas-fn').spec.template.metadata.annotations).toMatchObject({ [`acme.example/${a(63, 'n')}`]: 'y' });
  });
});
