import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Construct } from 'constructs';
import { HelmChartInstall, REQUIRES_SECRETS } from '../k8s/gitops/helm-chart-install';
import type { HybridPlatform } from '../platform/hybrid-platform';
import { LAYERS, type Layer } from '../platform/layers';
import { chartsObjects } from '../platform/synth';
import { durationSeconds } from '../core/duration';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are untyped JSON; each kind's spec is read where it is known
  spec?: any;
  [k: string]: unknown;
};

/** Flux objects that only make sense to Flux: the Pulumi path drops them. */
const FLUX_ONLY = new Set(['source.toolkit.fluxcd.io/HelmRepository', 'source.toolkit.fluxcd.io/GitRepository', 'source.toolkit.fluxcd.io/OCIRepository', 'kustomize.toolkit.fluxcd.io/Kustomization']);
const HELM_RELEASE = 'helm.toolkit.fluxcd.io/HelmRelease';
const ARGO_APPLICATION = 'argoproj.io/Application';

/** Argo CD Applications of Git folders (no chart) are GitOps-only; the chart installs' own objects are installed from the installs. */
const isGitopsOnly = (o: Manifest) => FLUX_ONLY.has(groupKind(o)) || (groupKind(o) === ARGO_APPLICATION && typeof o.spec?.source?.chart !== 'string');

const groupKind = (o: Manifest) => `${o.apiVersion.split('/')[0]}/${o.kind}`;
const objectName = (o: Manifest) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/** Built-in API groups whose kinds @pulumi/kubernetes has typed classes for (module = first label). */
const BUILT_IN_GROUP = /^(|apps|batch|policy|autoscaling|[a-z]+\.k8s\.io|rbac\.authorization\.k8s\.io)$/;

type ResourceClass = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The typed @pulumi/kubernetes class of a built-in kind (`kubernetes:core/v1:ConfigMap`,
 * `kubernetes:rbac.authorization.k8s.io/v1:Role`, …), or undefined for custom resources.
 */
export function builtInClass(apiVersion: string, kind: string): ResourceClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!BUILT_IN_GROUP.test(group)) return undefined;
  const module = group === '' ? 'core' : group.split('.')[0];
  const cls = (k8s as unknown as Record<string, Record<string, Record<string, unknown>>>)[module]?.[version]?.[kind];
  return typeof cls === 'function' ? (cls as ResourceClass) : undefined;
}

/** A layer of the cluster side: its resources are its children, so depending on it waits for all of them. */
export class ClusterLayer extends pulumi.ComponentResource {
  /** The layer's resources by `<Kind>/<namespace>/<name>` (Helm releases: `Release/<namespace>/<release name>`). */
  readonly resources = new Map<string, pulumi.CustomResource>();

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:cluster:Layer', name, {}, opts);
  }

  done(): void {
    this.registerOutputs({});
  }
}

/**
 * Every release keeps its last 10 revisions (Helm's default is unbounded: one Secret per
 * upgrade, forever; Flux keeps 5) and waits for the chart's Jobs (hooks, migrations) to finish,
 * as Flux's helm-controller does, before the release counts as deployed.
 */
export const RELEASE_HOUSEKEEPING = { maxHistory: 10, waitForJobs: true } as const;

/**
 * The Helm release a chart install describes: same chart, repository (the mirror's when there
 * is one), version, namespace, values (as the GitOps engine gets them) and timeout, whichever
 * GitOps engine the install renders for.
 */
export function chartInstallArgs(install: HelmChartInstall<object>): k8s.helm.v3.ReleaseArgs {
  const url = install.repositoryUrl;
  const oci = url.startsWith('oci://');
  return {
    name: install.releaseName,
    namespace: install.namespace,
    chart: oci ? `${url.replace(/\/$/, '')}/${install.chart.chart}` : install.chart.chart,
    version: install.chart.version,
    ...(oci ? {} : { repositoryOpts: { repo: url } }),
    values: install.renderedValues(),
    createNamespace: false,
    // Flux waits for readiness and remediates, Argo CD retries and self-heals; Helm's atomic install is the equivalent here.
    atomic: true,
    ...RELEASE_HOUSEKEEPING,
    timeout: install.timeout ? durationSeconds(install.timeout) : 600,
  };
}

/** The chart installs of some charts, in construct order. */
export function chartInstallsOf(charts: readonly { chart: Construct }[]): HelmChartInstall<object>[] {
  return charts.flatMap(({ chart }) => chart.node.findAll().filter((c): c is HelmChartInstall<object> => c instanceof HelmChartInstall));
}

