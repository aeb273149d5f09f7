import { constructId } from '../../core/naming';
import type { Chart } from 'cdk8s';
import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES, SYSTEM_PORTS } from '../../k8s/common/namespaces';
import { KNATIVE_EVENTING_KINDS, KNATIVE_KAFKA_KINDS, KNATIVE_SERVING_KINDS, OPENFAAS_CE_FUNCTION, OPENFAAS_FUNCTION, PlatformOperatorRole, SharedFunctionReader, Tenant } from '../../k8s/tenancy';
import type { FunctionSpec } from '../../spec/function';
import { tenantQuota, tenantQuotaIssues } from '../../spec/rules/tenant-quota';
import type { Profile } from '../../spec/profiles';
import { TENANT_ROLES } from '../../k8s/tenancy/role-names';
import type { TenantSpec } from '../../spec/tenant';
import type { KafkaBinding } from '../bindings';
import type { ModuleContext } from './context';
import { eventingTenants } from './knative';

const hasTrigger = (fn: FunctionSpec, ...types: string[]) => (fn.triggers ?? []).some((t) => types.includes(t.type));

/**
 * The tenant's quota in this environment (spec rule tenantQuotaIssues): parseSpec checks it
 * for the spec's overrides; here it also covers overrides from Pulumi config.
 */
function checkQuota(ctx: ModuleContext, tenant: TenantSpec, index: number, functions: readonly FunctionSpec[]): void {
  for (const i of tenantQuotaIssues({ name: ctx.env.name, profileName: ctx.env.profileName, profile: ctx.env.profile }, tenant, index, functions)) ctx.issues.add(i.path, i.value, i.message);
}

/** A tenant that passed its checks, with its namespace reserved. */
export interface PlannedTenant {
  readonly spec: TenantSpec;
  /** Index in `spec.tenants`, for error paths. */
  readonly index: number;
  /** The profile's tenantQuota with the tenant's own fields over it. */
  readonly quota: Profile['tenantQuota'];
}

/** What planTenancy reserved: the tenants' chart and namespaces, for buildTenants. */
export interface TenancyPlan {
  readonly chart: Chart;
  readonly tenants: readonly PlannedTenant[];
  /** Namespaces of the tenants, in spec order. */
  readonly namespaces: readonly string[];
}

/**
 * The first step of tenancy, before any other module: checks each tenant's name (not a
 * platform component's namespace) and quota (room for its Knative functions at their minimum
 * scale), and reserves its restricted namespace, which the backends deploy into. The objects
 * in it come from buildTenants, once Kafka (whose listener their network policies allow) is built.
 */
export function planTenancy(ctx: ModuleContext): TenancyPlan {
  const { spec, env } = ctx;
  const systemNamespaces = new Set<string>(Object.values(SYSTEM_NAMESPACES));
  const chart = ctx.chart('config', 'tenants');
  const tenants: PlannedTenant[] = [];
  spec.tenants.forEach((t, i) => {
    if (systemNamespaces.has(t.name)) {
      ctx.issues.add(`tenants[${i}].name`, t.name, `is the namespace of a platform component (${[...systemNamespaces].join(', ')}); choose another tenant name`);
      return;
    }
    const quota = tenantQuota(env.profile, t);
    checkQuota(
      ctx,
      t,
      i,
      spec.functions.filter((f) => f.tenant === t.name && f.target === 'knative'),
    );
    ctx.namespace({ name: t.name, labels: { [LABELS.tenant]: t.name } });
    tenants.push({ spec: t, index: i, quota });
  });
  return { chart, tenants, namespaces: tenants.map((t) => t.spec.name) };
}

/**
 * Tenants' objects in the config layer: per tenant its quota, roles bound to its groups,
 * default-deny network policies with the allows its functions need (Kafka's client listener
 * when they use the cluster's Kafka), and the ServiceAccount functions run as. Function kinds
 * and network allows follow the backends the spec uses.
 */
