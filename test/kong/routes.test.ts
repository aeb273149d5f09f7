jest.mock('../../lib/platform/modules', () => jest.requireActual('./support').modulesWithTestEndpoints());
import { PROFILES } from '../../lib/spec/profiles';
import { synthEnv, type Manifest, type SynthesizedEnv } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { kongReference, skippedTargets } from './support';

/** Follows an Ingress to what answers it: the backend Service, its upstream policy, its plugins. */
function resolveRoute(s: SynthesizedEnv, name: string) {
  const ingress = s.get('Ingress', name, 'kong');
  const rule = ingress.spec.rules[0];
  const backendRef = rule.http.paths[0].backend.service;
  // An Ingress backend must be a Service of the Ingress's own namespace.
  const service = s.get('Service', backendRef.name, ingress.metadata.namespace);
  expect(service.spec.ports.map((p: { port: number }) => p.port)).toContain(backendRef.port.number);
  const pluginNames: string[] = (ingress.metadata.annotations!['konghq.com/plugins'] ?? '').split(',').filter(Boolean);
  const plugins = Object.fromEntries(
    pluginNames.map((n) => {
      const p = s.get('KongPlugin', n, ingress.metadata.namespace);
      return [p.plugin as string, p];
    }),
  );
  const policyName = service.metadata.annotations?.['konghq.com/upstream-policy'];
  const policy = policyName ? s.get('KongUpstreamPolicy', policyName, service.metadata.namespace) : undefined;
  return { ingress, rule, service, plugins, policy };
}

