import { App, Chart } from 'cdk8s';
import { LABELS, MANAGED_BY } from '../k8s/common/labels';
import { SystemNamespace, type SystemNamespaceProps } from '../k8s/common/namespace';
import { NamespaceNetworkPolicies } from '../k8s/common/namespace-network-policies';
import { ArgoCdLayers } from '../k8s/gitops/argocd-layers';
import { CHART_MIRROR_CONTEXT } from '../k8s/gitops/chart-mirror';
import { GITOPS_CONTEXT, type GitopsTarget } from '../k8s/gitops/engine';
import { FluxLayers } from '../k8s/gitops/flux-layers';
import type { EnvironmentName } from '../spec/common';
import { IssueCollector } from '../core/errors';
import type { FunctionSpec, Target } from '../spec/function';
import { constructId, naming } from '../core/naming';
import type { PlatformSpec } from '../spec/platform';
import { resolveEnvironment, type ResolvedEnvironment } from '../spec/resolve';
import type { FunctionEndpoint, KafkaBinding } from './bindings';
import { Footprint } from './footprint';
import { LAYERS, type Layer } from './layers';
import { buildKafka, buildKnative, buildKong, buildLambda, buildObservability, buildOpenFaaS, buildPlatformOperators, buildTenants, planTenancy, type ModuleContext } from './modules';

export interface HybridPlatformOptions {
  /** Extra profile overrides (from `Pulumi.<env>.yaml`), applied last. @default none */
  readonly overrides?: unknown;
  /** Where `overrides` came from, for error paths. @default 'overrides' */
  readonly overridesSource?: string;
  /** Folder of dist/ inside the GitOps source, for the Flux Kustomizations / Argo CD layer Applications. @default spec.gitops.path or './dist' */
  readonly gitopsPath?: string;
}

/**
 * L3: compiles a validated PlatformSpec for one environment into a cdk8s App whose charts
 * are grouped into layers (platform → config → apps) plus the objects of the GitOps engine
 * (Flux Kustomizations or Argo CD Applications) that apply them in order. The same App feeds GitOps synthesis and the Pulumi bridge.
 *
 * The constructor composes the per-system modules (lib/platform/modules) in the order their
 * arguments require: each takes a narrow ModuleContext and what the modules before it returned.
 */
export class HybridPlatform {
  readonly app: App;
  readonly env: ResolvedEnvironment;
  readonly spec: PlatformSpec;
  /** The GitOps engine the output is rendered for (spec.gitops.engine). */
  readonly gitops: GitopsTarget;
  /** Output folder of the engine's layer objects: `flux` or `argocd`. */
  readonly gitopsFolder: 'flux' | 'argocd';
  /** Flux Kustomizations or Argo CD layer Applications (GitOps only: the Pulumi bridge drops them). */
  readonly gitopsChart: Chart;
  /** Function name → how to reach it: what the backend modules (knative, openfaas, lambda) returned. */
  readonly endpoints = new Map<string, FunctionEndpoint>();
  /** The cluster's Kafka, as the kafka module built it (undefined when the spec has no kafka). */
  readonly kafka?: KafkaBinding;
  /** Problems found while building (cross-module references); thrown as one SpecError. */
  readonly issues = new IssueCollector();
  /** Every pod the modules cause to run, with its requests: what the environment needs from the cluster. */
  readonly footprint = new Footprint();

  private readonly charts = new Map<string, { chart: Chart; layer: Layer }>();
  private readonly namespaces = new Map<string, SystemNamespace>();
  private readonly networks = new Map<string, NamespaceNetworkPolicies>();

