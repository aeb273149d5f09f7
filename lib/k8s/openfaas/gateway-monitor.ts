import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/prom-podmonitor-monitoring.coreos.com';
import { LABELS, MANAGED_BY } from '../common/labels';

export interface GatewayMonitorProps {
  /** The OpenFaaS control-plane namespace. */
  readonly namespace: string;
  /** Labels the platform Prometheus selects PodMonitors by. @default {} */
  readonly labels?: Record<string, string>;
  /** @default '30s' */
  readonly interval?: string;
}

/** Port of the gateway's metrics listener (`gateway_function_invocation_total` and friends). */
export const GATEWAY_METRICS_PORT = 8082;

/**
 * Lets the platform's Prometheus (kube-prometheus-stack) scrape the OpenFaaS gateway for
 * invocation rates, latencies and replica counts; the chart's internal Prometheus only
 * serves the autoscaler. The gateway container declares port 8080 only, so the target is
 * selected by that port and its address rewritten to the metrics port, as the
 * Prometheus Operator documents for undeclared ports.
 */
export class GatewayMonitor extends Construct {
  readonly resource: PodMonitor;

  constructor(scope: Construct, id: string, props: GatewayMonitorProps) {
    super(scope, id);
    this.resource = new PodMonitor(this, 'Resource', {
      metadata: { name: 'openfaas-gateway', namespace: props.namespace, labels: { [LABELS.managedBy]: MANAGED_BY, ...props.labels } },
      spec: {
        selector: { matchLabels: { app: 'gateway' } },
        podMetricsEndpoints: [
          {
            portNumber: 8080,
            path: '/metrics',
            interval: props.interval ?? '30s',
            relabelings: [
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                sourceLabels: ['__meta_kubernetes_pod_ip'],
                regex: '(.+)',
                targetLabel: '__address__',
                replacement: `$1:${GATEWAY_METRICS_PORT}`,
              },
            ],
          },
        ],
      },
    });
  }
}
