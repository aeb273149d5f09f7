import type { ApiObject } from 'cdk8s';
import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES, SYSTEM_PODS } from '../../k8s/common/namespaces';
import { KONG_METRICS } from '../../k8s/kong/kong-install';
import {
  AlertRouting,
  checksOf,
  clusterCostGroup,
  componentsDownGroup,
  deadLetterTopicGroup,
  deliveryAlertGroup,
  eventingDataPlaneGroup,
  flowConsumerGroupPattern,
  kafkaTriggerConsumerGroup,
  functionAlertGroups,
  functionRuleSets,
  functionSliGroup,
  GrafanaDashboard,
  kafkaLagGroup,
  KubePrometheusStack,
  MonitoringRules,
  platformDashboards,
  platformTargets,
  ScrapeTarget,
  type ClusterBackend,
  type ComponentCheck,
  type MonitoredConsumer,
  type MonitoredDelivery,
  type MonitoredFunction,
} from '../../k8s/observability';
import { EVENTING_NAMES } from '../../k8s/knative/trigger';
import { coldStartScale } from '../../spec/function';
import { CLUSTER_KAFKA_TARGETS, consumerGroupOf } from '../../spec/kafka';
import { DEFAULT_KAFKA_LAG_THRESHOLD } from '../../spec/observability';
import type { KafkaBinding } from '../bindings';
import type { ModuleContext } from './context';
import type { OpenFaaSOutputs } from './openfaas';

/** Name of part `part` (1-based) of a tenant's per-function PrometheusRules. */
export const functionRulesName = (platform: string, tenant: string, part: number): string => `${platform}-functions-${tenant}-${part}`;

/** The node exporter needs host namespaces and paths: it runs apart, in a privileged namespace. */
export const NODE_EXPORTER_NAMESPACE = `${SYSTEM_NAMESPACES.monitoring}-node-exporter`;

/**
 * The down check of a PodMonitor another module made (e.g. the OpenFaaS gateway's), by its
 * job: the operator names it "<namespace>/<name>". Such monitors select pods of their own
 * namespace (they set no namespaceSelector).
 */
function podMonitorCheck(monitor: ApiObject): ComponentCheck {
  const ns = monitor.metadata.namespace ?? 'default';
  const name = monitor.metadata.name!;
  return { component: name, up: { job: `${ns}/${name}` }, namespaces: [ns] };
}

/**
 * The pods of kube-prometheus-stack, from its values: the operator adds a config-reloader to
 * Prometheus and Alertmanager pods; Grafana's pod runs the dashboard and datasource sidecars.
 */
function recordFootprint(ctx: ModuleContext, stack: KubePrometheusStack, namespace: string, nodeExporterNamespace: string): void {
  const fp = ctx.footprint;
  const v = stack.values;
  const objects = [stack.install.release];
  const reloader = v.prometheusOperator.prometheusConfigReloader.resources.requests;
  fp.record({
    component: 'prometheus-operator',
    namespace,
    pods: 1,
    containers: [v.prometheusOperator.resources.requests],
    source: 'kube-prometheus-stack values: prometheusOperator.resources',
    objects,
  });
  fp.record({
    component: 'prometheus',
    namespace,
    pods: v.prometheus.prometheusSpec.replicas,
    containers: [v.prometheus.prometheusSpec.resources.requests, reloader],
    source: 'values: prometheusSpec.replicas, resources + prometheusConfigReloader.resources',
    objects,
  });
  fp.record({
    component: 'alertmanager',
    namespace,
    pods: v.alertmanager.alertmanagerSpec.replicas,
    containers: [v.alertmanager.alertmanagerSpec.resources.requests, reloader],
    source: 'values: alertmanagerSpec.replicas, resources + prometheusConfigReloader.resources',
    objects,
  });
  if (v.grafana.enabled) {
    const sc = v.grafana.sidecar;
    const sidecars = [sc.dashboards.enabled, sc.datasources.enabled].filter(Boolean).map(() => sc.resources.requests);
    fp.record({
      component: 'grafana',
      namespace,
      pods: v.grafana.replicas,
      containers: [v.grafana.resources.requests, ...sidecars],
      source: 'values: grafana.replicas, resources + sidecar.resources for each enabled sidecar (dashboards, datasources)',
      objects,
    });
  }
  fp.record({
    component: 'kube-state-metrics',
    namespace,
    pods: 1,
    containers: [v['kube-state-metrics'].resources.requests],
    source: 'values: kube-state-metrics.resources; subchart default replicas: 1 (kube-state-metrics values.yaml, not in ../shared/upstream)',
    objects,
  });
  if (v.nodeExporter.enabled) {
    fp.record({
      component: 'node-exporter',
      namespace: nodeExporterNamespace,
      pods: 1,
      perNode: true,
      containers: [v['prometheus-node-exporter'].resources.requests],
      source: 'values: prometheus-node-exporter.resources (a DaemonSet: one pod per node)',
      objects,
    });
  }
}