  constructor(spec: PlatformSpec, env: EnvironmentName, options: HybridPlatformOptions = {}) {
    this.spec = spec;
    this.env = resolveEnvironment(spec, env, options.overrides, options.overridesSource);
    this.app = new App();
    const g = spec.gitops;
    this.gitops = g.engine === 'argocd' ? { engine: 'argocd', argocd: { namespace: g.argocd?.namespace ?? 'argocd', project: g.argocd?.project ?? 'default' } } : { engine: 'flux' };
    this.gitopsFolder = this.gitops.engine;
    // Chart installs read the engine from the App's context (set before any child exists).
    this.app.node.setContext(GITOPS_CONTEXT, this.gitops);
    // …and the environment's chart mirror: every install of every module fetches from it.
    if (this.env.chartMirror) this.app.node.setContext(CHART_MIRROR_CONTEXT, this.env.chartMirror);

    const ctx: ModuleContext = {
      spec,
      env: this.env,
      chart: (layer, name) => this.chart(layer, name),
      namespace: (props) => this.namespace(props),
      network: (namespace) => this.network(namespace),
      adoptNetwork: (policies) => {
        if (this.networks.has(policies.namespace)) throw new Error(`network policies of namespace ${policies.namespace} exist already`);
        this.networks.set(policies.namespace, policies);
      },
      functionsFor: (target) => this.functionsFor(target),
      issues: this.issues,
      footprint: this.footprint,
    };
    // Tenants first: their checks, and their namespaces, which the backends deploy into.
    const tenancy = planTenancy(ctx);
    const kafka = buildKafka(ctx);
    this.kafka = kafka;
    // Tenant objects once Kafka exists: their network policies allow its client listener.
    const tenants = buildTenants(ctx, tenancy, { kafka });
    const knative = buildKnative(ctx, { kafka });
    // Each tenant's workloads may reference exactly the Secrets the toolkit wires into them.
    for (const [namespace, secrets] of knative.secretReferences) tenants.get(namespace)?.secretPolicy?.grant(...secrets);
    const openfaas = buildOpenFaaS(ctx, { kafka });
    const lambda = buildLambda(ctx);
    for (const e of [...knative.endpoints, ...(openfaas?.endpoints ?? []), ...lambda.endpoints]) this.endpoints.set(e.function.name, e);
    buildKong(ctx, { endpoints: this.endpoints });
    buildObservability(ctx, { kafka, openfaas, deadLetterTopics: knative.deadLetterTopics });
    // On-call reads every platform namespace the modules above created (tenants' are their own).
    const tenantNamespaces = new Set(tenancy.namespaces);
    buildPlatformOperators(ctx, { namespaces: [...this.namespaces.keys()].filter((n) => !tenantNamespaces.has(n)) });
    // Default-deny in every namespace the modules created, even one no flow reaches.
    for (const n of this.namespaces.keys()) this.network(n);

    this.issues.throwIfAny(`Invalid platform spec for environment "${env}"`);
    this.gitopsChart = new Chart(this.app, this.gitopsFolder, { disableResourceNameHashes: true });
    const base = (options.gitopsPath ?? g.path ?? './dist').replace(/\/$/, '');
    const common = { namePrefix: naming.envPrefix(spec.name, env), layers: LAYERS, basePath: `${base}/${env}`, labels: { [LABELS.partOf]: spec.name, [LABELS.environment]: env } };
    if (this.gitops.engine === 'argocd') {
      // The schema requires gitops.argocd (with repoURL) for this engine.
      new ArgoCdLayers(this.gitopsChart, 'layers', {
        ...common,
        repoURL: g.argocd!.repoURL,
        targetRevision: g.argocd!.targetRevision,
        namespace: this.gitops.argocd.namespace,
        project: this.gitops.argocd.project,
      });
    } else {
      new FluxLayers(this.gitopsChart, 'layers', { ...common, sourceRef: g.sourceRef, interval: g.interval });
    }
  }

  /** The environment name. */
  get envName(): EnvironmentName {
    return this.env.name;
  }

  /** The chart `<layer>/<name>`, created on first use. */
  chart(layer: Layer, name: string): Chart {
    const key = `${layer}/${name}`;
    let entry = this.charts.get(key);
    if (!entry) {
      const chart = new Chart(this.app, `${layer}-${name}`, {
        disableResourceNameHashes: true,
        labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: this.spec.name, [LABELS.environment]: this.env.name },
      });
      entry = { chart, layer };
      this.charts.set(key, entry);
    }
    return entry.chart;
  }

  /** A namespace in the platform layer, created once however many modules ask for it. */
  namespace(props: SystemNamespaceProps): SystemNamespace {
    let ns = this.namespaces.get(props.name);
    if (!ns) {
      ns = new SystemNamespace(this.chart('platform', 'namespaces'), constructId(props.name), props);
      this.namespaces.set(props.name, ns);
    }
    return ns;
  }

  /** The network policies of a namespace this platform created (default-deny, DNS, then the modules' allows). */
  network(namespace: string): NamespaceNetworkPolicies {
    let net = this.networks.get(namespace);
    if (!net) {
      // A module asking for policies of a namespace nobody created is a bug, not bad input.
      if (!this.namespaces.has(namespace)) throw new Error(`network policies for namespace ${namespace}, which no module created`);
      net = new NamespaceNetworkPolicies(this.chart('platform', 'network-policies'), namespace, { namespace, apiServer: this.spec.network?.apiServer });
      this.networks.set(namespace, net);
    }
    return net;
  }

  /** Charts of a layer, in creation order. */
  chartsOf(layer: Layer): { name: string; chart: Chart }[] {
    return [...this.charts.entries()].filter(([, e]) => e.layer === layer).map(([key, e]) => ({ name: key.split('/')[1], chart: e.chart }));
  }

  /** Functions of the spec deployed to a backend. */
  functionsFor(target: Target): FunctionSpec[] {
    return this.spec.functions.filter((f) => f.target === target);
  }
}
