import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  KongUpstreamPolicy,
  KongUpstreamPolicySpecAlgorithm,
  KongUpstreamPolicySpecHealthchecksActiveType,
  KongUpstreamPolicySpecHealthchecksPassiveType,
} from '../../imports/kong-upstreampolicy-configuration.konghq.com';
import { fail } from '../../core/errors';
import { DNS_LABEL_MAX, derivedNameProblem, DNS_1035_LABEL } from '../../core/naming';
import { LABELS, MANAGED_BY } from '../common/labels';

/** Health-check thresholds of one Kong upstream (Kong's `healthchecks`, in seconds). */
export interface UpstreamHealthCheck {
  /** Path of the active probe (GET). */
  readonly httpPath: string;
  /** Probe timeout, seconds. */
  readonly timeout: number;
  /** Seconds between probes (healthy and unhealthy targets alike). */
  readonly interval: number;
  readonly healthy: { readonly successes: number; readonly httpStatuses: readonly number[] };
  readonly unhealthy: { readonly httpFailures: number; readonly tcpFailures: number; readonly timeouts: number; readonly httpStatuses: readonly number[] };
}

/**
 * Seed 000's Kong upstream health check: probe `/health` every 5 s with a 1 s timeout;
 * 2 successes (200/302) make a target healthy, 3 HTTP failures (429/5xx), 3 TCP failures or
 * 3 timeouts make it unhealthy. Passive checks count the same failures on live traffic.
 */
export const SEED_HEALTH_CHECK: UpstreamHealthCheck = {
  httpPath: '/health',
  timeout: 1,
  interval: 5,
  healthy: { successes: 2, httpStatuses: [200, 302] },
  unhealthy: { httpFailures: 3, tcpFailures: 3, timeouts: 3, httpStatuses: [429, 500, 502, 503, 504] },
};

/** What a route's backend Service is named after the route: `<route>-backend`. */
export const KONG_BACKEND_SUFFIX = '-backend';
/** The backend Service of a route: a Service name, so a DNS-1035 label of at most 63 characters. */
export const kongBackendName = (route: string): string => `${route}${KONG_BACKEND_SUFFIX}`;

/** Where a Kong route sends requests. */
export type KongBackendTarget =
  /** An in-cluster Service (Kourier, the OpenFaaS gateway, any Service). */
  | {
      readonly kind: 'service';
      readonly namespace: string;
      readonly name: string;
      readonly port: number;
      /** Host header the backend routes on (Knative/Kourier). @default the client's Host */
      readonly hostHeader?: string;
      /** Path prefix on the backend (OpenFaaS `/function/<name>`). @default '/' */
      readonly path?: string;
    }
  /** An AWS Lambda function: the route's aws-lambda plugin answers, this names the endpoint it calls. */
  | { readonly kind: 'lambda'; readonly region: string };

export interface KongBackendProps {
  /** Name of the Service Kong routes to. */
  readonly name: string;
  /** Namespace of the routes that use it (an Ingress backend must be in the Ingress's namespace). */
  readonly namespace: string;
  readonly target: KongBackendTarget;
  /** Connect/read/write timeout, milliseconds. @default 60000 (Kong's default) */
  readonly timeoutMs?: number;
  /** Upstream health checks (service targets only); `false` for none. @default false */
  readonly healthCheck?: UpstreamHealthCheck | false;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * The Service a Kong route points at. Backends live in other namespaces (Kourier in
 * kourier-system, the OpenFaaS gateway in openfaas) but an Ingress may only name a Service of
 * its own namespace, so this is an `ExternalName` Service in the route's namespace that
 * resolves to the backend's cluster DNS name. Its `konghq.com/*` annotations carry what
 * belongs to the Kong service/upstream: Host header, path prefix, timeouts and the
 * `KongUpstreamPolicy` with the health checks. For Lambda it names the regional Lambda
 * endpoint the aws-lambda plugin calls (KIC needs an existing backend to build the route).
 */
export class KongBackend extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  /** Host header sent upstream, when the backend routes on it. */
  readonly hostHeader?: string;
  readonly service: k8s.KubeService;
  readonly upstreamPolicy?: KongUpstreamPolicy;

  constructor(scope: Construct, id: string, props: KongBackendProps) {
    super(scope, id);
    const where = `KongBackend(${props.name})`;
    const t = props.target;
    // A Service name: the API server refuses anything but a DNS-1035 label.
    if (!DNS_1035_LABEL.test(props.name) || props.name.length > DNS_LABEL_MAX) {
      fail(
        `${where}.name`,
        props.name,
        derivedNameProblem(props.name, props.name, 'the Service', 'Service names', DNS_LABEL_MAX) ??
          'must be a DNS-1035 label (a Service name): lowercase letters, digits and "-", starting with a letter',
      );
    }
    const timeout = props.timeoutMs ?? 60000;
    if (!Number.isInteger(timeout) || timeout < 1) fail(`${where}.timeoutMs`, timeout, 'must be a positive whole number of milliseconds');
    if (t.kind === 'service') {
      if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) fail(`${where}.target.port`, t.port, 'must be a port number 1–65535');
      if (t.path !== undefined && !t.path.startsWith('/')) fail(`${where}.target.path`, t.path, 'must start with "/"');
    }
    const hc = props.healthCheck ?? false;
    if (hc && t.kind === 'lambda') fail(`${where}.healthCheck`, hc, 'Lambda backends have no upstream to probe; leave healthCheck off');
    if (hc) validateHealthCheck(hc, `${where}.healthCheck`);

