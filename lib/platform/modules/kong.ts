import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES, SYSTEM_PODS, SYSTEM_PORTS } from '../../k8s/common/namespaces';
import { ApiConsumer } from '../../k8s/kong/kong-consumer';
import { KongBackend, kongBackendName, SEED_HEALTH_CHECK, type KongBackendTarget, type UpstreamHealthCheck } from '../../k8s/kong/kong-backend';
import { KONG_ADMISSION_WEBHOOK_PORT, KONG_INGRESS_CLASS, KongInstall } from '../../k8s/kong/kong-install';
import { KongRoute, type HttpMethod, type KongRouteTls } from '../../k8s/kong/kong-route';
import { GlobalPlugin } from '../../k8s/kong/plugins';
import { coldStartScale, type FunctionSpec } from '../../spec/function';
import { naming, resolveHost } from '../../core/naming';
import { certManagerSecret, certificateFor, servesHttps, type GatewaySpec, type RouteSpec } from '../../spec/route';
import { lambdaNames } from '../../aws/lambda/limits';
import type { FunctionEndpoint } from '../bindings';
import type { ModuleContext } from './context';

/** Default of `gateway.maxBodyMb`. */
export const DEFAULT_MAX_BODY_MB = 10;
/** Header that carries an API key (key-auth). */
export const API_KEY_HEADER = 'apikey';
/** Header that carries the request id through the gateway to the functions. */
export const CORRELATION_HEADER = 'X-Request-ID';

/**
 * The Kong gateway: the install (platform layer), global plugins and consumers (config
 * layer, after Kong's CRDs exist), and one route per `spec.routes` entry (apps layer) to the
 * function's endpoint in `endpoints` (what the backend modules returned, by function name):
 * an in-cluster Service, or for Lambda the aws-lambda plugin with the function's name.
 *
 * Everything of the gateway lives in the `kong` namespace: auth and rate limits are platform
 * policy, so tenants (who may edit their own namespaces) cannot loosen them. Backends in other
 * namespaces are reached through ExternalName Services there (see KongBackend).
 */
/** Pods and ports behind each backend namespace's Service, for the gateway's allows. */
const BACKEND_PODS: Record<string, { readonly pods: Record<string, string>; readonly ports: readonly number[]; readonly what: string }> = {
  [SYSTEM_NAMESPACES.knativeServing]: { pods: SYSTEM_PODS.kourierGateway, ports: SYSTEM_PORTS.kourierGateway, what: 'Knative functions through Kourier' },
  [SYSTEM_NAMESPACES.openfaas]: { pods: SYSTEM_PODS.openfaasGateway, ports: SYSTEM_PORTS.openfaasGateway, what: 'OpenFaaS functions through the OpenFaaS gateway' },
};

/**
 * The gateway's flows: anyone to the proxy (it is the public entry), the API server to the
 * controller and back, and the proxy to the backends the spec routes to — Kourier, the OpenFaaS
 * gateway (whenever that backend is installed) and, for Lambda routes, AWS' public endpoints. The backends' side is allowed here too:
 * this module owns the flow.
 */
function kongNetwork(ctx: ModuleContext, namespace: string, endpoints: ReadonlyMap<string, FunctionEndpoint>, lambdaRouted: boolean): void {
  const net = ctx.network(namespace);
  net.allowWithinNamespace('Kong: the ingress controller configuring the proxies (gateway discovery)');
  net.allowApiServer('the Kong ingress controller watching routes, plugins, consumers and Secrets');
  net.allowIngressOnPorts('proxy', [...SYSTEM_PORTS.kongProxy], "the API gateway is the platform's public entry: clients reach the proxy from anywhere", SYSTEM_PODS.kong);
  net.allowIngressOnPorts('webhook', [KONG_ADMISSION_WEBHOOK_PORT], 'the API server calling the Kong admission webhook (it has no pod to select)', SYSTEM_PODS.kong);
  // Every installed backend, not only those routed today: the allow does not come and go with one route (Kong's own routes decide what is reachable).
  const routed = new Set([...endpoints.values()].map((e) => e.service?.namespace).filter((n): n is string => n !== undefined));
  for (const ns of [...routed].sort()) {
    const b = BACKEND_PODS[ns];
    const reason = `the API gateway routing to ${b?.what ?? `functions behind ${ns}`}`;
    net.allowEgressTo({ namespace: ns, pods: SYSTEM_PODS.kong, ...(b && { podLabels: b.pods, ports: [...b.ports] }), reason });
    if (b) ctx.network(ns).allowIngressFrom({ namespace, podLabels: SYSTEM_PODS.kong, pods: b.pods, ports: [...b.ports], reason });
  }
  // Lambda's and STS' endpoints are public AWS addresses, which no narrower range names.
  if (lambdaRouted) net.allowEgressToCidr('aws', '0.0.0.0/0', [443], 'the API gateway invoking routed Lambda functions (AWS Lambda and STS endpoints)', SYSTEM_PODS.kong);
}

