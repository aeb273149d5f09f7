import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { isGoDuration } from '../../core/duration';
import { HelmChartInstall } from '../gitops/helm-chart-install';
import { CRON_CONNECTOR_CHART, type CronConnectorValues, type Resources } from './chart-values';
import type { OpenFaaSInstall } from './openfaas-install';

export interface CronConnectorProps {
  /** The OpenFaaS install whose gateway the connector invokes (same namespace, same basic-auth Secret). */
  readonly openfaas: OpenFaaSInstall;
  /**
   * Invoke through the queue worker (`/async-function/<name>`), so a failed run is retried
   * instead of only being logged.
   * @default true
   */
  readonly asyncInvocation?: boolean;
  /** How often the connector re-reads the functions' schedules. @default '30s' */
  readonly rebuildInterval?: string;
  /** @default 50m/64Mi requested, 128Mi limit */
  readonly resources?: Resources;
}

/**
 * The OpenFaaS cron-connector (Community Edition image): invokes every function annotated
 * `topic: cron-function` on its `schedule` (UTC). Functions opt in with
 * `OpenFaaSFunction.addSchedule()`.
 */
export class CronConnector extends Construct {
  readonly install: HelmChartInstall<CronConnectorValues>;

  constructor(scope: Construct, id: string, props: CronConnectorProps) {
    super(scope, id);
    const rebuild = props.rebuildInterval ?? '30s';
    if (!isGoDuration(rebuild)) fail('CronConnector.rebuildInterval', rebuild, 'must be a duration such as "30s"');
    const values: CronConnectorValues = {
      openfaasPro: false,
      asyncInvocation: props.asyncInvocation ?? true,
      contentType: 'text/plain',
      rebuildInterval: rebuild,
      gatewayURL: props.openfaas.gatewayUrl,
      basicAuth: true,
      logs: { format: 'json' },
      resources: props.resources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    };
    this.install = new HelmChartInstall(this, 'Chart', {
      chart: CRON_CONNECTOR_CHART,
      releaseName: 'cron-connector',
      namespace: props.openfaas.namespace,
      values,
      dependsOn: [props.openfaas.install],
    });
  }
}
