import { Chart, Testing } from 'cdk8s';
import { KongBackend, SEED_HEALTH_CHECK } from '../../lib/k8s/kong/kong-backend';
import { ApiConsumer } from '../../lib/k8s/kong/kong-consumer';
import { KongInstall } from '../../lib/k8s/kong/kong-install';
import { KongRoute } from '../../lib/k8s/kong/kong-route';
import { GlobalPlugin, RoutePlugin } from '../../lib/k8s/kong/plugins';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';

const chart = () => new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
const kourier = { kind: 'service', namespace: 'kourier-system', name: 'kourier-internal', port: 80, hostHeader: 'hello.shop.svc.cluster.local' } as const;

describe('KongRoute', () => {
  test('Gateway API HTTPRoute: matches per path × method, URLRewrite for the Host and the stripped prefix, plugins by annotation', () => {
    const c = chart();
    const backend = new KongBackend(c, 'b', { name: 'hello-backend', namespace: 'edge', target: kourier });
    const route = new KongRoute(c, 'r', {
      name: 'hello',
      namespace: 'edge',
      host: 'api.acme.example',
      paths: ['/hello', '/hi'],
      methods: ['GET', 'POST'],
      backend,
      api: 'httproute',
      gateway: { name: 'kong', namespace: 'kong' },
    });
    route.addPlugin({ plugin: 'key-auth', config: { key_names: ['apikey'], hide_credentials: true } });
    const objs = Testing.synth(c);
    const r = objs.find((o) => o.kind === 'HTTPRoute');
    expect(r.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(r.metadata.annotations['konghq.com/plugins']).toBe('hello-key-auth');
    expect(r.spec.parentRefs).toEqual([{ name: 'kong', namespace: 'kong' }]);
    expect(r.spec.hostnames).toEqual(['api.acme.example']);
    expect(r.spec.rules[0].matches).toHaveLength(4);
    expect(r.spec.rules[0].matches[0]).toEqual({ path: { type: 'PathPrefix', value: '/hello' }, method: 'GET' });
    expect(r.spec.rules[0].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { hostname: 'hello.shop.svc.cluster.local', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
    expect(r.spec.rules[0].backendRefs).toEqual([{ name: 'hello-backend', port: 80 }]);
  });

  test('bad props are rejected with the field and what is valid', () => {
    const c = chart();
    const backend = new KongBackend(c, 'b', { name: 'x-backend', namespace: 'kong', target: kourier });
    const base = { name: 'x', namespace: 'kong', host: 'api.acme.example', paths: ['/x'], backend };
    expect(() => new KongRoute(c, 'r1', { ...base, namespace: 'shop' })).toThrow(
      'KongRoute(x).backend: must be a Service in the route\'s namespace "shop" (Ingress backends cannot cross namespaces; use a KongBackend there) (got "kong/x-backend")',
    );
    expect(() => new KongRoute(c, 'r2', { ...base, paths: ['x'] })).toThrow('KongRoute(x).paths: each path must start with "/"');
    expect(() => new KongRoute(c, 'r3', { ...base, paths: [] })).toThrow('KongRoute(x).paths: needs at least one path prefix');
    expect(() => new KongRoute(c, 'r4', { ...base, api: 'httproute' })).toThrow('KongRoute(x).gateway: is required for an HTTPRoute');
    const r = new KongRoute(c, 'r5', base);
    r.addPlugin({ plugin: 'correlation-id', config: { header_name: 'X-Request-ID', generator: 'uuid', echo_downstream: true } });
    expect(() => r.addPlugin({ plugin: 'correlation-id', config: { header_name: 'X-Id', generator: 'uuid', echo_downstream: false } })).toThrow(
      'KongRoute(x).plugins: a route can run each plugin once; it already has this one (got "correlation-id")',
    );
    const other = new RoutePlugin(c, 'p', { name: 'elsewhere', namespace: 'shop', spec: { plugin: 'ip-restriction', config: { allow: ['10.0.0.0/8'] } } });
    expect(() => r.attachPlugin(other)).toThrow('KongPlugin must be in the route\'s namespace "kong"');
  });
});

describe('plugins', () => {
  const make = (spec: any) => new RoutePlugin(chart(), 'p', { name: 'p', namespace: 'kong', spec });
  test('typed configs are checked before Kong would reject them', () => {
    expect(() => make({ plugin: 'rate-limiting', config: { limit_by: 'consumer', policy: 'local' } })).toThrow('KongPlugin(p).config: rate-limiting needs at least one of second, minute, hour, day');
    expect(() => make({ plugin: 'rate-limiting', config: { second: 10, minute: 5, limit_by: 'consumer', policy: 'local' } })).toThrow(
      'KongPlugin(p).config.minute: must be ≥ the second limit (10) (got 5)',
    );
    expect(() => make({ plugin: 'cors', config: { origins: ['*'], credentials: true, max_age: 60 } })).toThrow('origin "*" cannot be combined with credentials');
    expect(() => make({ plugin: 'ip-restriction', config: {} })).toThrow('ip-restriction needs allow or deny');
    expect(() =>
      make({
        plugin: 'aws-lambda',
        config: {
          function_name: 'fn',
          aws_region: 'eu-west-1',
          invocation_type: 'RequestResponse',
          timeout: 1000,
          awsgateway_compatible: true,
          is_proxy_integration: true,
          aws_key: 'AKIA',
          aws_secret: 's',
        },
      }),
    ).toThrow('KongPlugin(p).config.aws_key: static AWS keys are not allowed: Kong signs with its pod IAM role (IRSA)');
    expect(() =>
      make({
        plugin: 'aws-lambda',
        config: { function_name: 'fn:bad', aws_region: 'eu-west-1', invocation_type: 'RequestResponse', timeout: 1000, awsgateway_compatible: true, is_proxy_integration: true },
      }),
    ).toThrow('config.function_name: must be a Lambda function name');
    const lambda = { function_name: 'fn', aws_region: 'eu-west-1', invocation_type: 'RequestResponse', timeout: 1000, awsgateway_compatible: true, is_proxy_integration: true };
    expect(() => make({ plugin: 'aws-lambda', config: { ...lambda, qualifier: 'live:1' } })).toThrow(
      'KongPlugin(p).config.qualifier: must be a Lambda alias name (letters, digits, "-", "_"), a version number or "$LATEST" (got "live:1")',
    );
    for (const qualifier of ['live', '7', '$LATEST']) expect(make({ plugin: 'aws-lambda', config: { ...lambda, qualifier } }).apiObject.toJson().config.qualifier).toBe(qualifier);
  });
});

describe('KongBackend', () => {
  test('health checks: validated, never for Lambda', () => {
    const c = chart();
    expect(() => new KongBackend(c, 'a', { name: 'a', namespace: 'kong', target: kourier, healthCheck: { ...SEED_HEALTH_CHECK, timeout: 5 } })).toThrow(
      'KongBackend(a).healthCheck.timeout: must be shorter than the probe interval (5s) (got 5)',
    );
    expect(() => new KongBackend(c, 'b', { name: 'b', namespace: 'kong', target: kourier, healthCheck: { ...SEED_HEALTH_CHECK, healthy: { successes: 2, httpStatuses: [200, 503] } } })).toThrow(
      'KongBackend(b).healthCheck.healthy.httpStatuses: a status cannot count as both healthy and unhealthy (got [503])',
    );
    expect(() => new KongBackend(c, 'c', { name: 'c', namespace: 'kong', target: { kind: 'lambda', region: 'eu-west-1' }, healthCheck: SEED_HEALTH_CHECK })).toThrow(
      'Lambda backends have no upstream to probe',
    );
    expect(() => new KongBackend(c, 'd', { name: 'd', namespace: 'kong', target: { ...kourier, path: 'function/x' } })).toThrow('KongBackend(d).target.path: must start with "/"');
  });
});

describeWithUpstream('constructs against the schemas', () => {
  test('HTTPRoute, KongConsumer with a plugin, global plugin, install and backends validate', () => {
    const c = chart();
    const backend = new KongBackend(c, 'b', { name: 'hello-backend', namespace: 'kong', target: { ...kourier, path: '/api' }, healthCheck: SEED_HEALTH_CHECK, timeoutMs: 5000 });
    new KongRoute(c, 'r', { name: 'hello', namespace: 'kong', host: 'api.acme.example', paths: ['/hello'], backend, api: 'httproute', gateway: { name: 'kong', namespace: 'kong' } });
    const consumer = new ApiConsumer(c, 'consumer', { name: 'app', namespace: 'kong', credentialSecrets: ['app-key'] });
    consumer.addPlugin(new RoutePlugin(c, 'limit', { name: 'app-limit', namespace: 'kong', spec: { plugin: 'rate-limiting', config: { hour: 1000, limit_by: 'consumer', policy: 'local' } } }));
    new GlobalPlugin(c, 'g', { name: 'cid', spec: { plugin: 'correlation-id', config: { header_name: 'X-Request-ID', generator: 'uuid', echo_downstream: true } } });
    new KongInstall(c, 'install', { namespace: 'kong', replicas: 2, resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } }, podDisruptionBudget: true });
    const objs = Testing.synth(c);
    expect(objs.find((o) => o.kind === 'KongConsumer').metadata.annotations['konghq.com/plugins']).toBe('app-limit');
    expect(new Set(objs.map((o) => o.kind))).toEqual(new Set(['Service', 'KongUpstreamPolicy', 'HTTPRoute', 'KongConsumer', 'KongPlugin', 'KongClusterPlugin', 'HelmRepository', 'HelmRelease']));
    expect(validateAll(objs)).toEqual([]);
  });
});
