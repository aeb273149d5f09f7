/**
 * Typed values of the `kong` chart 3.4.1 (https://charts.konghq.com, appVersion 3.9): the
 * keys the toolkit sets. Tests check every path against the chart's values.yaml.
 */

export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface KongChartValues {
  readonly deployment: {
    readonly kong: { readonly enabled: true };
    readonly serviceAccount: {
      readonly create: true;
      /** Kong's Lua code never needs the Kubernetes API: only the controller container mounts a token. */
      readonly automountServiceAccountToken: false;
      /** Documented (commented) in values.yaml. */
      readonly name: string;
      /** Documented (commented) in values.yaml; IRSA role annotation. */
      readonly annotations?: Record<string, string>;
    };
  };
  /** KONG_* settings of the gateway container. */
  readonly env: {
    readonly database: 'off';
    readonly router_flavor: 'traditional' | 'traditional_compatible' | 'expressions';
    readonly nginx_worker_processes: string;
  };
  readonly admin: { readonly enabled: false; readonly http: { readonly enabled: false } };
  readonly status: { readonly enabled: true; readonly http: { readonly enabled: true; readonly containerPort: number } };
  readonly proxy: {
    readonly enabled: true;
    readonly type: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
    /** Not in values.yaml; the chart's `kong.service` helper renders it onto the proxy Service. */
    readonly externalTrafficPolicy?: 'Local' | 'Cluster';
    readonly labels: Record<string, string>;
    readonly http: { readonly enabled: true };
    readonly tls: { readonly enabled: true };
  };
  readonly manager: { readonly enabled: false };
  readonly portal: { readonly enabled: false };
  readonly portalapi: { readonly enabled: false };
  readonly ingressController: {
    readonly enabled: true;
    readonly ingressClass: string;
    readonly createIngressClass: true;
    readonly resources: ContainerResources;
    readonly admissionWebhook: { readonly enabled: true };
  };
  readonly replicaCount: number;
  readonly resources: ContainerResources;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly maxUnavailable?: number };
  /** Documented (commented) in values.yaml. */
  readonly affinity?: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  readonly containerSecurityContext: Record<string, unknown>;
  readonly serviceMonitor: { readonly enabled: false };
}
