import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { HelmRelease, HelmReleaseSpecChartSpecSourceRefKind, HelmReleaseSpecInstallCrds, HelmReleaseSpecUpgradeCrds } from '../../imports/flux-helmrelease-helm.toolkit.fluxcd.io';
import { HelmRepository, HelmRepositorySpecType } from '../../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { LABELS, MANAGED_BY } from '../common/labels';
import { chartMirrorOf, chartMirrorProblem, type HelmChartMirror } from './chart-mirror';
import { ARGO_FINALIZER, ARGO_RETRY, ARGO_SYNC_OPTIONS, argoHelmRepoUrl, gitopsOf, HELM_TIMEOUT, IN_CLUSTER, SYNC_WAVE, type GitopsTarget } from './engine';

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
  /**
   * Repository to fetch the chart from instead of `chart.repository` (same chart name and
   * version); may be plain `http://`. With Flux the HelmRepository keeps the upstream
   * repository's name and points at the mirror, so the HelmRelease is the same with or without one.
   * @default the App's mirror (set by HybridPlatform from the spec's `charts.mirror`), else none: `chart.repository`
   */
  readonly mirror?: HelmChartMirror;
  /** Releases that must be ready first. @default none */
  readonly dependsOn?: readonly HelmChartInstall<object>[];
  /** GitOps engine to render for. @default the App's (set by HybridPlatform from spec.gitops), else Flux */
  readonly gitops?: GitopsTarget;
  /** How often Flux reconciles the release (Flux only). @default '30m' */
  readonly interval?: string;
  /** How long an install or upgrade may take (Flux; with Argo CD only the Pulumi path uses it). @default '10m' */
  readonly timeout?: string;
}

/**
 * Annotation on a chart install's release object (HelmRelease or Application) listing Secrets
 * the release needs before it installs and the toolkit does not create: `ns/name (key k), …`.
 * The Pulumi path creates those it is given values for (its `secrets` option) before the release.
 */
export const REQUIRES_SECRETS = 'hybrid-serverless.io/requires-secrets';

