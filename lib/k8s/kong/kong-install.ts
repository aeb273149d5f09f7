import { Construct } from 'constructs';
import { cpuCores, memoryBytes, MiB } from '../../core/quantity';
import { fail } from '../../core/errors';
import { RESTRICTED_CONTAINER_VALUES, RESTRICTED_POD_VALUES } from '../common/security';
import { HelmChartInstall, type HelmChartRef } from '../gitops/helm-chart-install';
import type { ContainerResources, KongChartValues } from './kong-values';

/**
 * The `kong` chart, not `ingress`: one release runs the gateway and the controller in the same
 * pod, so the admin API only listens on the pod's loopback (no Service, nothing to expose), and
 * it is the newest pin (3.4.1; `ingress` 0.24.0 pins kong 3.2.0 and splits controller and
 * gateway into two releases that talk over an admin-API Service).
 */
export const KONG_CHART: HelmChartRef = { repository: { name: 'kong', url: 'https://charts.konghq.com' }, chart: 'kong', version: '3.4.1' };
export const KONG_RELEASE = 'kong';
export const KONG_INGRESS_CLASS = 'kong';
/** ServiceAccount of the Kong pods (the IRSA trust policy names it). */
export const KONG_SERVICE_ACCOUNT = 'kong';
/** Port of the ingress controller's admission webhook (the chart's default). */
export const KONG_ADMISSION_WEBHOOK_PORT = 8080;

/** Where Prometheus scrapes Kong: the status listener serves the prometheus plugin's metrics. */
export const KONG_METRICS = { port: 8100, path: '/metrics', podLabels: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/instance': KONG_RELEASE } } as const;

/** Share of the pod's resources the controller container gets; the gateway gets the rest. */
const CONTROLLER_SHARE = 0.25;

export interface KongInstallProps {
  /** Namespace of the release (must exist). */
  readonly namespace: string;
  /** Gateway pods. */
  readonly replicas: number;
  /** Resources of one pod (gateway + controller containers together). */
  readonly resources: ContainerResources;
  /** A PodDisruptionBudget (maxUnavailable 1). @default false */
  readonly podDisruptionBudget?: boolean;
  /** Prefer spreading pods across nodes. @default false */
  readonly antiAffinity?: boolean;
  /** Type of the proxy Service. @default 'LoadBalancer' */
  readonly proxyServiceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** IAM role the pods assume through IRSA (for the aws-lambda plugin). @default none */
  readonly iamRoleArn?: string;
}

/**
 * Kong Gateway + Kong Ingress Controller, DB-less, from the pinned `kong` chart: admin API
 * and Kong Manager off, metrics on the status port, restricted pod security, sized by
 * the environment profile.
 */
export class KongInstall extends Construct {
  readonly install: HelmChartInstall<KongChartValues>;
  readonly values: KongChartValues;

  constructor(scope: Construct, id: string, props: KongInstallProps) {
    super(scope, id);
    const where = 'KongInstall';
    if (!Number.isInteger(props.replicas) || props.replicas < 1) fail(`${where}.replicas`, props.replicas, 'must be a whole number ≥ 1');
    if (props.iamRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,64}$/.test(props.iamRoleArn)) {
      fail(`${where}.iamRoleArn`, props.iamRoleArn, 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"');
    }
    const [proxy, controller] = splitResources(props.resources, CONTROLLER_SHARE);
    // About one nginx worker per core of the limit: more workers than cores only adds contention.
    const workers = Math.max(1, Math.round(cpuCores(proxy.limits.cpu)));
    const pdb = props.podDisruptionBudget ?? false;
    const proxyType = props.proxyServiceType ?? 'LoadBalancer';

    this.values = {
      deployment: {
        kong: { enabled: true },
        serviceAccount: {
          create: true,
          automountServiceAccountToken: false,
          name: KONG_SERVICE_ACCOUNT,
          ...(props.iamRoleArn && { annotations: { 'eks.amazonaws.com/role-arn': props.iamRoleArn } }),
        },
      },
      env: { database: 'off', router_flavor: 'traditional', nginx_worker_processes: String(workers) },
      admin: { enabled: false, http: { enabled: false } },
      status: { enabled: true, http: { enabled: true, containerPort: KONG_METRICS.port } },
      proxy: {
        enabled: true,
        type: proxyType,
        // Cluster (the default) SNATs external traffic to a node address, so ip-restriction
        // and per-IP rate limits would judge the node, not the client; Local keeps the source.
        ...(proxyType !== 'ClusterIP' && { externalTrafficPolicy: 'Local' as const }),
        labels: { 'enable-metrics': 'true' },
        http: { enabled: true },
        tls: { enabled: true },
      },
      manager: { enabled: false },
      portal: { enabled: false },
      portalapi: { enabled: false },
      ingressController: { enabled: true, ingressClass: KONG_INGRESS_CLASS, createIngressClass: true, resources: controller, admissionWebhook: { enabled: true } },
      replicaCount: props.replicas,
      resources: proxy,
      podDisruptionBudget: pdb ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
      ...(props.antiAffinity && {
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...KONG_METRICS.podLabels } } } },
            ],
          },
        },
      }),
      securityContext: { ...RESTRICTED_POD_VALUES },
      // The kong image's user is a name; runAsNonRoot needs the numeric id to verify it.
      containerSecurityContext: { ...RESTRICTED_CONTAINER_VALUES, runAsUser: 1000, runAsGroup: 1000 },
      // Scraping is the observability module's (ServiceMonitor in the config layer, after the CRDs).
      serviceMonitor: { enabled: false },
    };
    this.install = new HelmChartInstall(this, 'Chart', { chart: KONG_CHART, releaseName: KONG_RELEASE, namespace: props.namespace, values: this.values });
  }
}

/** Splits a pod's resources between two containers: `[rest, share]`, whole millicores and MiB. */
export function splitResources(r: ContainerResources, share: number): [ContainerResources, ContainerResources] {
  const cpu = (q: string, f: number) => `${Math.max(1, Math.floor(cpuCores(q) * 1000 * f))}m`;
  const mem = (q: string, f: number) => `${Math.max(1, Math.floor((memoryBytes(q) * f) / MiB))}Mi`;
  const part = (f: number): ContainerResources => ({
    requests: { cpu: cpu(r.requests.cpu, f), memory: mem(r.requests.memory, f) },
    limits: { cpu: cpu(r.limits.cpu, f), memory: mem(r.limits.memory, f) },
  });
  return [part(1 - share), part(share)];
}
