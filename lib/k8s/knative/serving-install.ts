import { Construct } from 'constructs';
import {
  KnativeServing,
  KnativeServingSpecWorkloadsResourcesLimits as Limits,
  KnativeServingSpecWorkloadsResourcesRequests as Requests,
} from '../../imports/knative-operator-serving-operator.knative.dev';
import { fail } from '../../core/errors';
import { knativeDurationSeconds } from './limits';
import { KNATIVE_VERSION } from './operator-install';
import { DNS_DOMAIN } from '../../core/naming';

/** Replicas and resources of a control-plane component (a profile's `components.<x>`). */
export interface ComponentSizing {
  readonly replicas: number;
  readonly resources: {
    readonly requests: { readonly cpu: string | number; readonly memory: string | number };
    readonly limits: { readonly cpu: string | number; readonly memory: string | number };
  };
}

export type KnativeIngress = 'kourier' | 'istio';

/**
 * Deployments (and their main container) of Serving core and of each ingress, as the 1.23
 * manifests name them. The operator always applies serving-hpa.yaml too, so autoscaler-hpa
 * runs whether or not a function uses the HPA class.
 */
export const SERVING_WORKLOADS = [
  { name: 'activator', container: 'activator' },
  { name: 'autoscaler', container: 'autoscaler' },
  { name: 'controller', container: 'controller' },
  { name: 'webhook', container: 'webhook' },
  { name: 'autoscaler-hpa', container: 'autoscaler-hpa' },
] as const;

/**
 * Requests of the queue-proxy sidecar Knative adds to every revision pod, set explicitly in
 * config-deployment: CPU is Knative 1.23's default (25m); memory has no Knative default (the
 * tenant LimitRange's would apply), so it is set too and every pod's requests are known.
 */
export const QUEUE_PROXY_REQUESTS = { cpu: '25m', memory: '32Mi' } as const;
/**
 * Limits of the queue-proxy sidecar in config-deployment. None are set: Knative then sets
 * none, so the tenant LimitRange's default limits apply to it, which the tenant quota check
 * counts (set one here and both the CR and the check follow).
 */
export const QUEUE_PROXY_LIMITS: { readonly cpu?: string; readonly memory?: string } = {};
export const INGRESS_WORKLOADS: Record<KnativeIngress, readonly { name: string; container: string }[]> = {
  kourier: [
    { name: 'net-kourier-controller', container: 'controller' },
    { name: '3scale-kourier-gateway', container: 'kourier-gateway' },
  ],
  istio: [
    { name: 'net-istio-controller', container: 'controller' },
    { name: 'net-istio-webhook', container: 'webhook' },
  ],
};

/**
 * Where the gateway serving cluster-local traffic is. With the operator, Kourier's gateway
 * lives in the KnativeServing namespace (the operator moves it out of kourier-system and
 * points KOURIER_GATEWAY_NAMESPACE there); Istio's local gateway stays in istio-system.
 */
export function localGateway(ingress: KnativeIngress, servingNamespace: string): { namespace: string; name: string; port: number } {
  return ingress === 'kourier' ? { namespace: servingNamespace, name: 'kourier-internal', port: 80 } : { namespace: 'istio-system', name: 'knative-local-gateway', port: 80 };
}

export interface KnativeServingInstallProps {
  /** Namespace of Serving (the CR goes there; must exist). */
  readonly namespace: string;
  /** Domain of routes: services get `<name>.<namespace>.<domain>`. */
  readonly domain: string;
  /** @default 'kourier' */
  readonly ingress?: KnativeIngress;
  /** Serving control plane (activator, autoscaler, controller, webhook). */
  readonly serving: ComponentSizing;
  /** Ingress controller and gateway. */
  readonly gateway: ComponentSizing;
  /** config-autoscaler defaults. @default Knative's, with scale to zero on */
  readonly autoscaler?: {
    /** @default '30s' */
    readonly scaleToZeroGracePeriod?: string;
    /** @default '60s' */
    readonly stableWindow?: string;
    /** @default 100 */
    readonly containerConcurrencyTargetDefault?: number;
    /** @default true */
    readonly enableScaleToZero?: boolean;
  };
  /** config-features flags. @default {} */
  readonly features?: Readonly<Record<string, 'enabled' | 'disabled' | 'allowed'>>;
}

function workloadResources(container: string, s: ComponentSizing) {
  const r = s.resources;
  return {
    container,
    requests: { cpu: Requests.fromString(String(r.requests.cpu)), memory: Requests.fromString(String(r.requests.memory)) },
    limits: { cpu: Limits.fromString(String(r.limits.cpu)), memory: Limits.fromString(String(r.limits.memory)) },
  };
}

/** Why Knative Serving cannot serve functions under `domain`, if it cannot. */
export function servingDomainProblem(domain: string): string | undefined {
  return DNS_DOMAIN.test(domain) ? undefined : 'must be a DNS domain with at least two labels, such as "apps.example.com"';
}