    this.name = props.name;
    this.namespace = props.namespace;
    this.port = t.kind === 'service' ? t.port : 443;
    this.hostHeader = t.kind === 'service' ? t.hostHeader : undefined;
    const domain = props.clusterDomain ?? 'cluster.local';
    const labels = { [LABELS.managedBy]: MANAGED_BY, ...props.labels };
    const annotations: Record<string, string> = {
      'konghq.com/connect-timeout': String(Math.min(timeout, 10000)),
      'konghq.com/read-timeout': String(timeout),
      'konghq.com/write-timeout': String(timeout),
    };
    if (t.kind === 'service') {
      if (t.hostHeader) annotations['konghq.com/host-header'] = t.hostHeader;
      if (t.path && t.path !== '/') annotations['konghq.com/path'] = t.path;
      annotations['konghq.com/protocol'] = 'http';
    } else {
      annotations['konghq.com/protocol'] = 'https';
    }

    if (hc) {
      const policyName = `${props.name}-health`;
      annotations['konghq.com/upstream-policy'] = policyName;
      this.upstreamPolicy = new KongUpstreamPolicy(this, 'UpstreamPolicy', {
        metadata: { name: policyName, namespace: props.namespace, labels },
        spec: {
          algorithm: KongUpstreamPolicySpecAlgorithm.ROUND_HYPHEN_ROBIN,
          healthchecks: {
            active: {
              type: KongUpstreamPolicySpecHealthchecksActiveType.HTTP,
              httpPath: hc.httpPath,
              timeout: hc.timeout,
              healthy: { interval: hc.interval, successes: hc.healthy.successes, httpStatuses: [...hc.healthy.httpStatuses] },
              unhealthy: {
                interval: hc.interval,
                httpFailures: hc.unhealthy.httpFailures,
                tcpFailures: hc.unhealthy.tcpFailures,
                timeouts: hc.unhealthy.timeouts,
                httpStatuses: [...hc.unhealthy.httpStatuses],
              },
            },
            // Passive checks watch live traffic; the CRD forbids intervals here. Active probes
            // are what bring a target back, so passive never runs alone.
            passive: {
              type: KongUpstreamPolicySpecHealthchecksPassiveType.HTTP,
              healthy: { successes: hc.healthy.successes, httpStatuses: [...hc.healthy.httpStatuses] },
              unhealthy: {
                httpFailures: hc.unhealthy.httpFailures,
                tcpFailures: hc.unhealthy.tcpFailures,
                timeouts: hc.unhealthy.timeouts,
                httpStatuses: [...hc.unhealthy.httpStatuses],
              },
            },
          },
        },
      });
    }

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, namespace: props.namespace, labels, annotations },
      spec: {
        type: 'ExternalName',
        externalName: t.kind === 'service' ? `${t.name}.${t.namespace}.svc.${domain}` : `lambda.${t.region}.amazonaws.com`,
        ports: [{ name: t.kind === 'service' ? 'http' : 'https', port: this.port, protocol: 'TCP' }],
      },
    });
  }

  /** The Service as an API object (for dependencies). */
  get apiObject(): ApiObject {
    return this.service;
  }
}

function validateHealthCheck(hc: UpstreamHealthCheck, where: string): void {
  if (!hc.httpPath.startsWith('/')) fail(`${where}.httpPath`, hc.httpPath, 'must start with "/"');
  for (const [k, v] of [
    ['timeout', hc.timeout],
    ['interval', hc.interval],
    ['healthy.successes', hc.healthy.successes],
    ['unhealthy.httpFailures', hc.unhealthy.httpFailures],
    ['unhealthy.tcpFailures', hc.unhealthy.tcpFailures],
    ['unhealthy.timeouts', hc.unhealthy.timeouts],
  ] as const) {
    // Kong treats 0 as "disabled": a check that is on needs positive thresholds.
    if (!Number.isInteger(v) || v < 1) fail(`${where}.${k}`, v, 'must be a positive integer');
  }
  for (const [k, list] of [
    ['healthy.httpStatuses', hc.healthy.httpStatuses],
    ['unhealthy.httpStatuses', hc.unhealthy.httpStatuses],
  ] as const) {
    const bad = list.find((s) => !Number.isInteger(s) || s < 100 || s > 999);
    if (bad !== undefined || list.length === 0) fail(`${where}.${k}`, list, 'must be a non-empty list of HTTP status codes (100–999)');
  }
  const both = hc.healthy.httpStatuses.filter((s) => hc.unhealthy.httpStatuses.includes(s));
  if (both.length) fail(`${where}.healthy.httpStatuses`, both, 'a status cannot count as both healthy and unhealthy');
  if (hc.timeout >= hc.interval) fail(`${where}.timeout`, hc.timeout, `must be shorter than the probe interval (${hc.interval}s)`);
}