/**
 * The Helm post-renderer that keeps only the CRDs of a chart's `crds/` folders, marked
 * `pulumi.com/patchForce` (scripts/helm-crds-only.js, shipped in the package; the same
 * `../../scripts` from lib/pulumi under ts-node and from build/pulumi).
 */
export const CRDS_ONLY_FILTER = path.resolve(__dirname, '../../scripts/helm-crds-only.js');

/**
 * How the provider runs the filter. The command is `node` from PATH (the Node.js language host
 * needs it there too) and the script is given relative to the working directory, which the
 * engine gives both the program and its provider plugins (the project folder): the chart's
 * inputs, recorded in the state, are then the same on every machine and checkout, so a
 * preview from elsewhere shows no change.
 */
export function crdsOnlyPostRenderer(cwd = process.cwd()): { command: string; args: string[] } {
  return { command: 'node', args: [path.relative(cwd, CRDS_ONLY_FILTER) || CRDS_ONLY_FILTER] };
}

/**
 * The chart install that manages a release's CRDs: a `helm.v4.Chart` (rendered by the provider,
 * each object applied server-side) of the same chart, version, repository, values, name and
 * namespace, with the chart's `crds/` included and everything but those CRDs filtered out.
 * Helm installs `crds/` only on a release's first install and never upgrades them; as Pulumi
 * resources they follow the chart version. The release itself then skips them.
 */
export function crdChartArgs(release: k8s.helm.v3.ReleaseArgs): k8s.helm.v4.ChartArgs {
  return {
    name: release.name,
    namespace: release.namespace,
    chart: release.chart,
    version: release.version,
    ...(release.repositoryOpts && { repositoryOpts: release.repositoryOpts as pulumi.Input<k8s.types.input.helm.v4.RepositoryOpts> }),
    values: release.values,
    skipCrds: false,
    postRenderer: crdsOnlyPostRenderer(),
  };
}

/**
 * A Helm release and its CRDs (see crdChartArgs): the CRD chart `<name>-crds` is applied first,
 * the release (`skipCrds`) after it. The CRDs are retained when the chart goes: Helm and Flux
 * never delete a chart's CRDs either (deleting one deletes every object of its kinds); the
 * provider's create is an upsert, so CRDs an earlier release installed are adopted.
 */
export function helmInstall(
  name: string,
  args: k8s.helm.v3.ReleaseArgs,
  opts: Omit<pulumi.CustomResourceOptions, 'dependsOn'> & { dependsOn?: pulumi.Resource[] } = {},
): { release: k8s.helm.v3.Release; crds: k8s.helm.v4.Chart } {
  const { dependsOn = [], ...rest } = opts;
  // CRDs are cluster-wide and rendered from the chart alone: they need neither the release's namespace nor its dependencies.
  const crds = new k8s.helm.v4.Chart(`${name}-crds`, crdChartArgs(args), { ...rest, retainOnDelete: true });
  const release = new k8s.helm.v3.Release(name, { ...args, skipCrds: true }, { ...rest, dependsOn: [...dependsOn, crds] });
  return { release, crds };
}

/**
 * Version names a custom resource's apiVersion may move between (Kubernetes' naming:
 * v<major>[alpha|beta<n>]). Every version the pinned upstream CRDs serve is among them; a
 * version outside this list gets no alias. A fixed list because the CRDs' served versions are
 * not known to the program (they come with the charts, rendered by the provider).
 */
export const API_VERSION_NAMES: readonly string[] = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1beta1', 'v1beta2', 'v1beta3', 'v1', 'v2alpha1', 'v2beta1', 'v2beta2', 'v2', 'v3'];

/**
 * Aliases of a custom resource at the other versions of its group and kind. Its Pulumi type
 * (`kubernetes:<group>/<version>:<Kind>`) and so its URN contain the version: without aliases,
 * moving an object from v1beta2 to v1 would delete it and create it anew (a KafkaTopic's data
 * with it); with them the engine sees the same resource and the provider updates it in place.
 * The built-in classes of @pulumi/kubernetes alias their kinds' versions the same way.
 */
export function apiVersionAliases(apiVersion: string, kind: string): pulumi.Alias[] {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!group) return [];
  return API_VERSION_NAMES.filter((v) => v !== version).map((v) => ({ type: `kubernetes:${group}/${v}:${kind}` }));
}