export function buildTenants(ctx: ModuleContext, plan: TenancyPlan, deps: { readonly kafka?: KafkaBinding }): Map<string, Tenant> {
  const built = new Map<string, Tenant>();
  const { spec, env } = ctx;
  const { kafka } = deps;
  const knative = ctx.functionsFor('knative');
  const usesEventing = knative.some((f) => hasTrigger(f, 'event', 'schedule', 'kafka'));
  const usesKnativeKafka = knative.some((f) => hasTrigger(f, 'kafka'));
  const functionKinds = [...(knative.length > 0 ? KNATIVE_SERVING_KINDS : []), ...(usesEventing ? KNATIVE_EVENTING_KINDS : []), ...(usesKnativeKafka ? KNATIVE_KAFKA_KINDS : [])];

  // Tenants running Knative Services (functions, or the dead-letter sink of Eventing) and those using Eventing, as the knative module builds them.
  const eventing = eventingTenants(knative, spec.knative);
  const serving = new Set([...knative.map((f) => f.tenant), ...eventing]);
  for (const { spec: t, index: i, quota } of plan.tenants) {
    const own = spec.functions.filter((f) => f.tenant === t.name);
    const tenant = new Tenant(plan.chart, constructId(t.name), {
      namespace: t.name,
      quota,
      containerDefaults: env.profile.functionDefaults,
      functionKinds,
      groups: t.groups,
      readableSecrets: t.readableSecrets,
      // Exec reaches every file and Secret a pod holds: only where the spec grants it.
      developerExec: (t.developerExec ?? []).includes(env.name),
    });
    built.set(t.name, tenant);

    const net = tenant.network;
    ctx.adoptNetwork(net);
    if (serving.has(t.name)) {
      // Kourier's gateway runs in knative-serving too, so this one peer covers it; only the queue-proxy ports.
      net.allowIngressFrom({
        namespace: SYSTEM_NAMESPACES.knativeServing,
        ports: [...SYSTEM_PORTS.queueProxy],
        reason: 'Knative ingress gateway (Kourier), activator (requests while scaled to zero) and autoscaler (queue-proxy metrics)',
      });
      // Istio's gateway stays in istio-system, which the toolkit does not create.
      if (spec.knative.ingress === 'istio') {
        net.allowIngressFrom({ namespace: 'istio-system', ports: [...SYSTEM_PORTS.queueProxy], reason: 'Knative ingress gateway (Istio) to the queue-proxy' });
      }
    }
    // Eventing delivers to Knative Services through Kourier (their Services point there), never to the pods directly.
    if (eventing.has(t.name)) {
      net.allowEgressTo({ namespace: SYSTEM_NAMESPACES.knativeEventing, ports: [...SYSTEM_PORTS.eventingIngress], reason: 'functions publishing events to the broker ingress' });
    }
    // Prometheus' scrapes are the observability module's allows; the brokers', the kafka module's.
    // Knative producers write from the tenant's namespace (KafkaSources consume from knative-eventing).
    const kafkaPorts = kafka?.clients.get(t.name);
    if (kafka && kafkaPorts) {
      net.allowEgressTo({
        namespace: kafka.namespace,
        podLabels: kafka.brokerPods,
        ports: [...kafkaPorts],
        reason: 'Kafka brokers (TLS client listener), for functions producing to topics',
      });
    }
    (t.egress ?? []).forEach((e, j) => net.allowEgressToCidr(`${j}`, e.cidr, e.ports ?? [443], `tenants[${i}].egress[${j}] in the platform spec`));

    // OpenFaaS: every function in one namespace; the tenant's groups read their own by name
    // (Pro: the Function; CE: the Deployment and Service faas-netes serves).
    const openfaas = own.filter((f) => f.target === 'openfaas');
    if (openfaas.length > 0) {
      const [kind, ...alsoReads] = env.openfaasEdition === 'pro' ? [OPENFAAS_FUNCTION] : OPENFAAS_CE_FUNCTION;
      new SharedFunctionReader(plan.chart, `${t.name}-openfaas`, {
        namespace: SYSTEM_NAMESPACES.openfaasFunctions,
        tenant: t.name,
        apiGroup: kind.apiGroup,
        resource: kind.resource,
        ...(alsoReads.length > 0 && { alsoReads }),
        functionNames: openfaas.map((f) => f.name),
        groups: TENANT_ROLES.flatMap((r) => t.groups?.[r] ?? []),
      });
    }
  }
  return built;
}

/** Custom resources on-call reads in the namespace of each installed system. */
const OPERATOR_READS: Record<string, readonly { apiGroup: string; resources: readonly string[] }[]> = {
  [SYSTEM_NAMESPACES.knativeOperator]: [{ apiGroup: 'operator.knative.dev', resources: ['knativeeventings', 'knativeservings'] }],
  [SYSTEM_NAMESPACES.knativeServing]: [{ apiGroup: 'operator.knative.dev', resources: ['knativeservings'] }],
  [SYSTEM_NAMESPACES.knativeEventing]: [{ apiGroup: 'operator.knative.dev', resources: ['knativeeventings'] }],
  [SYSTEM_NAMESPACES.openfaasFunctions]: [{ apiGroup: 'openfaas.com', resources: ['functions'] }],
  [SYSTEM_NAMESPACES.kafka]: [{ apiGroup: 'kafka.strimzi.io', resources: ['kafkanodepools', 'kafkas', 'kafkatopics', 'kafkausers'] }],
  [SYSTEM_NAMESPACES.monitoring]: [{ apiGroup: 'monitoring.coreos.com', resources: ['alertmanagerconfigs', 'alertmanagers', 'podmonitors', 'prometheuses', 'prometheusrules', 'servicemonitors'] }],
};

/**
 * The platform-operator ClusterRole, bound in exactly the platform namespaces given: those the
 * modules created (HybridPlatform passes them once every other module ran).
 */
export function buildPlatformOperators(ctx: ModuleContext, deps: { readonly namespaces: readonly string[] }): void {
  const namespaces = [...deps.namespaces];
  if (namespaces.length === 0) return;
  // Every install is a Flux HelmRelease in its namespace: on-call reads their status.
  const customResources = [
    { apiGroup: 'helm.toolkit.fluxcd.io', resources: ['helmreleases'] },
    { apiGroup: 'source.toolkit.fluxcd.io', resources: ['helmrepositories'] },
    // OpenFaaS CE has no Function CRD: its functions are Deployments, which on-call reads anyway.
    ...namespaces.flatMap((n) => (n === SYSTEM_NAMESPACES.openfaasFunctions && ctx.env.openfaasEdition !== 'pro' ? [] : (OPERATOR_READS[n] ?? []))),
  ];
  new PlatformOperatorRole(ctx.chart('config', 'platform-operators'), 'platform-operator', {
    namespaces,
    groups: ctx.spec.operators?.groups,
    customResources,
  });
}