/** What observability watches beyond the spec: the Kafka cluster and the OpenFaaS install, as their modules built them. */
export interface ObservabilityDeps {
  readonly kafka?: KafkaBinding;
  readonly openfaas?: OpenFaaSOutputs;
  /**
   * Per tenant, the Kafka topic of its durable dead-letter store (issue 14: a KafkaSink in
   * front of the tenant's dead-letter topic), for the tenants whose events go through Kafka
   * eventing in this environment. Their dead-letter topic, the consumer groups of their Kafka
   * Broker Triggers and KafkaChannels get alerts. The knative module reports them
   * (`KnativeOutputs.deadLetterTopics`).
   * @default none (every dead-letter sink logs only)
   */
  readonly deadLetterTopics?: ReadonlyMap<string, string>;
}

/** What Knative Eventing delivers to each Knative function with async triggers: its Triggers and KafkaSources, by the names the knative module gives them. */
function eventingDeliveries(ctx: ModuleContext): MonitoredDelivery[] {
  return ctx.functionsFor('knative').flatMap((fn) => {
    const triggers: string[] = [];
    const kafkaSources: string[] = [];
    (fn.triggers ?? []).forEach((t, i) => {
      if (t.type === 'event') triggers.push(EVENTING_NAMES.eventTrigger(fn.name, i));
      else if (t.type === 'schedule') triggers.push(EVENTING_NAMES.schedule(fn.name, i));
      else if (t.type === 'kafka') kafkaSources.push(EVENTING_NAMES.kafkaSource(fn.name, i));
    });
    if (triggers.length + kafkaSources.length === 0) return [];
    return [{ function: fn.name, tenant: fn.tenant, namespace: fn.tenant, triggers, kafkaSources, deadLetter: fn.delivery?.deadLetter !== false }];
  });
}

/**
 * Consumer groups Knative's Kafka eventing runs for the tenants with durable dead letters
 * (their brokers and channels are Kafka's): each Kafka Broker Trigger's, and the
 * KafkaChannel subscriptions of each Sequence and Parallel.
 */
function eventingConsumers(ctx: ModuleContext, deliveries: readonly MonitoredDelivery[], durable: ReadonlyMap<string, string>): MonitoredConsumer[] {
  const triggers = deliveries
    .filter((d) => durable.has(d.tenant))
    .flatMap((d) =>
      d.triggers.map((t) => ({
        group: kafkaTriggerConsumerGroup(d.namespace, t),
        function: d.function,
        tenant: d.tenant,
        what: `Consumer group ${kafkaTriggerConsumerGroup(d.namespace, t)} of Trigger ${d.namespace}/${t} (function ${d.function})`,
      })),
    );
  const k = ctx.spec.knative;
  const flows = [...k.sequences.map((f) => ({ ...f, kind: 'Sequence' })), ...k.parallels.map((f) => ({ ...f, kind: 'Parallel' }))]
    .filter((f) => durable.has(f.tenant))
    .map((f) => ({
      group: flowConsumerGroupPattern(f.tenant, f.name),
      groupPattern: true,
      flow: f.name,
      tenant: f.tenant,
      what: `The KafkaChannel subscription {{ $labels.consumergroup }} of ${f.kind} ${f.tenant}/${f.name}`,
    }));
  return [...triggers, ...flows];
}