/** A custom resource as the bridge registers it: the generic class, with apiVersion aliases. */
export function customResource(name: string, o: { apiVersion: string; kind: string; [k: string]: unknown }, opts: pulumi.CustomResourceOptions = {}): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(name, o as k8s.apiextensions.CustomResourceArgs, { ...opts, aliases: [...(opts.aliases ?? []), ...apiVersionAliases(o.apiVersion, o.kind)] });
}

/**
 * The provider waits for an Ingress until its status has a load-balancer address, which the
 * gateway publishes only from a LoadBalancer proxy Service: with a NodePort or ClusterIP proxy
 * (clusters without load balancers) the wait would never end, so it is skipped.
 */
export function withoutAddressWait(o: Manifest, proxyServiceType: string): Manifest {
  if (o.kind !== 'Ingress' || proxyServiceType === 'LoadBalancer') return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SKIP_AWAIT]: 'true' } } };
}

/**
 * The Deployment and Service of an OpenFaaS Community Edition function (label `faas_function`)
 * are registered without the provider's rollout and endpoint waits, as the functions of the
 * other targets are (Knative Services and OpenFaaS `Function`s are custom resources, which the
 * provider does not wait for): a function whose pods do not come up is the function alerts'
 * business, not a failed platform deployment, and faas-netes owns the replicas.
 */
export function withoutFunctionWait(o: Manifest): Manifest {
  if ((o.kind !== 'Deployment' && o.kind !== 'Service') || o.metadata.labels?.faas_function === undefined) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SKIP_AWAIT]: 'true' } } };
}

/**
 * Operator custom resources whose readiness the next layer needs: the Knative Operator installs
 * Serving's and Eventing's CRDs and webhooks only when it reconciles these, and the apps layer's
 * Services, Brokers and Triggers need both. Flux waits for them through the Kustomization's
 * health checks; on the Pulumi path the provider waits for their Ready condition.
 */
export const READINESS_GATES: ReadonlySet<string> = new Set(['operator.knative.dev/KnativeServing', 'operator.knative.dev/KnativeEventing']);

/** @pulumi/kubernetes' annotation: wait until the object meets a condition (kubectl wait syntax). */
export const WAIT_FOR = 'pulumi.com/waitFor';

export function withReadinessWait(o: Manifest): Manifest {
  if (!READINESS_GATES.has(groupKind(o))) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [WAIT_FOR]: 'condition=Ready' } } };
}

/** @pulumi/kubernetes' annotation that turns off its readiness wait for one resource. */
export const SKIP_AWAIT = 'pulumi.com/skipAwait';

export { REQUIRES_SECRETS };

export interface DeployClusterOptions {
  /**
   * Values of Secrets that chart installs need before they install (the annotation
   * `hybrid-serverless.io/requires-secrets`, e.g. `openfaas/openfaas-license`), by
   * `namespace/name`: each becomes a Secret created after its namespace and before the release.
   * Secrets not given here must exist already. @default none
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Kubernetes provider. @default the ambient one (kubeconfig / `kubernetes:context` config) */
  readonly provider?: k8s.Provider;
  /** Parent of the layers. @default none (stack) */
  readonly parent?: pulumi.Resource;
  /**
   * Register every object with `retainOnDelete`: when it leaves the program (or the stack is
   * destroyed) Pulumi forgets it and the cluster keeps it. @default false
   */
  readonly retainOnDelete?: boolean;
}

/**
 * Turns the platform's cdk8s charts into @pulumi/kubernetes resources. Each `HelmChartInstall`
 * becomes a `helm.v3.Release` (chartInstallArgs) with its chart's CRDs as a `helm.v4.Chart`
 * (helmInstall), after the releases it depends on, whichever GitOps engine it renders for; its
 * own GitOps objects (HelmRelease and HelmRepository, or Application) and other GitOps-only
 * objects (Flux Kustomizations, Applications of Git folders) are dropped. Built-in kinds become
 * their typed resources and custom resources `apiextensions.CustomResource`s (aliased across
 * versions). Layers depend on each other in order (CRDs from chart installs exist before the
 * custom resources of `config`), and inside a layer namespaces come first.
 */