/** A Secret key a chart install needs before it installs. */
export interface RequiredSecret {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/** The single-key entries of a requires-secrets annotation (`ns/name (key k)`); multi-key entries (`(keys a, b)`) must exist already. */
export function parseRequiredSecrets(annotation: string | undefined): RequiredSecret[] {
  if (!annotation) return [];
  return annotation.split(',').flatMap((entry) => {
    const m = /^\s*([a-z0-9-]+)\/([a-z0-9.-]+) \(key ([A-Za-z0-9._-]+)\)\s*$/.exec(entry);
    return m ? [{ namespace: m[1], name: m[2], key: m[3] }] : [];
  });
}

const EXACT_VERSION = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Installs an upstream Helm chart, pinned. With Flux (default) the output gets a
 * `HelmRepository` + `HelmRelease`; with Argo CD one `Application` with a Helm source in
 * Argo CD's namespace, ordered after its dependencies by sync wave. The Pulumi bridge turns
 * either into a `helm.v3.Release` with the same chart, repository, version, namespace and values.
 * With a mirror (the `mirror` prop or the App's), all three fetch the chart from the mirror.
 */
export class HelmChartInstall<V extends object> extends Construct {
  /** The object that installs the chart: the Flux HelmRelease, or the Argo CD Application. */
  readonly release: HelmRelease | Application;
  /** The Flux HelmRepository (shared per namespace); undefined with Argo CD. */
  readonly repository?: HelmRepository;
  /** The Argo CD Application; undefined with Flux. */
  readonly application?: Application;
  /** Argo CD sync wave: 1 + the highest wave among dependsOn (1 without dependencies: after namespaces). */
  readonly syncWave: number;
  readonly releaseName: string;
  readonly namespace: string;
  /** The chart as pinned (its upstream repository). */
  readonly chart: HelmChartRef;
  /** The mirror the chart is fetched from; undefined when it comes from `chart.repository`. */
  readonly mirror?: HelmChartMirror;
  /** The repository URL the install fetches from: the mirror's, else `chart.repository.url`. */
  readonly repositoryUrl: string;
  readonly values: V;
  /** Releases that must be ready first. */
  readonly dependsOn: readonly HelmChartInstall<object>[];
  /** How long an install or upgrade may take, as given (undefined: the engine's default, 10m). */
  readonly timeout?: string;

  constructor(scope: Construct, id: string, props: HelmChartInstallProps<V>) {
    // Validate before joining the construct tree: a rejected install leaves no trace in it.
    const where = `HelmChartInstall(${props.releaseName})`;
    if (!EXACT_VERSION.test(props.chart.version)) {
      fail(`${where}.chart.version`, props.chart.version, 'must be an exact chart version such as "1.2.0" (ranges make installs unreproducible)');
    }
    if (!/^(https:\/\/|oci:\/\/)/.test(props.chart.repository.url)) {
      fail(`${where}.chart.repository.url`, props.chart.repository.url, 'must start with https:// or oci:// (plain http:// only for a mirror: see `mirror`)');
    }
    const mirror = props.mirror ?? chartMirrorOf(scope);
    const problem = mirror && chartMirrorProblem(mirror);
    if (problem) fail(`${where}.mirror.url`, mirror!.url, problem);
    super(scope, id);
    this.mirror = mirror;
    const url = mirror?.url ?? props.chart.repository.url;
    this.repositoryUrl = url;
    this.releaseName = props.releaseName;
    this.namespace = props.namespace;
    this.chart = props.chart;
    this.values = props.values;
    this.dependsOn = [...(props.dependsOn ?? [])];
    this.timeout = props.timeout;
    this.syncWave = 1 + Math.max(0, ...(props.dependsOn ?? []).map((d) => d.syncWave));
    const gitops = props.gitops ?? gitopsOf(this);
    const labels = { [LABELS.managedBy]: MANAGED_BY };

    if (gitops.engine === 'argocd') {
      this.application = new Application(this, 'Application', {
        metadata: {
          name: HelmChartInstall.applicationName(props.namespace, props.releaseName),
          namespace: gitops.argocd.namespace,
          labels,
          // Argo CD has no install timeout; the Pulumi bridge reads this one so both paths give Helm the same.
          annotations: { [SYNC_WAVE]: String(this.syncWave), ...(props.timeout && { [HELM_TIMEOUT]: props.timeout }) },
          finalizers: [ARGO_FINALIZER],
        },
        spec: {
          project: gitops.argocd.project,
          source: {
            repoUrl: argoHelmRepoUrl(url),
            chart: props.chart.chart,
            targetRevision: props.chart.version,
            helm: { releaseName: props.releaseName, valuesObject: props.values },
          },
          destination: { server: IN_CLUSTER, namespace: props.namespace },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [...ARGO_SYNC_OPTIONS], retry: ARGO_RETRY },
        },
      });
      this.release = this.application;
      return;
    }

    const oci = url.startsWith('oci://');
    // Charts from one repository share one HelmRepository per namespace. A mirror keeps the
    // upstream repository's name (only the URL changes), so turning it on or off leaves every
    // HelmRelease as it is.
    const chartScope = Chart.of(this);
    const repoId = `HelmRepository-${props.namespace}-${props.chart.repository.name}`;
    const existing = chartScope.node.tryFindChild(repoId) as HelmRepository | undefined;
    if (existing && existing.toJson().spec.url !== url) {
      fail(`${where}.chart.repository`, props.chart.repository, `repository name "${props.chart.repository.name}" is already used for ${existing.toJson().spec.url}`);
    }
    this.repository =
      existing ??
      new HelmRepository(chartScope, repoId, {
        metadata: { name: props.chart.repository.name, namespace: props.namespace, labels },
        spec: { url, interval: '24h', ...(oci && { type: HelmRepositorySpecType.OCI }) },
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

  /** Secrets the release needs before it installs (its requires-secrets annotation). */
  get requiredSecrets(): RequiredSecret[] {
    return parseRequiredSecrets(this.release.metadata.toJson().annotations?.[REQUIRES_SECRETS]);
  }

  /**
   * The values the release installs with as the GitOps engine gets them: tokens resolved and
   * JSON patches on the release object applied.
   */
  renderedValues(): Record<string, unknown> {
    const spec = this.release.toJson().spec;
    return (this.application ? spec.source?.helm?.valuesObject : spec.values) ?? {};
  }

  /**
   * Name of the Argo CD Application of a release: all Applications share Argo CD's namespace,
   * so the release's namespace is part of the name unless the release is named after it.
   */
  static applicationName(namespace: string, releaseName: string): string {
    return releaseName === namespace || releaseName.startsWith(`${namespace}-`) ? releaseName : `${namespace}-${releaseName}`;
  }
}