export function buildKong(ctx: ModuleContext, deps: { readonly endpoints: ReadonlyMap<string, FunctionEndpoint> }): void {
  const { env, spec } = ctx;
  const namespace = SYSTEM_NAMESPACES.kong;
  ctx.namespace({ name: namespace, labels: { [LABELS.component]: 'gateway' } });

  const functions = new Map(spec.functions.map((f) => [f.name, f]));
  const lambdaRouted = spec.routes.some((r) => functions.get(r.function)?.target === 'lambda');
  const size = env.profile.components.kong;
  const q = (v: string | number) => String(v);
  const kong = new KongInstall(ctx.chart('platform', 'kong'), 'kong', {
    namespace,
    replicas: size.replicas,
    resources: {
      requests: { cpu: q(size.resources.requests.cpu), memory: q(size.resources.requests.memory) },
      limits: { cpu: q(size.resources.limits.cpu), memory: q(size.resources.limits.memory) },
    },
    podDisruptionBudget: env.profile.ha.podDisruptionBudgets,
    antiAffinity: env.profile.ha.antiAffinity,
    proxyServiceType: env.proxyServiceType,
    // IRSA: the role (created on the AWS side) may invoke exactly the routed Lambda functions.
    ...(lambdaRouted && env.aws.oidcProvider && { iamRoleArn: naming.roleArn(env.aws.accountId, naming.kongInvokeRole(spec.name, env.name)) }),
  });

  // One pod per replica: the proxy and the ingress controller containers.
  ctx.footprint.record({
    component: 'kong',
    namespace,
    pods: kong.values.replicaCount,
    containers: [kong.values.resources.requests, kong.values.ingressController.resources.requests],
    source: 'kong values: replicaCount, resources (proxy) + ingressController.resources',
    objects: [kong.install.release],
  });

  const config = ctx.chart('config', 'kong');
  new GlobalPlugin(config, 'prometheus', {
    name: 'prometheus',
    spec: { plugin: 'prometheus', config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true } },
  });
  new GlobalPlugin(config, 'correlation-id', {
    name: 'correlation-id',
    spec: { plugin: 'correlation-id', config: { header_name: CORRELATION_HEADER, generator: 'uuid#counter', echo_downstream: true } },
  });
  new GlobalPlugin(config, 'request-size-limiting', {
    name: 'request-size-limiting',
    spec: { plugin: 'request-size-limiting', config: { allowed_payload_size: spec.gateway.maxBodyMb ?? DEFAULT_MAX_BODY_MB, size_unit: 'megabytes' } },
  });
  for (const c of spec.gateway.consumers) {
    new ApiConsumer(config, `consumer-${c.name}`, { name: c.name, namespace, credentialSecrets: [c.credentialSecret], ingressClass: KONG_INGRESS_CLASS });
  }

  const apps = ctx.chart('apps', 'kong');
  kongNetwork(ctx, namespace, deps.endpoints, lambdaRouted);
  spec.routes.forEach((route, index) => {
    const fn = functions.get(route.function);
    if (!fn) return; // parseSpec already reported it
    const target = backendTarget(ctx, deps.endpoints.get(fn.name), route, index, fn);
    if (!target) return;
    const backend = new KongBackend(apps, `backend-${route.name}`, {
      name: kongBackendName(route.name),
      namespace,
      target: target.target,
      timeoutMs: (fn.timeoutSeconds ?? 30) * 1000,
      healthCheck: target.target.kind === 'service' ? healthCheck(route, fn, target.target.path) : false,
      labels: { [LABELS.function]: fn.name, [LABELS.tenant]: fn.tenant },
    });
    let methods = route.methods as HttpMethod[] | undefined;
    // A CORS preflight is an OPTIONS request: the route must match it for the cors plugin to answer.
    if (route.cors && methods && !methods.includes('OPTIONS')) methods = [...methods, 'OPTIONS'];
    const host = resolveHost(route.host, env.domain);
    const r = new KongRoute(apps, `route-${route.name}`, {
      name: route.name,
      namespace,
      host,
      tls: routeTls(spec.gateway, route, host, env.domain),
      paths: [route.path],
      methods,
      stripPath: route.stripPath ?? true,
      protocols: route.protocols,
      backend,
      ingressClass: KONG_INGRESS_CLASS,
      labels: { [LABELS.function]: fn.name, [LABELS.tenant]: fn.tenant },
    });
    addRoutePlugins(r, route, size.replicas);
    if (target.lambdaName !== undefined) {
      r.addPlugin({
        plugin: 'aws-lambda',
        config: {
          function_name: target.lambdaName,
          // The alias carries the provisioned (warm) instances and is what the invoke role allows.
          qualifier: lambdaNames(target.lambdaName).alias,
          aws_region: env.aws.region,
          invocation_type: 'RequestResponse',
          // A second past the function's own timeout, so the client sees Lambda's timeout error.
          timeout: (fn.timeoutSeconds ?? 30) * 1000 + 1000,
          awsgateway_compatible: true,
          is_proxy_integration: true,
        },
      });
    }
  });
}

