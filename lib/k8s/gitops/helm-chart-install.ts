import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../../spec/errors';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../imports/flux-helmrelease-helm.toolkit.fluxcd.io';
import { HelmRepository, HelmRepositorySpecType } from '../../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { LABELS, MANAGED_BY } from '../common/labels';

/** A chart pinned by repository and exact version. */
export interface HelmChartRef {
  /** Repository: a name for the Flux `HelmRepository` and its URL (`https://…` or `oci://…`). */
  readonly repository: { readonly name: string; readonly url: string };
  /** Chart name in the repository. */
  readonly chart: string;
  /** Exact chart version (no ranges: installs must be reproducible). */
  readonly version: string;
}

export interface HelmChartInstallProps<V extends object> {
  /** The pinned chart. */
  readonly chart: HelmChartRef;
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace the release is installed into (must exist: create it in the same layer). */
  readonly namespace: string;
  /** Typed chart values. */
  readonly values: V;
  /** Releases that must be ready first. @default none */
  readonly dependsOn?: readonly HelmChartInstall<object>[];
  /** How often Flux reconciles the release. @default '30m' */
  readonly interval?: string;
  /** How long an install or upgrade may take. @default '10m' */
  readonly timeout?: string;
}

const EXACT_VERSION = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Installs an upstream Helm chart, pinned. GitOps output gets a Flux `HelmRepository` +
 * `HelmRelease`; the Pulumi bridge turns the same HelmRelease into a `helm.v3.Release`
 * with the same chart, repository, version, namespace and values.
 */
export class HelmChartInstall<V extends object> extends Construct {
  readonly release: HelmRelease;
  readonly repository: HelmRepository;
  readonly releaseName: string;
  readonly namespace: string;
  readonly chart: HelmChartRef;
  readonly values: V;

  constructor(scope: Construct, id: string, props: HelmChartInstallProps<V>) {
    // Validate before joining the construct tree: a rejected install leaves no trace in it.
    const where = `HelmChartInstall(${props.releaseName})`;
    if (!EXACT_VERSION.test(props.chart.version)) {
      fail(`${where}.chart.version`, props.chart.version, 'must be an exact chart version such as "1.2.0" (ranges make installs unreproducible)');
    }
    if (!/^(https:\/\/|oci:\/\/)/.test(props.chart.repository.url)) {
      fail(`${where}.chart.repository.url`, props.chart.repository.url, 'must start with https:// or oci://');
    }
    super(scope, id);
    this.releaseName = props.releaseName;
    this.namespace = props.namespace;
    this.chart = props.chart;
    this.values = props.values;
    const oci = props.chart.repository.url.startsWith('oci://');
    const labels = { [LABELS.managedBy]: MANAGED_BY };

    // Charts from one repository share one HelmRepository per namespace.
    const chartScope = Chart.of(this);
    const repoId = `HelmRepository-${props.namespace}-${props.chart.repository.name}`;
    const existing = chartScope.node.tryFindChild(repoId) as HelmRepository | undefined;
    if (existing && existing.toJson().spec.url !== props.chart.repository.url) {
      fail(`${where}.chart.repository`, props.chart.repository, `repository name "${props.chart.repository.name}" is already used for ${existing.toJson().spec.url}`);
    }
    this.repository =
      existing ??
      new HelmRepository(chartScope, repoId, {
        metadata: { name: props.chart.repository.name, namespace: props.namespace, labels },
        spec: { url: props.chart.repository.url, interval: '24h', ...(oci && { type: HelmRepositorySpecType.OCI }) },
      });

    this.release = new HelmRelease(this, 'Release', {
      metadata: { name: props.releaseName, namespace: props.namespace, labels },
      spec: {
        releaseName: props.releaseName,
        interval: props.interval ?? '30m',
        timeout: props.timeout ?? '10m',
        chart: {
          spec: {
            chart: props.chart.chart,
            version: props.chart.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: props.chart.repository.name, namespace: props.namespace },
          },
        },
        // CRDs ship with the charts; keep them current on upgrade too.
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        ...(props.dependsOn?.length && { dependsOn: props.dependsOn.map((d) => ({ name: d.releaseName, namespace: d.namespace })) }),
        values: props.values as Record<string, unknown>,
      },
    });
  }
}
