import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KUBE_PROMETHEUS_STACK_CHART } from '../k8s/observability/kube-prometheus-stack';
import type { HybridPlatform } from '../platform/hybrid-platform';
import { chartInstallsOf, type ClusterLayer } from './bridge';

/** Label the gateway puts on a route's Ingress: the function it routes to. */
const ROUTE_LABEL = 'hybrid-serverless.io/function';

export interface ClusterOutputs {
  /** Route (Ingress) name → its URL(s), from the Ingress as the cluster holds it: `https://` where TLS covers the host. */
  readonly routeUrls?: pulumi.Output<Record<string, string>>;
  /**
   * The gateway's public address, as the ingress controller publishes it in the routes' Ingress
   * status (the proxy's load balancer). Empty where the proxy is a NodePort/ClusterIP Service:
   * reach it through the nodes or a port-forward.
   */
  readonly gatewayEndpoint?: pulumi.Output<{ proxyServiceType: string; address: string | null }>;
  /** In-cluster URL of Grafana's Service (`kubectl port-forward` to it), once the monitoring release is deployed. */
  readonly grafanaUrl?: pulumi.Output<string>;
}

/**
 * Stack outputs of the cluster side, each read from the deployed resources (known only once
 * they exist), never from names computed in advance.
 */
export function clusterOutputs(platform: HybridPlatform, layers: Record<string, ClusterLayer>): ClusterOutputs {
  const resources = Object.values(layers).flatMap((l) => [...l.resources.entries()]);
  const routes = resources.filter(([key, r]) => key.startsWith('Ingress/') && r instanceof k8s.networking.v1.Ingress).map(([, r]) => r as k8s.networking.v1.Ingress);
  const routed = routes.map((ingress) => pulumi.all([ingress.metadata, ingress.spec]).apply(([metadata, spec]) => ({ metadata, spec })));
  const out: { -readonly [K in keyof ClusterOutputs]: ClusterOutputs[K] } = {};
  if (routes.length > 0) {
    out.routeUrls = pulumi.all(routed).apply((list): Record<string, string> =>
      Object.fromEntries(
        list
          .filter(({ metadata }) => metadata.labels?.[ROUTE_LABEL] !== undefined)
          .map(({ metadata, spec }) => {
            const tls = new Set((spec.tls ?? []).flatMap((t) => t.hosts ?? []));
            const urls = (spec.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((p) => `${rule.host && tls.has(rule.host) ? 'https' : 'http'}://${rule.host ?? '*'}${p.path ?? '/'}`));
            return [metadata.name, urls.join(' ')];
          })
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ),
    ) as pulumi.Output<Record<string, string>>;
    out.gatewayEndpoint = pulumi.all(routes.map((r) => r.status)).apply((statuses) => {
      const first = statuses.flatMap((s) => s?.loadBalancer?.ingress ?? [])[0];
      return { proxyServiceType: platform.env.proxyServiceType, address: first?.hostname ?? first?.ip ?? null };
    });
  }
  const releaseName = monitoringReleaseName(platform);
  const monitoring = releaseName ? resources.find(([key]) => key.startsWith('Release/') && key.endsWith(`/${releaseName}`)) : undefined;
  if (monitoring) {
    const release = monitoring[1] as k8s.helm.v3.Release;
    // The grafana subchart names its Service `<release>-grafana` (release names without "grafana").
    out.grafanaUrl = release.status.apply((s) => `http://${s.name}-grafana.${s.namespace}.svc.cluster.local`);
  }
  return out;
}

/** The release name of the monitoring install, if Grafana is part of it in this environment. */
function monitoringReleaseName(platform: HybridPlatform): string | undefined {
  const install = chartInstallsOf(platform.chartsOf('platform')).find((i) => i.chart.chart === KUBE_PROMETHEUS_STACK_CHART.chart);
  const grafana = install?.renderedValues().grafana as { enabled?: boolean } | undefined;
  return install && grafana?.enabled !== false ? install.releaseName : undefined;
}