describe('Kong routes of the reference stack', () => {
  const s = synthEnv('prod', kongReference());
  const replicas = PROFILES.prod.components.kong.replicas;

  test('/orders → Knative validate-order through Kourier with its cluster-local Host', () => {
    const { ingress, rule, service, plugins, policy } = resolveRoute(s, 'orders');
    expect(ingress.spec.ingressClassName).toBe('kong');
    expect(rule.host).toBe('api.acme.example');
    expect(rule.http.paths[0]).toMatchObject({ path: '/orders', pathType: 'Prefix' });
    expect(ingress.metadata.annotations).toMatchObject({ 'konghq.com/methods': 'POST', 'konghq.com/strip-path': 'true', 'konghq.com/preserve-host': 'false', 'konghq.com/protocols': 'https' });
    const endpoint = s.platform.endpoints.get('validate-order')!;
    expect(service.spec).toMatchObject({ type: 'ExternalName', externalName: `${endpoint.service!.name}.${endpoint.service!.namespace}.svc.cluster.local` });
    expect(service.spec.ports[0].port).toBe(endpoint.service!.port);
    expect(service.metadata.annotations!['konghq.com/host-header']).toBe(endpoint.hostHeader);
    expect(service.metadata.annotations!['konghq.com/read-timeout']).toBe('30000');
    expect(Object.keys(plugins).sort()).toEqual(['key-auth', 'rate-limiting']);
    // warm function (min 1): seed 000's active + passive health checks
    expect(policy!.spec.healthchecks.active).toEqual({
      type: 'http',
      httpPath: '/health',
      timeout: 1,
      healthy: { interval: 5, successes: 2, httpStatuses: [200, 302] },
      unhealthy: { interval: 5, httpFailures: 3, tcpFailures: 3, timeouts: 3, httpStatuses: [429, 500, 502, 503, 504] },
    });
    // the CRD's CEL rules forbid intervals on passive checks
    expect(policy!.spec.healthchecks.passive.healthy.interval).toBeUndefined();
    expect(policy!.spec.healthchecks.passive.unhealthy).toEqual({ httpFailures: 3, tcpFailures: 3, timeouts: 3, httpStatuses: [429, 500, 502, 503, 504] });
  });

  test('/promo → OpenFaaS promo-discount through the gateway at /function/promo-discount', () => {
    const { ingress, service, plugins, policy } = resolveRoute(s, 'promo');
    const endpoint = s.platform.endpoints.get('promo-discount')!;
    expect(service.spec.externalName).toBe(`${endpoint.service!.name}.${endpoint.service!.namespace}.svc.cluster.local`);
    expect(service.metadata.annotations!['konghq.com/path']).toBe('/function/promo-discount');
    expect(service.metadata.annotations!['konghq.com/host-header']).toBeUndefined();
    expect(ingress.metadata.annotations!['konghq.com/preserve-host']).toBeUndefined();
    expect(ingress.metadata.annotations!['konghq.com/methods']).toBe('GET,POST');
    expect(service.metadata.annotations!['konghq.com/read-timeout']).toBe('20000');
    expect(Object.keys(plugins).sort()).toEqual(['key-auth', 'rate-limiting']);
    expect(policy!.spec.healthchecks.active.httpPath).toBe('/function/promo-discount/health');
  });

  test('/thumbnails → Lambda thumbnail via the aws-lambda plugin with the deterministic name and the pod role', () => {
    const { service, plugins, policy } = resolveRoute(s, 'thumbnails');
    expect(service.spec).toMatchObject({ type: 'ExternalName', externalName: 'lambda.eu-west-1.amazonaws.com' });
    expect(policy).toBeUndefined();
    expect(Object.keys(plugins).sort()).toEqual(['aws-lambda', 'key-auth', 'rate-limiting']);
    expect(plugins['aws-lambda'].config).toEqual({
      function_name: 'acme-prod-thumbnail',
      qualifier: 'live',
      aws_region: 'eu-west-1',
      invocation_type: 'RequestResponse',
      timeout: 61000,
      awsgateway_compatible: true,
      is_proxy_integration: true,
    });
    expect(plugins['aws-lambda'].configFrom).toBeUndefined();
  });

  test('key-auth and a per-consumer rate limit on all three routes; limits split across the replicas', () => {
    const minute: Record<string, number> = { orders: 600, promo: 300, thumbnails: 120 };
    for (const name of Object.keys(minute)) {
      const { plugins } = resolveRoute(s, name);
      expect(plugins['key-auth'].config).toMatchObject({ key_names: ['apikey'], hide_credentials: true });
      expect(plugins['rate-limiting'].config).toEqual({ minute: Math.ceil(minute[name] / replicas), limit_by: 'consumer', policy: 'local', fault_tolerant: true });
    }
    // one replica in dev: the limit as written
    const dev = synthEnv('dev', kongReference());
    expect(dev.get('KongPlugin', 'orders-rate-limiting', 'kong').config.minute).toBe(600);
  });

  test('consumers reference their credential Secrets; no Secret or key is written', () => {
    const consumers = s.find('KongConsumer');
    expect(consumers.map((c) => [c.metadata.name, c.username, c.credentials])).toEqual([
      ['mobile-app', 'mobile-app', ['mobile-app-key']],
      ['partner-portal', 'partner-portal', ['partner-portal-key']],
    ]);
    for (const c of consumers) expect(c.metadata.annotations!['kubernetes.io/ingress.class']).toBe('kong');
    const kongObjects = s.objects.filter((o) => o.metadata.namespace === 'kong');
    expect(kongObjects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(s.objects)).not.toMatch(/aws_key|aws_secret/);
  });

  test('global plugins: prometheus, correlation-id and the body-size ceiling', () => {
    const globals = s.find('KongClusterPlugin');
    expect(globals.map((g) => g.plugin).sort()).toEqual(['correlation-id', 'prometheus', 'request-size-limiting']);
    for (const g of globals) {
      expect(g.metadata.labels!.global).toBe('true');
      expect(g.metadata.annotations!['kubernetes.io/ingress.class']).toBe('kong');
    }
    expect(s.get('KongClusterPlugin', 'request-size-limiting').config).toEqual({ allowed_payload_size: 10, size_unit: 'megabytes' });
    expect(s.get('KongClusterPlugin', 'prometheus').config).toMatchObject({ per_consumer: true, upstream_health_metrics: true });
  });

  test('layers: install in platform, consumers and global plugins in config, routes in apps', () => {
    const layerOf = (kind: string) =>
      Object.entries(s.byLayer)
        .filter(([, objs]) => objs.some((o) => o.kind === kind && (o.metadata.namespace === 'kong' || !o.metadata.namespace)))
        .map(([l]) => l);
    expect(layerOf('HelmRelease')).toEqual(['platform']);
    expect(layerOf('KongConsumer')).toEqual(['config']);
    expect(layerOf('KongClusterPlugin')).toEqual(['config']);
    expect(layerOf('Ingress')).toEqual(['apps']);
    expect(layerOf('KongUpstreamPolicy')).toEqual(['apps']);
  });
});