/**
 * The KnativeServing CR: ingress (Kourier, ClusterIP — the API gateway is the edge — or
 * Istio), the environment's domain, autoscaler defaults and features, and profile-sized
 * control-plane workloads.
 */
export class KnativeServingInstall extends Construct {
  readonly apiObject: KnativeServing;
  readonly ingress: KnativeIngress;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: KnativeServingInstallProps) {
    super(scope, id);
    const where = 'KnativeServingInstall';
    const ingress = props.ingress ?? 'kourier';
    if (ingress !== 'kourier' && ingress !== 'istio') fail(`${where}.ingress`, ingress, 'must be "kourier" or "istio"');
    const domain = servingDomainProblem(props.domain);
    if (domain) fail(`${where}.domain`, props.domain, domain);
    const a = props.autoscaler ?? {};
    const grace = a.scaleToZeroGracePeriod ?? '30s';
    const stable = a.stableWindow ?? '60s';
    const graceS = knativeDurationSeconds(grace);
    if (graceS === undefined || graceS < 6) fail(`${where}.autoscaler.scaleToZeroGracePeriod`, grace, 'must be a duration of at least 6s');
    const stableS = knativeDurationSeconds(stable);
    if (stableS === undefined || stableS < 6 || stableS > 3600) fail(`${where}.autoscaler.stableWindow`, stable, 'must be between 6s and 1h');
    const target = a.containerConcurrencyTargetDefault ?? 100;
    if (!(target >= 0.01)) fail(`${where}.autoscaler.containerConcurrencyTargetDefault`, target, 'must be at least 0.01');
    for (const [name, s] of [
      ['serving', props.serving],
      ['gateway', props.gateway],
    ] as const) {
      if (!Number.isInteger(s.replicas) || s.replicas < 1) fail(`${where}.${name}.replicas`, s.replicas, 'must be a whole number ≥ 1');
    }
    this.ingress = ingress;
    this.namespace = props.namespace;
    const ingressClass = `${ingress}.ingress.networking.knative.dev`;
    this.apiObject = new KnativeServing(this, 'Resource', {
      metadata: { name: 'knative-serving', namespace: props.namespace },
      spec: {
        version: KNATIVE_VERSION,
        ingress: ingress === 'kourier' ? { kourier: { enabled: true, serviceType: 'ClusterIP' } } : { istio: { enabled: true } },
        config: {
          network: { 'ingress-class': ingressClass },
          domain: { [props.domain]: '' },
          autoscaler: {
            'enable-scale-to-zero': String(a.enableScaleToZero ?? true),
            'scale-to-zero-grace-period': grace,
            'stable-window': stable,
            'container-concurrency-target-default': String(target),
            // A new revision of a scale-to-zero function starts at zero pods, not Knative's
            // default of one: a rollout of every function at once would otherwise need a pod per
            // function at the same time, which a tenant quota sized for the warm pods refuses
            // (measured on a real API server: edge). min-scale and a prewarmed initial-scale
            // annotation still start their pods.
            'allow-zero-initial-scale': 'true',
            'initial-scale': '0',
          },
          ...(props.features && Object.keys(props.features).length > 0 && { features: { ...props.features } }),
          // Since 1.19 (OpenTelemetry) Knative exports no metrics unless asked: the platform's
          // Prometheus scrapes the components and every revision's queue-proxy.
          observability: { 'metrics-protocol': 'prometheus', 'request-metrics-protocol': 'prometheus' },
          deployment: {
            'queue-sidecar-cpu-request': QUEUE_PROXY_REQUESTS.cpu,
            'queue-sidecar-memory-request': QUEUE_PROXY_REQUESTS.memory,
            ...(QUEUE_PROXY_LIMITS.cpu !== undefined && { 'queue-sidecar-cpu-limit': QUEUE_PROXY_LIMITS.cpu }),
            ...(QUEUE_PROXY_LIMITS.memory !== undefined && { 'queue-sidecar-memory-limit': QUEUE_PROXY_LIMITS.memory }),
          },
        },
        ...(props.serving.replicas > 1 && { highAvailability: { replicas: props.serving.replicas } }),
        workloads: [
          ...SERVING_WORKLOADS.map((w) => ({ name: w.name, replicas: props.serving.replicas, resources: [workloadResources(w.container, props.serving)] })),
          ...INGRESS_WORKLOADS[ingress].map((w) => ({ name: w.name, replicas: props.gateway.replicas, resources: [workloadResources(w.container, props.gateway)] })),
        ],
      },
    });
  }

  /** The in-cluster Service and port that route to any Knative Service by Host header. */
  get localGateway(): { namespace: string; name: string; port: number } {
    return localGateway(this.ingress, this.namespace);
  }
}