/** The Prometheus Operator's admission webhook port (the chart's default). */
const OPERATOR_WEBHOOK_PORT = 10250;
/** node-exporter (host network) and the kubelets (cAdvisor): both listen on node addresses. */
const NODE_PORTS = [9100, 10250];

/**
 * Monitoring's flows: its components among themselves, the API server (service discovery,
 * the operator, kube-state-metrics, Grafana's sidecars), the operator's webhook, Prometheus to
 * every namespace it scrapes (both sides: this module owns the flow) and to the nodes, and
 * Alertmanager to its receivers.
 */
function observabilityNetwork(ctx: ModuleContext, scraped: readonly string[]): void {
  const monitoring = SYSTEM_NAMESPACES.monitoring;
  const net = ctx.network(monitoring);
  const prometheus = SYSTEM_PODS.prometheus;
  net.allowWithinNamespace('monitoring: Prometheus, Alertmanager, Grafana, the operator and kube-state-metrics');
  net.allowApiServer('Prometheus service discovery, the Prometheus Operator, kube-state-metrics and Grafana sidecars');
  net.allowIngressOnPorts('webhook', [OPERATOR_WEBHOOK_PORT], 'the API server calling the Prometheus Operator admission webhook (it has no pod to select)');
  for (const ns of [...new Set(scraped)].filter((n) => n !== monitoring).sort()) {
    const reason = `Prometheus scraping metrics in ${ns}`;
    net.allowEgressTo({ namespace: ns, pods: prometheus, reason });
    ctx.network(ns).allowIngressFrom({ namespace: monitoring, podLabels: prometheus, reason });
  }
  // Host-network pods and kubelets have node addresses, which no namespace selector matches;
  // network policies do not apply to host-network pods, so the node exporter's namespace keeps only its default-deny.
  net.allowEgressToCidr('nodes', '0.0.0.0/0', NODE_PORTS, 'Prometheus scraping node-exporter (host network) and the kubelets (cAdvisor)', prometheus);
  const o = ctx.spec.observability;
  const smtpPort = o.smtp ? Number(o.smtp.smarthost.split(':').pop()) : undefined;
  if (o.receivers.length > 0) {
    net.allowEgressToCidr('receivers', '0.0.0.0/0', [...new Set([443, ...(smtpPort ? [smtpPort] : [])])], "Alertmanager notifying the spec's receivers (webhooks over HTTPS, mail)", {
      'app.kubernetes.io/name': 'alertmanager',
    });
  }
}

/**
 * Observability: kube-prometheus-stack sized by the profile; monitors, SLO rules and
 * dashboards for every backend the spec uses (Kafka and OpenFaaS as their modules built
 * them); the cluster-cost rule; and Alertmanager routing to the spec's receivers.
 */
