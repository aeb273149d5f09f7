import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import type { DashboardModel } from './dashboards';
import { GRAFANA_DASHBOARD_LABEL } from './kube-prometheus-stack';

export interface GrafanaDashboardProps {
  readonly dashboard: DashboardModel;
  /** ConfigMap name. */
  readonly name: string;
  /** Namespace the Grafana sidecar watches. */
  readonly namespace: string;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/** ConfigMap caps at 1 MiB; leave room for metadata. */
const MAX_JSON_BYTES = 900 * 1024;

/** A dashboard provisioned through the Grafana sidecar: a ConfigMap labelled for it. */
export class GrafanaDashboard extends Construct {
  readonly configMap: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const json = JSON.stringify(props.dashboard.json, null, 2);
    if (Buffer.byteLength(json) > MAX_JSON_BYTES) fail(`GrafanaDashboard(${props.name}).dashboard`, props.dashboard.uid, `is ${Buffer.byteLength(json)} bytes; a ConfigMap holds at most ~1 MiB`);
    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels, [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
      },
      data: { [`${props.dashboard.uid}.json`]: json },
    });
  }
}