describe('Kong route options', () => {
  const routeTo = (patch: (s: any) => void) => {
    const spec = kongReference();
    patch(spec);
    return synthEnv('dev', spec);
  };

  test('no health checks for a scale-to-zero function unless asked; healthCheck false turns them off', () => {
    const s = routeTo((spec) => {
      spec.functions.find((f: any) => f.name === 'hello-python').coldStart = 'scale-to-zero';
      spec.openfaas = { edition: 'pro' }; // scale to zero is OpenFaaS Pro
      spec.gateway.tls.push({ hosts: ['api.acme.example'], secretName: 'api-acme-tls' }); // an absolute host needs its certificate
      spec.routes.push({ name: 'hello', host: 'api.acme.example', path: '/hello', function: 'hello-python' });
      spec.routes.push({ name: 'hello-probed', host: 'api.acme.example', path: '/hello-probed', function: 'hello-python', healthCheck: { path: '/ready' } });
      spec.routes[0].healthCheck = false;
    });
    expect(resolveRoute(s, 'hello').policy).toBeUndefined();
    expect(resolveRoute(s, 'hello-probed').policy!.spec.healthchecks.active.httpPath).toBe('/function/hello-python/ready');
    expect(resolveRoute(s, 'orders').policy).toBeUndefined();
  });

  test('cors, ip-restriction, body limit, jwt, auth none with a per-IP limit, plain http', () => {
    const s = routeTo((spec) => {
      Object.assign(spec.routes[0], { cors: { origins: ['https://shop.acme.example'], credentials: true }, allowCidrs: ['10.0.0.0/8'], maxBodyMb: 2, auth: 'jwt' });
      Object.assign(spec.routes[1], { auth: 'none', protocols: ['http', 'https'], stripPath: false });
    });
    const orders = resolveRoute(s, 'orders');
    // the preflight (OPTIONS) must match the route for the cors plugin to answer it
    expect(orders.ingress.metadata.annotations!['konghq.com/methods']).toBe('POST,OPTIONS');
    expect(Object.keys(orders.plugins)).toEqual(['jwt', 'rate-limiting', 'ip-restriction', 'cors', 'request-size-limiting']);
    expect(orders.plugins.cors.config).toMatchObject({ origins: ['https://shop.acme.example'], credentials: true, max_age: 3600, methods: ['POST', 'OPTIONS'] });
    expect(orders.plugins['ip-restriction'].config).toEqual({ allow: ['10.0.0.0/8'], status: 403 });
    expect(orders.plugins['request-size-limiting'].config).toEqual({ allowed_payload_size: 2, size_unit: 'megabytes' });
    expect(orders.plugins.jwt.config).toEqual({ key_claim_name: 'iss', claims_to_verify: ['exp'] });
    const promo = resolveRoute(s, 'promo');
    expect(Object.keys(promo.plugins)).toEqual(['rate-limiting']);
    expect(promo.plugins['rate-limiting'].config.limit_by).toBe('ip');
    expect(promo.ingress.metadata.annotations).toMatchObject({ 'konghq.com/protocols': 'http,https', 'konghq.com/strip-path': 'false' });
    expect(promo.ingress.metadata.annotations!['konghq.com/https-redirect-status-code']).toBeUndefined();
  });

  test('a route to a function whose backend module registered no endpoint is a SpecError', () => {
    // build without the openfaas module (and without test endpoints for openfaas functions)
    skippedTargets.add('openfaas');
    try {
      expect(() => synthEnv('dev', kongReference())).toThrow(
        'routes[1].function: function "promo-discount" (target openfaas) has no endpoint in the cluster: the openfaas module registered none, so the gateway has nothing to route to (got "promo-discount")',
      );
    } finally {
      skippedTargets.clear();
    }
    expect(() => synthEnv('dev', kongReference())).not.toThrow();
  });
});

describeWithUpstream('Kong objects against the schemas', () => {
  test.each(['dev', 'staging', 'prod', 'edge'] as const)('%s: every gateway object validates (Kong CRDs, catalog, Kubernetes)', (env) => {
    const s = synthEnv(env, kongReference());
    const kongObjects: Manifest[] = s.objects.filter((o) => o.metadata.namespace === 'kong' || o.kind === 'KongClusterPlugin' || (o.kind === 'Namespace' && o.metadata.name === 'kong'));
    expect([...new Set(kongObjects.map((o) => o.kind))]).toEqual(
      expect.arrayContaining(['Namespace', 'HelmRepository', 'HelmRelease', 'KongClusterPlugin', 'KongConsumer', 'Service', 'Ingress', 'KongPlugin', 'KongUpstreamPolicy']),
    );
    expect(validateAll(kongObjects)).toEqual([]);
  });

  test('the validator rejects a broken KongUpstreamPolicy and KongPlugin (it can fail)', () => {
    const s = synthEnv('prod', kongReference());
    const policy = structuredClone(s.get('KongUpstreamPolicy', 'orders-backend-health', 'kong'));
    policy.spec.healthchecks.active.httpPath = 'health';
    policy.spec.algorithm = 'random';
    const plugin = structuredClone(s.get('KongPlugin', 'orders-key-auth', 'kong'));
    plugin.bogus = true;
    const problems = validateAll([policy, plugin]);
    expect(problems.join('\n')).toMatch(/httpPath/);
    expect(problems.join('\n')).toMatch(/algorithm/);
    expect(problems.join('\n')).toMatch(/bogus/);
  });
});