export function deployCluster(platform: HybridPlatform, options: DeployClusterOptions = {}): Record<Layer, ClusterLayer> {
  const prefix = `${platform.spec.name}-${platform.envName}`;
  // Every chart install's release, across layers: a release may depend on one of an earlier layer.
  const releases = new Map<HelmChartInstall<object>, k8s.helm.v3.Release>();
  // Every chart's objects, the App resolved and validated once (not once per chart).
  const allCharts = LAYERS.flatMap((layer) => platform.chartsOf(layer).map(({ chart }) => chart));
  const rendered = new Map(chartsObjects(allCharts).map((objects, i) => [allCharts[i], objects as Manifest[]]));
  const layers = {} as Record<Layer, ClusterLayer>;
  let previous: ClusterLayer | undefined;
  for (const layer of LAYERS) {
    const charts = platform.chartsOf(layer);
    const installs = chartInstallsOf(charts);
    const installed = new Set(installs.map((i) => `${i.release.kind}/${i.release.metadata.namespace}/${i.release.name}`));
    const objects = charts.flatMap(({ chart }) => rendered.get(chart)!).filter((o) => !isGitopsOnly(o) && !installed.has(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
    const stray = objects.find((o) => groupKind(o) === HELM_RELEASE || groupKind(o) === ARGO_APPLICATION);
    if (stray) throw new Error(`${stray.kind} ${objectName(stray)} was not made by a HelmChartInstall: the Pulumi path installs charts from HelmChartInstall constructs only`);

    const component = new ClusterLayer(`${prefix}-${layer}`, { parent: options.parent, ...(previous && { dependsOn: [previous] }) });
    const childOpts: pulumi.CustomResourceOptions = { parent: component, ...(options.provider && { provider: options.provider }), ...(options.retainOnDelete && { retainOnDelete: true }) };
    const namespaces = objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => new k8s.core.v1.Namespace(o.metadata.name, o as k8s.core.v1.NamespaceArgs, childOpts));
    const afterNamespaces: pulumi.CustomResourceOptions = { ...childOpts, dependsOn: namespaces };
    // Secrets a release needs before it installs, from the stack's secret config.
    const secrets = new Map<string, k8s.core.v1.Secret>();
    const secretsFor = (install: HelmChartInstall<object>) =>
      install.requiredSecrets.flatMap(({ namespace, name, key }) => {
        const id = `${namespace}/${name}`;
        const value = options.secrets?.[id];
        if (value === undefined) return [];
        if (!secrets.has(id)) {
          const labels = { 'app.kubernetes.io/managed-by': 'hybrid-serverless', 'app.kubernetes.io/part-of': platform.spec.name, 'hybrid-serverless.io/environment': platform.envName };
          secrets.set(id, new k8s.core.v1.Secret(id, { metadata: { name, namespace, labels }, type: 'Opaque', stringData: { [key]: pulumi.secret(value) } }, afterNamespaces));
        }
        return [secrets.get(id)!];
      });
    // Releases in dependsOn order (a release's dependencies are created before it); the same for
    // Flux (HelmRelease dependsOn) and Argo CD (sync waves, which follow dependsOn).
    const pending = [...installs];
    while (pending.length > 0) {
      const ready = pending.findIndex((i) => i.dependsOn.every((d) => releases.has(d)));
      if (ready < 0) throw new Error(`chart install dependsOn cycle, or a dependency in a later layer, among: ${pending.map((i) => `${i.namespace}/${i.releaseName}`).join(', ')}`);
      const install = pending.splice(ready, 1)[0];
      const args = chartInstallArgs(install);
      const deps = install.dependsOn.map((d) => releases.get(d)!);
      const release = helmInstall(`${install.namespace}/${install.releaseName}`, args, { ...childOpts, dependsOn: [...namespaces, ...deps, ...secretsFor(install)] }).release;
      releases.set(install, release);
      component.resources.set(`Release/${install.namespace}/${install.releaseName}`, release);
    }
    for (const o of objects) {
      if (o.kind === 'Namespace') continue;
      // Built-in kinds get their typed class (and type token); custom resources the generic one.
      const Cls = builtInClass(o.apiVersion, o.kind);
      const resource = Cls
        ? new Cls(objectName(o), withoutFunctionWait(withoutAddressWait(o, platform.env.proxyServiceType)), afterNamespaces)
        : customResource(objectName(o), withReadinessWait(o), afterNamespaces);
      component.resources.set(`${o.kind}/${objectName(o)}`, resource);
    }
    component.done();
    layers[layer] = component;
    previous = component;
  }
  return layers;
}
