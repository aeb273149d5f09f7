import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { RESTRICTED_CONTAINER_VALUES } from '../common/security';
import { HelmChartInstall, type HelmChartRef } from '../gitops/helm-chart-install';

/** The pinned Knative Operator chart; its operator installs Serving/Eventing 1.23.0. */
export const KNATIVE_OPERATOR_CHART: HelmChartRef = {
  repository: { name: 'knative-operator', url: 'https://knative.github.io/operator' },
  chart: 'knative-operator',
  version: 'v1.23.0',
};
/** Knative release the operator installs (and the CRDs under ../shared/upstream are from). */
export const KNATIVE_VERSION = '1.23.0';

/** requests/limits as the chart templates them (each of cpu and memory required). */
export interface KnativeOperatorResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Settings of one of the chart's two Deployments (`knative_operator`, `operator_webhook`). */
export interface KnativeOperatorDeploymentValues {
  readonly image?: string;
  /** Image tag; the chart's values.yaml holds a `{{ tag }}` release placeholder, so always set. */
  readonly tag: string;
  readonly resources?: KnativeOperatorResources;
  /** The chart templates allowPrivilegeEscalation, readOnlyRootFilesystem and runAsNonRoot from here (and drops ALL capabilities itself). */
  readonly containerSecurityContext?: { readonly allowPrivilegeEscalation: boolean; readonly readOnlyRootFilesystem: boolean; readonly runAsNonRoot: boolean };
  readonly affinity?: Record<string, unknown>;
  readonly tolerations?: readonly Record<string, unknown>[];
}

/** Typed values of the knative-operator chart (config/charts/knative-operator/values.yaml at v1.23.0). */
export interface KnativeOperatorValues {
  readonly knative_operator: {
    readonly knative_operator: KnativeOperatorDeploymentValues;
    readonly operator_webhook: KnativeOperatorDeploymentValues;
    /** @default 'v1.25.0' */
    readonly kubernetes_min_version?: string;
  };
}

export interface KnativeOperatorInstallProps {
  /** Namespace of the operator (must exist in the same layer). */
  readonly namespace: string;
  /** Operator and webhook resources. */
  readonly resources: KnativeOperatorResources;
  /** @default KNATIVE_OPERATOR_CHART */
  readonly chart?: HelmChartRef;
}

/** The Knative Operator, installed from its pinned Helm chart. */
export class KnativeOperatorInstall extends Construct {
  readonly install: HelmChartInstall<KnativeOperatorValues>;

  constructor(scope: Construct, id: string, props: KnativeOperatorInstallProps) {
    super(scope, id);
    const chart = props.chart ?? KNATIVE_OPERATOR_CHART;
    const tag = chart.version.startsWith('v') ? chart.version : `v${chart.version}`;
    for (const part of ['requests', 'limits'] as const) {
      for (const k of ['cpu', 'memory'] as const) {
        if (!props.resources[part]?.[k]) fail(`KnativeOperatorInstall.resources.${part}.${k}`, props.resources[part]?.[k], 'is required: the chart templates each of requests/limits cpu/memory');
      }
    }
    const securityContext = {
      allowPrivilegeEscalation: RESTRICTED_CONTAINER_VALUES.allowPrivilegeEscalation ?? false,
      readOnlyRootFilesystem: RESTRICTED_CONTAINER_VALUES.readOnlyRootFilesystem ?? true,
      runAsNonRoot: RESTRICTED_CONTAINER_VALUES.runAsNonRoot ?? true,
    };
    const deployment = (): KnativeOperatorDeploymentValues => ({ tag, resources: props.resources, containerSecurityContext: securityContext });
    this.install = new HelmChartInstall<KnativeOperatorValues>(this, 'Chart', {
      chart,
      releaseName: 'knative-operator',
      namespace: props.namespace,
      values: { knative_operator: { knative_operator: deployment(), operator_webhook: deployment() } },
    });
  }
}
