import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/prom-podmonitor-monitoring.coreos.com';
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction } from '../../imports/prom-servicemonitor-monitoring.coreos.com';
import { fail } from '../../core/errors';

export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** One scraped component: what to select, where, on which port. */
export interface ScrapeTargetProps {
  /** Value of the `component` label put on every scraped series (and used by the down alerts). */
  readonly component: string;
  /** Scrape through a Service (ServiceMonitor) or the pods directly (PodMonitor). */
  readonly via: 'service' | 'pod';
  /** Namespaces where the targets live. */
  readonly namespaces: readonly string[];
  /** Selects the Services or pods. An empty selector selects all in the namespaces. */
  readonly selector: LabelSelector;
  /** Named port. Exactly one of `port` / `portNumber`. @default none (set `portNumber`) */
  readonly port?: string;
  /** Port number, for pods that do not name their metrics port (pods only). @default none (set `port`) */
  readonly portNumber?: number;
  /** @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
  /** Keep the target's own labels on conflicts (Knative's metrics carry their own). @default false */
  readonly honorLabels?: boolean;
  /**
   * Whether the component always runs: targets that scale to zero (function pods) must not
   * raise "down" alerts. @default true
   */
  readonly alwaysUp?: boolean;
  /** Copy the target's namespace into a `tenant` label (tenant pods). @default false */
  readonly tenantFromNamespace?: boolean;
}

export interface ScrapeTargetOptions {
  /** Name of the monitor object. */
  readonly name: string;
  /** Namespace the monitor object lives in (Prometheus' own). */
  readonly namespace: string;
  /** Labels Prometheus selects monitors by. */
  readonly labels: Record<string, string>;
}

/**
 * A ServiceMonitor or PodMonitor for one platform component, labelled so the toolkit's
 * Prometheus selects it, and tagging every series with `component` so alerts and
 * dashboards do not depend on upstream job names.
 */
export class ScrapeTarget extends Construct {
  readonly props: ScrapeTargetProps;
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ScrapeTargetProps & ScrapeTargetOptions) {
    super(scope, id);
    const where = `ScrapeTarget(${props.component})`;
    if ((props.port === undefined) === (props.portNumber === undefined)) {
      fail(`${where}.port`, props.port ?? props.portNumber, 'give exactly one of "port" (a named port) or "portNumber"');
    }
    if (props.via === 'service' && props.portNumber !== undefined) fail(`${where}.portNumber`, props.portNumber, 'ServiceMonitors select a named Service port: use "port"');
    if (props.namespaces.length === 0) fail(`${where}.namespaces`, props.namespaces, 'must list at least one namespace');
    this.props = props;
    const relabel = [
      { action: 'replace', targetLabel: 'component', replacement: props.component },
      ...(props.tenantFromNamespace ? [{ action: 'replace', sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'tenant' }] : []),
    ];
    const metadata = { name: props.name, namespace: props.namespace, labels: props.labels };
    const namespaceSelector = { matchNames: [...props.namespaces] };
    const common = { path: props.path ?? '/metrics', interval: props.interval ?? '30s', ...(props.honorLabels && { honorLabels: true }) };
    if (props.via === 'service') {
      this.apiObject = new ServiceMonitor(this, 'Resource', {
        metadata,
        spec: {
          namespaceSelector,
          selector: props.selector,
          endpoints: [{ port: props.port, ...common, relabelings: relabel.map((r) => ({ ...r, action: r.action as ServiceMonitorSpecEndpointsRelabelingsAction })) }],
        },
      });
    } else {
      this.apiObject = new PodMonitor(this, 'Resource', {
        metadata,
        spec: {
          namespaceSelector,
          selector: props.selector,
          podMetricsEndpoints: [
            {
              ...(props.port !== undefined ? { port: props.port } : { portNumber: props.portNumber }),
              ...common,
              relabelings: relabel.map((r) => ({ ...r, action: r.action as PodMonitorSpecPodMetricsEndpointsRelabelingsAction })),
            },
          ],
        },
      });
    }
  }
}
