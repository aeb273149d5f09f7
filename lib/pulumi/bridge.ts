import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { HELM_TIMEOUT, SYNC_WAVE } from '../k8s/gitops/engine';
import type { HybridPlatform } from '../platform/hybrid-platform';
import { LAYERS, type Layer } from '../platform/layers';
import { durationSeconds } from '../core/duration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are untyped JSON; each kind's spec is read where it is known
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; [k: string]: unknown };

/** Flux objects that only make sense to Flux: the Pulumi path drops them. */
const FLUX_ONLY = new Set(['source.toolkit.fluxcd.io/HelmRepository', 'source.toolkit.fluxcd.io/GitRepository', 'source.toolkit.fluxcd.io/OCIRepository', 'kustomize.toolkit.fluxcd.io/Kustomization']);
const HELM_RELEASE = 'helm.toolkit.fluxcd.io/HelmRelease';
const ARGO_APPLICATION = 'argoproj.io/Application';

/** An Argo CD Application installing a Helm chart (source.chart set); other Applications (Git sources) are GitOps-only. */
const isHelmApplication = (o: Manifest) => groupKind(o) === ARGO_APPLICATION && typeof o.spec?.source?.chart === 'string';
const isGitopsOnly = (o: Manifest) => FLUX_ONLY.has(groupKind(o)) || (groupKind(o) === ARGO_APPLICATION && !isHelmApplication(o));

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

/** The Helm release a Flux HelmRelease describes: same chart, repository, version, namespace, values. */
export function helmReleaseArgs(release: Manifest, repositories: ReadonlyMap<string, string>): k8s.helm.v3.ReleaseArgs {
  const spec = release.spec;
  const chartSpec = spec.chart.spec;
  const repoKey = `${chartSpec.sourceRef.namespace ?? release.metadata.namespace}/${chartSpec.sourceRef.name}`;
  const url = repositories.get(repoKey);
  if (!url) throw new Error(`HelmRelease ${objectName(release)} refers to HelmRepository ${repoKey}, which is not in the output`);
  const oci = url.startsWith('oci://');
  return {
    name: spec.releaseName ?? release.metadata.name,
    namespace: spec.targetNamespace ?? release.metadata.namespace,
    chart: oci ? `${url.replace(/\/$/, '')}/${chartSpec.chart}` : chartSpec.chart,
    version: chartSpec.version,
    ...(oci ? {} : { repositoryOpts: { repo: url } }),
    values: spec.values ?? {},
    createNamespace: false,
    // Flux waits for readiness and remediates; Helm's atomic install is the equivalent here.
    atomic: true,
    ...RELEASE_HOUSEKEEPING,
    timeout: spec.timeout ? durationSeconds(spec.timeout) : 600,
  };
}

/**
 * The Helm release an Argo CD Application with a Helm source describes. Argo CD names an OCI
 * registry host/path without `oci://` (an `https://` URL is a classic repository), so a
 * repoURL without a scheme is an OCI registry.
 */