/**
 * The certificate of an https route: the `gateway.tls` Secret covering its host, else one
 * cert-manager issues (when configured), else none (parseSpec requires coverage when
 * `gateway.tls` is set; without any TLS settings Kong serves its default certificate).
 */
function routeTls(gateway: GatewaySpec, route: RouteSpec, host: string, domain: string): KongRouteTls | undefined {
  if (!servesHttps(route)) return undefined;
  const cert = certificateFor(gateway, host, domain);
  if (cert) return { secretName: cert.secretName };
  if (gateway.certManager) return { secretName: certManagerSecret(route.name), clusterIssuer: gateway.certManager.clusterIssuer };
  return undefined;
}

/** The backend a route's function is reached at, or undefined (with an issue) when it has none. */
function backendTarget(ctx: ModuleContext, endpoint: FunctionEndpoint | undefined, route: RouteSpec, index: number, fn: FunctionSpec): { target: KongBackendTarget; lambdaName?: string } | undefined {
  if (fn.target === 'lambda' && endpoint?.lambdaName !== undefined) {
    return { target: { kind: 'lambda', region: ctx.env.aws.region }, lambdaName: endpoint.lambdaName };
  }
  if (fn.target === 'lambda' || !endpoint?.service) {
    ctx.issues.add(
      ['routes', index, 'function'],
      route.function,
      fn.target === 'lambda'
        ? `function "${fn.name}" (target lambda) has no Lambda function name: the lambda module returned no endpoint for it, so the gateway has nothing to invoke`
        : `function "${fn.name}" (target ${fn.target}) has no endpoint in the cluster: the ${fn.target} module registered none, so the gateway has nothing to route to`,
    );
    return undefined;
  }
  const s = endpoint.service;
  return { target: { kind: 'service', namespace: s.namespace, name: s.name, port: s.port, hostHeader: endpoint.hostHeader, path: endpoint.path } };
}

/** Seed 000's checks, probing the function's health path, when it stays up to answer them. */
function healthCheck(route: RouteSpec, fn: FunctionSpec, backendPath: string | undefined): UpstreamHealthCheck | false {
  if (route.healthCheck === false) return false;
  if (route.healthCheck === undefined && coldStartScale(fn).min < 1) return false;
  const path = route.healthCheck?.path ?? SEED_HEALTH_CHECK.httpPath;
  const prefix = (backendPath ?? '').replace(/\/$/, '');
  return { ...SEED_HEALTH_CHECK, httpPath: `${prefix}${path}` };
}

function addRoutePlugins(r: KongRoute, route: RouteSpec, replicas: number): void {
  const auth = route.auth ?? 'key-auth';
  if (auth === 'key-auth') r.addPlugin({ plugin: 'key-auth', config: { key_names: [API_KEY_HEADER], hide_credentials: true, key_in_header: true, key_in_query: false, key_in_body: false } });
  if (auth === 'jwt') r.addPlugin({ plugin: 'jwt', config: { key_claim_name: 'iss', claims_to_verify: ['exp'] } });
  if (route.rateLimit) {
    // DB-less Kong counts per node (policy local); each of the N replicas allows 1/N so the
    // limit holds for the consumer across the gateway.
    const per = (v: number | undefined) => (v === undefined ? undefined : Math.ceil(v / replicas));
    r.addPlugin({
      plugin: 'rate-limiting',
      config: {
        ...(route.rateLimit.second !== undefined && { second: per(route.rateLimit.second) }),
        ...(route.rateLimit.minute !== undefined && { minute: per(route.rateLimit.minute) }),
        ...(route.rateLimit.hour !== undefined && { hour: per(route.rateLimit.hour) }),
        limit_by: auth === 'none' ? 'ip' : 'consumer',
        policy: 'local',
        fault_tolerant: true,
      },
    });
  }
  if (route.allowCidrs) r.addPlugin({ plugin: 'ip-restriction', config: { allow: route.allowCidrs, status: 403 } });
  if (route.cors) {
    r.addPlugin({
      plugin: 'cors',
      config: {
        origins: route.cors.origins,
        methods: [...(route.methods ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']), 'OPTIONS'].filter((m, i, a) => a.indexOf(m) === i),
        headers: ['Content-Type', 'Authorization', API_KEY_HEADER, CORRELATION_HEADER],
        exposed_headers: [CORRELATION_HEADER],
        credentials: route.cors.credentials ?? false,
        max_age: route.cors.maxAgeSeconds ?? 3600,
      },
    });
  }
  if (route.maxBodyMb !== undefined) r.addPlugin({ plugin: 'request-size-limiting', config: { allowed_payload_size: route.maxBodyMb, size_unit: 'megabytes' } });
}