export function buildObservability(ctx: ModuleContext, deps: ObservabilityDeps): void {
  const { spec, env } = ctx;
  const { kafka, openfaas } = deps;
  const deadLetterTopics = deps.deadLetterTopics ?? new Map<string, string>();
  const profile = env.profile;
  const monitoring = SYSTEM_NAMESPACES.monitoring;
  ctx.namespace({ name: monitoring });
  ctx.namespace({
    name: NODE_EXPORTER_NAMESPACE,
    podSecurity: 'privileged',
    podSecurityReason: 'prometheus-node-exporter reads node metrics through hostNetwork, hostPID and hostPath mounts of /proc, /sys and /',
  });
  const prefix = `${spec.name}-${env.name}`;
  const alertmanagerConfigName = `${spec.name}-alert-routing`;

  const stack = new KubePrometheusStack(ctx.chart('platform', 'observability'), 'kube-prometheus-stack', {
    namespace: monitoring,
    nodeExporterNamespace: NODE_EXPORTER_NAMESPACE,
    profile,
    monitorNamespaces: Object.values(SYSTEM_NAMESPACES),
    alertmanagerConfigName,
    externalLabels: { platform: spec.name, environment: env.name },
    // Edge clusters keep only the platform's own dashboards (the stock ones are ~30 ConfigMaps).
    defaultDashboards: env.profileName !== 'edge',
  });

  recordFootprint(ctx, stack, monitoring, NODE_EXPORTER_NAMESPACE);

  const config = ctx.chart('config', 'observability');
  const labels = { [LABELS.component]: 'observability' };

  // What runs: backends with functions, Kong when routes exist, Strimzi when the spec has Kafka.
  const knative = ctx.functionsFor('knative');
  const openfaasFns = ctx.functionsFor('openfaas');
  const knativeTriggers = knative.flatMap((f) => f.triggers ?? []);
  const kafkaCluster = kafka && { clusterName: kafka.clusterName, namespace: kafka.namespace };
  const k = spec.knative;
  // Eventing runs for async triggers, flows and pings (the knative module installs it for them).
  const eventing = knativeTriggers.some((t) => ['event', 'kafka', 'schedule'].includes(t.type)) || k.sequences.length + k.parallels.length + k.pings.length > 0;
  const targets = platformTargets({
    knativeNamespaces: [...new Set(knative.map((f) => f.tenant))].sort(),
    knativeEventing: eventing,
    // Schedule triggers deliver through the tenant's broker too.
    knativeBrokers: knativeTriggers.some((t) => t.type === 'event' || t.type === 'schedule'),
    knativeKafkaDataPlane: eventing && kafkaCluster !== undefined,
    kong: spec.routes.length > 0 ? { podLabels: { ...KONG_METRICS.podLabels } } : undefined,
    kafka: kafkaCluster,
  });
  for (const t of targets) new ScrapeTarget(config, `scrape-${t.component}`, { ...t, name: t.component, namespace: monitoring, labels });

  // Per-function SLOs on the cluster backends (Lambda's alarms are CloudWatch's, on the AWS side).
  const slo = spec.observability.defaultSlo;
  // In spec order: adding a function at the end changes only its tenant's last PrometheusRule.
  const functions: MonitoredFunction[] = spec.functions
    .filter((fn) => fn.target === 'knative' || fn.target === 'openfaas')
    .map((fn) => ({
      name: fn.name,
      // OpenFaaS functions share one namespace, Knative ones run in their tenant's.
      namespace: fn.target === 'openfaas' ? (openfaas?.functionNamespace ?? SYSTEM_NAMESPACES.openfaasFunctions) : fn.tenant,
      tenant: fn.tenant,
      backend: fn.target as ClusterBackend,
      latencyP99Seconds: (fn.slo?.latencyP99Ms ?? slo.latencyP99Ms) / 1000,
      errorRatio: (fn.slo?.errorRatioPercent ?? slo.errorRatioPercent) / 100,
      // OpenFaaS: the bounds its edition runs (CE: at least 1, at most 5 by default).
      maxScale: openfaas?.scales.get(fn.name)?.max ?? fn.scaling?.max ?? 10,
      minScale: openfaas?.scales.get(fn.name)?.min ?? coldStartScale(fn).min,
    }));
  const backends = (['knative', 'openfaas'] as const).filter((b) => functions.some((f) => f.backend === b));

  const lagThreshold = spec.observability.kafkaLagThreshold ?? DEFAULT_KAFKA_LAG_THRESHOLD;
  const consumers: MonitoredConsumer[] = kafkaCluster
    ? spec.functions
        .filter((fn) => (CLUSTER_KAFKA_TARGETS as readonly string[]).includes(fn.target))
        .flatMap((fn) => (fn.triggers ?? []).flatMap((t) => (t.type === 'kafka' ? [{ group: consumerGroupOf(fn, t), topic: t.topic, function: fn.name, tenant: fn.tenant }] : [])))
    : [];
  // Knative's deliveries to functions, and the consumer groups of Kafka eventing (only where the Kafka exporter runs).
  const deliveries = eventing ? eventingDeliveries(ctx) : [];
  const eventingGroups = kafkaCluster ? eventingConsumers(ctx, deliveries, deadLetterTopics) : [];
  consumers.push(...eventingGroups.filter((c) => c.function !== undefined));
  const durable = [...deadLetterTopics.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([tenant, topic]) => ({ tenant, topic }));

  // Platform-wide rules in one PrometheusRule, whose size does not grow with the functions:
  // the SLI recording rules, component-down alerts, the cluster-cost projection, and for
  // Eventing its data plane's health, each tenant's dead-letter topic and its flows' lag.
  new MonitoringRules(config, 'rules', {
    name: `${spec.name}-platform`,
    namespace: monitoring,
    labels,
    groups: [
      ...(backends.length ? [functionSliGroup(backends)] : []),
      componentsDownGroup([...checksOf(targets), ...(openfaas ? [podMonitorCheck(openfaas.gatewayMonitor.resource)] : [])]),
      clusterCostGroup({
        cpuCoreHourUsd: env.budget.clusterPricing.cpuCoreHourUsd,
        memoryGiBHourUsd: env.budget.clusterPricing.memoryGiBHourUsd,
        monthlyUsd: env.budget.monthlyUsd,
        thresholds: env.budget.thresholds,
        tenants: spec.tenants.map((t) => t.name),
      }),
      ...(eventing ? [eventingDataPlaneGroup(SYSTEM_NAMESPACES.knativeEventing)] : []),
      ...(kafkaCluster ? [deadLetterTopicGroup(durable)] : []),
      kafkaLagGroup(
        eventingGroups.filter((c) => c.flow !== undefined),
        lagThreshold,
      ),
    ],
  });

  // Per-function alerts, events lost on the way to them, and the Kafka lag of the consumers
  // that deliver to them (their own and Kafka eventing's): one PrometheusRule
  // per tenant and part of at most FUNCTIONS_PER_RULE_OBJECT functions,
  // `<platform>-functions-<tenant>-<part>`, so no object grows with the platform.
  for (const set of functionRuleSets(functions)) {
    const names = new Set(set.functions.map((f) => f.name));
    new MonitoringRules(config, `rules-${set.tenant}-${set.part}`, {
      name: functionRulesName(spec.name, set.tenant, set.part),
      namespace: monitoring,
      labels: { ...labels, [LABELS.tenant]: set.tenant },
      groups: [
        ...functionAlertGroups(set.functions),
        deliveryAlertGroup(
          set.tenant,
          deliveries.filter((d) => names.has(d.function)),
        ),
        kafkaLagGroup(
          consumers.filter((c) => c.function !== undefined && names.has(c.function)),
          lagThreshold,
          set.tenant,
        ),
      ],
    });
  }

  observabilityNetwork(ctx, [
    ...targets.flatMap((t) => t.namespaces),
    ...functions.filter((f) => f.backend !== 'openfaas' || openfaas).map((f) => f.namespace),
    ...(openfaas ? [SYSTEM_NAMESPACES.openfaas] : []),
  ]);

  new AlertRouting(config, 'alert-routing', {
    name: alertmanagerConfigName,
    namespace: monitoring,
    labels,
    receivers: spec.observability.receivers,
    smtp: spec.observability.smtp,
  });

  for (const d of platformDashboards({
    uidPrefix: prefix,
    titlePrefix: `${spec.name} ${env.name}`,
    knative: knative.length > 0,
    openfaas: openfaasFns.length > 0,
    kong: spec.routes.length > 0,
    kafka: kafkaCluster !== undefined,
    monthlyBudgetUsd: env.budget.monthlyUsd,
  })) {
    new GrafanaDashboard(config, `dashboard-${d.uid}`, { dashboard: d, name: `dashboard-${d.uid}`, namespace: monitoring, labels });
  }
}