export function applicationReleaseArgs(app: Manifest): k8s.helm.v3.ReleaseArgs {
  const source = app.spec.source;
  const repo = String(source.repoURL);
  const oci = !/^[a-z]+:\/\//.test(repo);
  const timeout = app.metadata.annotations?.[HELM_TIMEOUT];
  return {
    name: source.helm?.releaseName ?? app.metadata.name,
    namespace: app.spec.destination.namespace,
    chart: oci ? `oci://${repo.replace(/\/$/, '')}/${source.chart}` : source.chart,
    version: source.targetRevision,
    ...(oci ? {} : { repositoryOpts: { repo } }),
    values: source.helm?.valuesObject ?? {},
    createNamespace: false,
    // Argo CD retries and self-heals; Helm's atomic install is the equivalent here.
    atomic: true,
    ...RELEASE_HOUSEKEEPING,
    timeout: timeout ? durationSeconds(timeout) : 600,
  };
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

/** Annotation on a chart install listing Secrets it needs before it installs: `ns/name (key k), …`. */
export const REQUIRES_SECRETS = 'hybrid-serverless.io/requires-secrets';

/** The Secrets a chart install says it needs, as `namespace/name` → key. */
export function requiredSecrets(o: Manifest): { id: string; namespace: string; name: string; key: string }[] {
  const list = o.metadata.annotations?.[REQUIRES_SECRETS];
  if (!list) return [];
  return list.split(',').flatMap((entry) => {
    const m = /^\s*([a-z0-9-]+)\/([a-z0-9.-]+) \(key ([A-Za-z0-9._-]+)\)\s*$/.exec(entry);
    return m ? [{ id: `${m[1]}/${m[2]}`, namespace: m[1], name: m[2], key: m[3] }] : [];
  });
}

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
 * Turns the platform's cdk8s charts into @pulumi/kubernetes resources: HelmReleases and
 * Argo CD Applications with a Helm source become `helm.v3.Release`s, each with its chart's CRDs
 * as a `helm.v4.Chart` (helmInstall), GitOps-only objects
 * (Flux sources and Kustomizations, Applications of Git folders) are dropped, built-in kinds become their typed
 * resources and custom resources `apiextensions.CustomResource`s (aliased across versions). Layers depend on each other in order (CRDs from chart installs exist before the
 * custom resources of `config`), and inside a layer namespaces come first.
 */
export function deployCluster(platform: HybridPlatform, options: DeployClusterOptions = {}): Record<Layer, ClusterLayer> {
  const prefix = `${platform.spec.name}-${platform.envName}`;
  const repositories = new Map<string, string>();
  const layerObjects = new Map<Layer, Manifest[]>();
  for (const layer of LAYERS) {
    const objects = platform.chartsOf(layer).flatMap(({ chart }) => chart.toJson() as Manifest[]);
    for (const o of objects) if (o.kind === 'HelmRepository') repositories.set(`${o.metadata.namespace}/${o.metadata.name}`, o.spec.url);
    layerObjects.set(layer, objects);
  }

  const layers = {} as Record<Layer, ClusterLayer>;
  let previous: ClusterLayer | undefined;
  for (const layer of LAYERS) {
    const component = new ClusterLayer(`${prefix}-${layer}`, { parent: options.parent, ...(previous && { dependsOn: [previous] }) });
    const childOpts: pulumi.CustomResourceOptions = { parent: component, ...(options.provider && { provider: options.provider }), ...(options.retainOnDelete && { retainOnDelete: true }) };
    const objects = (layerObjects.get(layer) ?? []).filter((o) => !isGitopsOnly(o));
    const namespaces = objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => new k8s.core.v1.Namespace(o.metadata.name, o as k8s.core.v1.NamespaceArgs, childOpts));
    const releases = new Map<string, k8s.helm.v3.Release>();
    const afterNamespaces: pulumi.CustomResourceOptions = { ...childOpts, dependsOn: namespaces };
    // Secrets a release needs before it installs, from the stack's secret config.
    const secrets = new Map<string, k8s.core.v1.Secret>();
    const secretsFor = (o: Manifest) =>
      requiredSecrets(o).flatMap(({ id, namespace, name, key }) => {
        const value = options.secrets?.[id];
        if (value === undefined) return [];
        if (!secrets.has(id)) {
          const labels = { 'app.kubernetes.io/managed-by': 'hybrid-serverless', 'app.kubernetes.io/part-of': platform.spec.name, 'hybrid-serverless.io/environment': platform.envName };
          secrets.set(id, new k8s.core.v1.Secret(id, { metadata: { name, namespace, labels }, type: 'Opaque', stringData: { [key]: pulumi.secret(value) } }, afterNamespaces));
        }
        return [secrets.get(id)!];
      });
    // Helm releases in Flux dependsOn order (a release's dependencies are created before it).
    const pending = objects.filter((o) => groupKind(o) === HELM_RELEASE);
    while (pending.length > 0) {
      const ready = pending.findIndex((r) => (r.spec.dependsOn ?? []).every((d: { name: string; namespace?: string }) => releases.has(`${d.namespace ?? r.metadata.namespace}/${d.name}`)));
      if (ready < 0) throw new Error(`HelmRelease dependsOn cycle or missing release among: ${pending.map(objectName).join(', ')}`);
      const r = pending.splice(ready, 1)[0];
      const deps = (r.spec.dependsOn ?? []).map((d: { name: string; namespace?: string }) => releases.get(`${d.namespace ?? r.metadata.namespace}/${d.name}`)!);
      const args = helmReleaseArgs(r, repositories);
      const release = helmInstall(objectName(r), args, { ...childOpts, dependsOn: [...namespaces, ...deps, ...secretsFor(r)] }).release;
      releases.set(objectName(r), release);
      component.resources.set(`Release/${args.namespace}/${args.name}`, release);
    }
    // Argo CD installs in sync-wave order: a release depends on every release of a lower wave.
    const wave = (o: Manifest) => Number(o.metadata.annotations?.[SYNC_WAVE] ?? 0);
    const apps = objects.filter(isHelmApplication).sort((a, b) => wave(a) - wave(b));
    const appReleases: { wave: number; release: k8s.helm.v3.Release }[] = [];
    for (const a of apps) {
      const args = applicationReleaseArgs(a);
      const name = `${args.namespace}/${args.name}`;
      const deps = appReleases.filter((r) => r.wave < wave(a)).map((r) => r.release);
      const release = helmInstall(name, args, { ...childOpts, dependsOn: [...namespaces, ...deps, ...secretsFor(a)] }).release;
      appReleases.push({ wave: wave(a), release });
      component.resources.set(`Release/${args.namespace}/${args.name}`, release);
    }
    for (const o of objects) {
      if (o.kind === 'Namespace' || groupKind(o) === HELM_RELEASE || isHelmApplication(o)) continue;
      // Built-in kinds get their typed class (and type token); custom resources the generic one.
      const Cls = builtInClass(o.apiVersion, o.kind);
      const resource = Cls ? new Cls(objectName(o), withoutAddressWait(o, platform.env.proxyServiceType), afterNamespaces) : customResource(objectName(o), withReadinessWait(o), afterNamespaces);
      component.resources.set(`${o.kind}/${objectName(o)}`, resource);
    }
    component.done();
    layers[layer] = component;
    previous = component;
  }
  return layers;
}
