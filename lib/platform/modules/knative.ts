import { ApiObject, type Chart } from 'cdk8s';
import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES, SYSTEM_PODS, SYSTEM_PORTS } from '../../k8s/common/namespaces';
import type { NamespaceNetworkPolicies } from '../../k8s/common/namespace-network-policies';
import {
  Broker,
  DeadLetterSink,
  KafkaSource,
  KnativeEventingInstall,
  KnativeOperatorInstall,
  KnativeService,
  KnativeServingInstall,
  Parallel,
  PingSource,
  Sequence,
  Trigger,
  type DeliveryOptions,
  type Destination,
  type KafkaSourceNet,
} from '../../k8s/knative';
import { EVENTING_NAMES } from '../../k8s/knative/trigger';
import { KAFKA_DATA_PLANES, KAFKA_DISPATCHER, KAFKA_DISPATCHER_POD_CAPACITY, PING_ADAPTER, type KafkaDataPlane } from '../../k8s/knative/eventing-install';
import { CHANNEL_AUTH_SECRET, parallelChannelNames, sequenceChannelNames } from '../../k8s/knative/kafka-eventing-names';
import { DEFAULT_REPLAY_DESTINATION, KafkaEventing } from './knative-kafka';
import { eventingBackendOf } from '../../spec/platform';
import { QUEUE_PROXY_REQUESTS } from '../../k8s/knative/serving-install';
import type { EventDestination } from '../../spec/eventing';
import type { FunctionSpec } from '../../spec/function';
import type { PlatformSpec } from '../../spec/platform';
import { kafkaTriggerProblem } from '../../spec/kafka';
import { functionAutoscaling } from '../../spec/rules/knative';
import { KNATIVE_NAMES } from '../../k8s/knative/limits';
import type { FunctionEndpoint, KafkaBinding, KafkaClientAuth } from '../bindings';
import { kafkaProducerFor } from '../kafka-producer';
import type { ModuleContext } from './context';

/** CloudEvent `source` of a PingSource's events, as the ping adapter sets it. */
export const pingEventSource = (namespace: string, name: string): string => `/apis/v1/namespaces/${namespace}/pingsources/${name}`;
/** CloudEvent `type` of a PingSource's events. */
export const PING_EVENT_TYPE = 'dev.knative.sources.ping';

type KnativeSpec = PlatformSpec['knative'];

const OPERATOR_POD_SECURITY_REASON =
  'the knative-operator chart v1.23.0 sets allowPrivilegeEscalation, readOnlyRootFilesystem, runAsNonRoot and drops ALL capabilities, but templates no seccompProfile, which Pod Security "restricted" requires';

/** What buildKnative offers: how the gateway reaches each Knative function. */
export interface KnativeOutputs {
  readonly endpoints: readonly FunctionEndpoint[];
  /** Secrets the tenant's Knative objects reference, by tenant namespace: what its admission policy grants. */
  readonly secretReferences: ReadonlyMap<string, readonly string[]>;
  /** Per tenant, the Kafka topic its dead letters are kept in (Kafka eventing only; in-memory dead letters are only logged). */
  readonly deadLetterTopics: ReadonlyMap<string, string>;
}

/**
 * Knative: the Operator (platform layer), KnativeServing/KnativeEventing (config layer), and
 * per tenant the functions, their triggers, brokers, flows and the dead-letter sink (apps).
 * Kafka triggers and producers take their credentials from `kafka`.
 *
 * Async paths: event triggers are broker Triggers; schedule triggers are PingSources into the
 * tenant's broker plus a Trigger (PingSource has no retry settings; the Trigger does); kafka
 * triggers are KafkaSources. Every one of them retries (3× exponential from 1s by default)
 * and dead-letters to the tenant's `dead-letter-sink` unless the function turns it off.
 */
export function buildKnative(ctx: ModuleContext, deps: { readonly kafka?: KafkaBinding }): KnativeOutputs {
  const fns = ctx.functionsFor('knative');
  const k = ctx.spec.knative;
  if (fns.length === 0 && k.sequences.length + k.parallels.length + k.pings.length === 0) return { endpoints: [], secretReferences: new Map(), deadLetterTopics: new Map() };

  const tenants = eventingTenants(fns, k);
  // Kafka-backed eventing where the environment keeps events durable (eventingBackendOf) and Kafka is built.
  const binding = eventingBackendOf(ctx.spec, ctx.env.profile) === 'kafka' && tenants.size > 0 ? deps.kafka?.eventing : undefined;
  const durable = binding && new KafkaEventing(ctx, binding);
  const brokerNames = brokerNamesOf(fns, k);
  const planes = durable ? KafkaEventing.planes(brokerNames.size > 0, k.sequences.length + k.parallels.length > 0) : [];
  const { operator, serving, eventing } = installKnative(ctx, fns, tenants, durable && { eventing: durable, planes });

  const apps = ctx.chart('apps', 'knative');
  // Dead-letter sinks and brokers first: everything else delivers to them.
  const sinks = deadLetterSinks(apps, tenants, k.deadLetterImage, durable);
  const brokers = tenantBrokers(apps, brokerNames, sinks, durable);
  const services = functionServices(ctx, apps, fns, deps.kafka);
  const wiring = new AppsWiring(apps, sinks, brokers, services, durable);
  fns.forEach((fn) => functionTriggers(ctx, wiring, fn, deps.kafka));
  flows(wiring, k);
  if (durable) {
    for (const r of k.replays.filter((r) => r.environments.includes(ctx.env.name))) {
      durable.replay(apps, r, wiring.destination(r.tenant, r.to ?? DEFAULT_REPLAY_DESTINATION), wiring.delivery(r.tenant, undefined));
    }
    durable.grantTriggerGroups(brokers.values());
  }

  recordFootprint(ctx, operator, serving, eventing, apps);
  knativeNetwork(ctx, fns, tenants, eventing !== undefined, deps.kafka, planes.length > 0);
  // Host header of the cluster-local route: Knative creates it for every service (public
  // or cluster-local), so the gateway's hop stays in-cluster and needs no DNS.
  return {
    endpoints: fns.map((fn) => ({ function: fn, target: 'knative', service: serving.localGateway, hostHeader: `${fn.name}.${fn.tenant}.svc.cluster.local` })),
    secretReferences: secretReferences(apps),
    deadLetterTopics: new Map([...sinks].filter(([, s]) => s.topic !== undefined).map(([tenant, s]) => [tenant, s.topic!])),
  };
}

/** Secret names the tenant-namespaced Knative Services and KafkaSources read, by namespace. */
function secretReferences(apps: Chart): Map<string, string[]> {
  const byNamespace = new Map<string, string[]>();
  for (const c of apps.node.findAll()) {
    if (!(c instanceof KnativeService) && !(c instanceof KafkaSource)) continue;
    byNamespace.set(c.namespace, [...(byNamespace.get(c.namespace) ?? []), ...c.secretNames]);
  }
  return byNamespace;
}

/**
 * The flows Knative's namespaces need (the gateway's into Kourier are the kong module's, the
 * scrapes the observability module's): components of each namespace among themselves, the API
 * server, webhooks, Kourier and the activator to the tenants' queue-proxies, tenants to the
 * broker ingress, deliveries from Eventing through Kourier, and KafkaSources to Kafka.
 */
function knativeNetwork(ctx: ModuleContext, fns: readonly FunctionSpec[], eventingTenants: ReadonlySet<string>, eventing: boolean, kafka: KafkaBinding | undefined, kafkaDataPlanes: boolean): void {
  const ns = SYSTEM_NAMESPACES;
  const webhook = (net: NamespaceNetworkPolicies, what: string) =>
    net.allowIngressOnPorts('webhooks', [...SYSTEM_PORTS.knativeWebhook], `the API server calling ${what} admission and conversion webhooks (it has no pod to select)`);

  const operator = ctx.network(ns.knativeOperator);
  operator.allowWithinNamespace('the Knative Operator and its webhook');
  operator.allowApiServer('the Knative Operator installing Serving and Eventing');
  webhook(operator, "the Knative Operator's");
  if (kafkaDataPlanes) {
    operator.allowEgressToCidr(
      'release-manifests',
      '0.0.0.0/0',
      [443],
      `the Knative Operator fetching eventing-kafka-broker's data-plane manifests (KnativeEventing spec.additionalManifests, github.com release assets)`,
    );
  }

  const serving = ctx.network(ns.knativeServing);
  serving.allowWithinNamespace('Knative Serving: Kourier to the activator, activator to the autoscaler, controllers to the webhook');
  serving.allowApiServer('Knative Serving controllers, autoscaler and Kourier watching their resources');
  webhook(serving, "Knative Serving's");
  // Tenants running Knative Services: their functions and, with Eventing, the dead-letter sink.
  const serviceTenants = [...new Set([...fns.map((f) => f.tenant), ...eventingTenants])].sort();
  for (const tenant of serviceTenants) {
    serving.allowEgressTo({
      namespace: tenant,
      ports: [...SYSTEM_PORTS.queueProxy],
      reason: 'Kourier and the activator forwarding requests, the autoscaler reading queue-proxy metrics',
    });
  }
  if (!eventing) return;
  const events = ctx.network(ns.knativeEventing);
  events.allowWithinNamespace('Knative Eventing: controllers, broker ingress and filter, channel and source dispatchers');
  events.allowApiServer('Knative Eventing controllers and dispatchers watching their resources');
  webhook(events, "Knative Eventing's");
  for (const tenant of [...eventingTenants].sort()) {
    events.allowIngressFrom({ namespace: tenant, ports: [...SYSTEM_PORTS.eventingIngress], reason: 'functions of the tenant publishing events to the broker ingress' });
  }
  // A Knative Service's address is Kourier's internal gateway: deliveries to subscribers and sinks go there.
  events.allowEgressTo({
    namespace: ns.knativeServing,
    podLabels: SYSTEM_PODS.kourierGateway,
    ports: [...SYSTEM_PORTS.kourierGateway],
    reason: 'brokers, channels and sources delivering to subscribers and dead-letter sinks (Knative Services, served through Kourier)',
  });
  serving.allowIngressFrom({
    namespace: ns.knativeEventing,
    pods: SYSTEM_PODS.kourierGateway,
    ports: [...SYSTEM_PORTS.kourierGateway],
    reason: 'Knative Eventing delivering to subscribers and dead-letter sinks through Kourier',
  });
  const kafkaPorts = kafka?.clients.get(ns.knativeEventing);
  if (kafka && kafkaPorts) {
    events.allowEgressTo({
      namespace: kafka.namespace,
      podLabels: kafka.brokerPods,
      ports: [...kafkaPorts],
      reason: kafkaDataPlanes
        ? "the Kafka controller and the broker, channel, sink and source data planes (the tenants' eventing principals, the channel principal, the functions' KafkaSource credentials)"
        : "the KafkaSource controller and dispatcher consuming with the functions' credentials",
    });
  }
}

/** Triggers of a function that are not plain HTTP: delivered through Knative Eventing. */
const asyncTriggers = (f: FunctionSpec) => (f.triggers ?? []).filter((t) => t.type !== 'http');

/** Tenants that need Eventing (a broker, dead-letter sink): async triggers, flows or pings. */
export function eventingTenants(fns: readonly FunctionSpec[], k: KnativeSpec): ReadonlySet<string> {
  return new Set([...fns.filter((f) => asyncTriggers(f).length > 0).map((f) => f.tenant), ...k.sequences.map((s) => s.tenant), ...k.parallels.map((p) => p.tenant), ...k.pings.map((p) => p.tenant)]);
}

/** The operator and its namespaces (platform layer), KnativeServing and, when a tenant needs it, KnativeEventing (config layer). */
function installKnative(
  ctx: ModuleContext,
  fns: readonly FunctionSpec[],
  eventingTenants: ReadonlySet<string>,
  kafkaEventing: { readonly eventing: KafkaEventing; readonly planes: readonly KafkaDataPlane[] } | undefined,
): { operator: KnativeOperatorInstall; serving: KnativeServingInstall; eventing?: KnativeEventingInstall } {
  const k = ctx.spec.knative;
  const profile = ctx.env.profile;
  const ns = SYSTEM_NAMESPACES;
  ctx.namespace({ name: ns.knativeOperator, podSecurity: 'baseline', podSecurityReason: OPERATOR_POD_SECURITY_REASON });
  ctx.namespace({ name: ns.knativeServing });
  const op = profile.components.knativeOperator.resources;
  const operator = new KnativeOperatorInstall(ctx.chart('platform', 'knative'), 'operator', {
    namespace: ns.knativeOperator,
    resources: { requests: { cpu: String(op.requests.cpu), memory: String(op.requests.memory) }, limits: { cpu: String(op.limits.cpu), memory: String(op.limits.memory) } },
  });

  const config = ctx.chart('config', 'knative');
  const serving = new KnativeServingInstall(config, 'serving', {
    namespace: ns.knativeServing,
    domain: ctx.env.domain,
    ingress: k.ingress,
    serving: profile.components.knativeServing,
    gateway: profile.components.kourier,
    autoscaler: k.autoscaler,
    features: { ...(spreadsFunctions(ctx, fns) && { [AFFINITY_FEATURE]: 'enabled' }), ...k.features },
  });
  if (eventingTenants.size === 0) return { operator, serving };
  ctx.namespace({ name: ns.knativeEventing });
  const eventing = new KnativeEventingInstall(config, 'eventing', {
    namespace: ns.knativeEventing,
    eventing: profile.components.knativeEventing,
    kafkaSource: fns.some((f) => asyncTriggers(f).some((t) => t.type === 'kafka')),
    kafkaDispatcher: profile.components.knativeKafkaDispatcher,
    ...(kafkaEventing && {
      kafka: {
        planes: kafkaEventing.planes,
        receiver: profile.components.knativeKafkaReceiver,
        ...(kafkaEventing.planes.includes('channel') && { channel: { bootstrapServers: kafkaEventing.eventing.binding.bootstrapServers, authSecret: CHANNEL_AUTH_SECRET } }),
      },
    }),
  });
  if (kafkaEventing?.planes.includes('channel')) kafkaEventing.eventing.channelUser();
  return { operator, serving, eventing };
}

/** One dead-letter sink per eventing tenant, by tenant: Kafka's KafkaSink with Kafka eventing, else event_display logging them. */
function deadLetterSinks(apps: Chart, tenants: ReadonlySet<string>, image: KnativeSpec['deadLetterImage'], durable: KafkaEventing | undefined): Map<string, DeadLetterSink> {
  const sinks = new Map<string, DeadLetterSink>();
  for (const tenant of [...tenants].sort()) sinks.set(tenant, durable ? durable.deadLetterSink(apps, tenant) : new DeadLetterSink(apps, `dls-${tenant}`, { namespace: tenant, image }));
  return sinks;
}

/** Every broker a trigger, flow or reply names, per tenant (`default` unless named). */
function brokerNamesOf(fns: readonly FunctionSpec[], k: KnativeSpec): Map<string, Set<string>> {
  const brokerNames = new Map<string, Set<string>>();
  const useBroker = (tenant: string, name = 'default') => (brokerNames.get(tenant) ?? brokerNames.set(tenant, new Set()).get(tenant)!).add(name);
  const collectDest = (tenant: string, d: EventDestination | undefined) => d && 'broker' in d && useBroker(tenant, d.broker);
  for (const f of fns) {
    for (const t of asyncTriggers(f)) {
      if (t.type === 'event') useBroker(f.tenant, t.broker);
      if (t.type === 'schedule') useBroker(f.tenant);
    }
  }
  for (const s of k.sequences) {
    if (s.trigger) useBroker(s.tenant, s.trigger.broker);
    collectDest(s.tenant, s.reply);
  }
  for (const p of k.parallels) {
    if (p.trigger) useBroker(p.tenant, p.trigger.broker);
    collectDest(p.tenant, p.reply);
    p.branches.forEach((b) => collectDest(p.tenant, b.reply));
  }
  for (const p of k.pings) collectDest(p.tenant, p.sink);
  return brokerNames;
}

/** The brokers, by `<tenant>/<name>`: Kafka brokers with Kafka eventing, channel-based ones otherwise. */
function tenantBrokers(apps: Chart, brokerNames: ReadonlyMap<string, ReadonlySet<string>>, sinks: ReadonlyMap<string, DeadLetterSink>, durable: KafkaEventing | undefined): Map<string, Broker> {
  const brokers = new Map<string, Broker>();
  for (const [tenant, names] of [...brokerNames.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    durable?.brokerConfig(apps, tenant);
    for (const name of [...names].sort()) {
      const delivery = { deadLetterSink: sinks.get(tenant) };
      brokers.set(`${tenant}/${name}`, durable ? durable.broker(apps, tenant, name, delivery) : new Broker(apps, `broker-${tenant}-${name}`, { name, namespace: tenant, delivery }));
    }
  }
  return brokers;
}

/** The Knative feature that lets a Service's pod spec carry affinity. */
const AFFINITY_FEATURE = 'kubernetes.podspec-affinity';

/** Functions that keep two or more replicas: spread across nodes and under a disruption budget where the profile asks (staging, prod). */
const replicated = (fns: readonly FunctionSpec[]) => fns.filter((f) => (functionAutoscaling(f).minScale ?? 0) >= 2);

/** Whether the profile spreads replicated functions across nodes (unless the spec turned the affinity feature off). */
function spreadsFunctions(ctx: ModuleContext, fns: readonly FunctionSpec[]): boolean {
  return ctx.env.profile.ha.antiAffinity && ctx.spec.knative.features?.[AFFINITY_FEATURE] !== 'disabled' && replicated(fns).length > 0;
}

/** One Knative Service per function (producers with their Kafka client settings), by function name. */
function functionServices(ctx: ModuleContext, apps: Chart, fns: readonly FunctionSpec[], kafka: KafkaBinding | undefined): Map<string, KnativeService> {
  const d = ctx.env.profile.functionDefaults;
  const services = new Map<string, KnativeService>();
  const spread = spreadsFunctions(ctx, fns);
  const ha = new Set(replicated(fns).map((f) => f.name));
  for (const fn of fns) {
    // Producers get their Kafka client settings; credentials stay Secret references.
    const producer = kafkaProducerFor(ctx, kafka, fn);
    services.set(
      fn.name,
      new KnativeService(apps, `fn-${fn.name}`, {
        name: fn.name,
        namespace: fn.tenant,
        image: fn.image!,
        port: fn.port,
        env: { ...fn.env, ...producer?.env },
        secretEnv: [...(fn.secrets ?? []), ...(producer?.secrets ?? [])].map((s) => ({ name: s.env, secret: s.secret, key: s.key })),
        resources: { requests: { ...d.requests, ...fn.resources?.requests }, limits: { ...d.limits, ...fn.resources?.limits } },
        readinessProbe: fn.knative?.readinessProbe,
        livenessProbe: fn.knative?.livenessProbe,
        containerConcurrency: fn.knative?.containerConcurrency,
        timeoutSeconds: fn.timeoutSeconds ?? 30,
        clusterLocal: fn.knative?.clusterLocal,
        autoscaling: functionAutoscaling(fn),
        revisionName: fn.knative?.revision ? KNATIVE_NAMES.revision(fn.name, fn.knative.revision) : undefined,
        traffic: fn.knative?.traffic,
        labels: { [LABELS.tenant]: fn.tenant, [LABELS.function]: fn.name },
        spreadAcrossNodes: spread && ha.has(fn.name),
      }),
    );
    if (ctx.env.profile.ha.podDisruptionBudgets && ha.has(fn.name)) services.get(fn.name)!.addDisruptionBudget();
  }
  return services;
}

/** The apps chart and what triggers and flows deliver to: sinks, brokers, services. */
class AppsWiring {
  constructor(
    readonly apps: Chart,
    private readonly sinks: ReadonlyMap<string, DeadLetterSink>,
    private readonly brokers: ReadonlyMap<string, Broker>,
    private readonly services: ReadonlyMap<string, KnativeService>,
    /** Kafka-backed eventing: flows get KafkaChannels. */
    private readonly durable?: KafkaEventing,
  ) {}

  /** The channel of a flow's steps and branches: KafkaChannels with Kafka eventing, the default InMemoryChannel otherwise. */
  channel(tenant: string, channels: readonly string[]): { channel?: 'KafkaChannel'; kafkaChannel?: { numPartitions: number; replicationFactor: number } } {
    return this.durable ? this.durable.channel(tenant, channels) : {};
  }

  service(name: string): KnativeService {
    return this.services.get(name)!;
  }

  broker(tenant: string, name = 'default'): Broker {
    return this.brokers.get(`${tenant}/${name}`)!;
  }

  /** Retries and the tenant's dead-letter sink, unless the settings turn it off. */
  delivery(tenant: string, d: FunctionSpec['delivery']): DeliveryOptions {
    return {
      retries: d?.retries,
      backoffPolicy: d?.backoffPolicy,
      backoffDelay: d?.backoffDelay,
      deadLetterSink: d?.deadLetter === false ? false : this.sinks.get(tenant),
    };
  }

  /** A flow's or ping's destination: a function, a broker, or a sequence/parallel by name (the spec rules checked it exists). */
  destination(tenant: string, d: EventDestination): Destination {
    if ('function' in d) return this.service(d.function);
    if ('broker' in d) return this.broker(tenant, d.broker);
    if ('sequence' in d) return { ref: { apiVersion: 'flows.knative.dev/v1', kind: 'Sequence', name: d.sequence, namespace: tenant } };
    return { ref: { apiVersion: 'flows.knative.dev/v1', kind: 'Parallel', name: d.parallel, namespace: tenant } };
  }
}

/** A function's async triggers: broker Triggers, PingSources with their Trigger, KafkaSources. */
function functionTriggers(ctx: ModuleContext, w: AppsWiring, fn: FunctionSpec, kafka: KafkaBinding | undefined): void {
  const svc = w.service(fn.name);
  const index = ctx.spec.functions.indexOf(fn);
  (fn.triggers ?? []).forEach((t, i) => {
    if (t.type === 'event') {
      w.broker(fn.tenant, t.broker).addTrigger(`trigger-${fn.name}-${i}`, {
        name: EVENTING_NAMES.eventTrigger(fn.name, i),
        filter: { ...t.filters, type: t.eventType, ...(t.source && { source: t.source }) },
        subscriber: svc,
        delivery: w.delivery(fn.tenant, fn.delivery),
      });
    } else if (t.type === 'schedule') {
      const broker = w.broker(fn.tenant);
      const name = EVENTING_NAMES.schedule(fn.name, i);
      new PingSource(w.apps, `ping-${fn.name}-${i}`, {
        name,
        namespace: fn.tenant,
        schedule: t.cron,
        timezone: t.timezone,
        ...(t.data && { data: t.data, contentType: contentTypeOf(t.data) }),
        sink: broker,
      });
      broker.addTrigger(`trigger-${fn.name}-${i}`, {
        name,
        filter: { type: PING_EVENT_TYPE, source: pingEventSource(fn.tenant, name) },
        subscriber: svc,
        delivery: w.delivery(fn.tenant, fn.delivery),
      });
    } else if (t.type === 'kafka') {
      if (!kafka) {
        // A spec that skipped the rules; with a kafka section the kafka module reported why it built none.
        const problem = kafkaTriggerProblem(fn, ctx.spec.kafka);
        if (problem) ctx.issues.add(['functions', index, 'triggers', i], t, problem);
        return;
      }
      const group = t.consumerGroup ?? fn.name;
      const auth = kafka.client(fn, { read: [t.topic], group });
      new KafkaSource(w.apps, `kafka-${fn.name}-${i}`, {
        name: EVENTING_NAMES.kafkaSource(fn.name, i),
        namespace: fn.tenant,
        bootstrapServers: [auth.bootstrapServers],
        topics: [t.topic],
        consumerGroup: group,
        // A new consumer group starts at the beginning: no record published before the
        // first deploy is skipped.
        initialOffset: 'earliest',
        net: kafkaSourceNet(auth),
        sink: svc,
        delivery: w.delivery(fn.tenant, fn.delivery),
      });
    }
  });
}

/** A KafkaSource's credentials, by Secret reference: a client certificate (mTLS) or SCRAM over TLS. */
function kafkaSourceNet(auth: KafkaClientAuth): KafkaSourceNet {
  const conn = auth.connectionSecret;
  if (auth.mechanism === 'tls') {
    return {
      tls: {
        caCert: { name: auth.caSecret.name, key: auth.caKey },
        cert: { name: auth.secret.name, key: auth.secretKeys.certificate ?? 'user.crt' },
        key: { name: auth.secret.name, key: auth.secretKeys.key ?? 'user.key' },
      },
    };
  }
  return {
    sasl: {
      user: { name: conn.name, key: conn.keys.user },
      password: { name: auth.secret.name, key: auth.secretKeys.password ?? 'password' },
      type: { name: conn.name, key: conn.keys.saslMechanism },
    },
    tls: { caCert: { name: auth.caSecret.name, key: auth.caKey } },
  };
}

/**
 * Flows: parallels and sequences (they may reply to each other: references are by name,
 * checked by the spec rules), each with its broker Trigger, then pings into them.
 */
function flows(w: AppsWiring, k: KnativeSpec): void {
  for (const p of k.parallels) {
    const par = new Parallel(w.apps, `parallel-${p.tenant}-${p.name}`, {
      name: p.name,
      namespace: p.tenant,
      branches: p.branches.map((b) => ({
        ...(b.filter && { filter: w.service(b.filter) }),
        subscriber: w.service(b.subscriber),
        ...(b.reply && { reply: w.destination(p.tenant, b.reply) }),
      })),
      ...(p.reply && { reply: w.destination(p.tenant, p.reply) }),
      delivery: w.delivery(p.tenant, p.delivery),
      ...w.channel(p.tenant, parallelChannelNames(p.name, p.branches.length)),
    });
    if (p.trigger) flowTrigger(w, p.tenant, p.name, p.trigger, par, w.delivery(p.tenant, p.delivery));
  }
  for (const s of k.sequences) {
    const seq = new Sequence(w.apps, `sequence-${s.tenant}-${s.name}`, {
      name: s.name,
      namespace: s.tenant,
      steps: s.steps.map((step) => w.service(step)),
      ...(s.reply && { reply: w.destination(s.tenant, s.reply) }),
      delivery: w.delivery(s.tenant, s.delivery),
      ...w.channel(s.tenant, sequenceChannelNames(s.name, s.steps.length)),
    });
    if (s.trigger) flowTrigger(w, s.tenant, s.name, s.trigger, seq, w.delivery(s.tenant, s.delivery));
  }
  for (const p of k.pings) {
    new PingSource(w.apps, `ping-${p.tenant}-${p.name}`, {
      name: p.name,
      namespace: p.tenant,
      schedule: p.cron,
      timezone: p.timezone,
      contentType: p.contentType ?? 'application/json',
      ...(p.data !== undefined && { data: p.data }),
      sink: w.destination(p.tenant, p.sink),
    });
  }
}

type WorkloadJson = { name: string; replicas?: number; resources?: { container: string; requests?: { cpu?: string; memory?: string } }[] };

/**
 * Knative's pods, read from what the module wrote: the operator chart's values, the
 * `workloads` of KnativeServing/KnativeEventing, and each Knative Service's min scale and
 * containers plus the queue-proxy sidecar (config-deployment sets its requests).
 */
function recordFootprint(ctx: ModuleContext, operator: KnativeOperatorInstall, serving: KnativeServingInstall, eventing: KnativeEventingInstall | undefined, apps: Chart): void {
  const fp = ctx.footprint;
  const op = operator.install.values.knative_operator;
  for (const [component, d] of [
    ['knative-operator', op.knative_operator],
    ['operator-webhook', op.operator_webhook],
  ] as const) {
    // The chart has no replicas value: one pod each.
    fp.record({
      component: `knative/${component}`,
      namespace: operator.install.namespace,
      pods: 1,
      containers: [d.resources?.requests],
      source: 'knative-operator values: resources (the chart has no replicas value)',
      objects: [operator.install.release],
    });
  }
  const workloads = (o: KnativeServingInstall['apiObject'] | KnativeEventingInstall['apiObject']) => (o.toJson().spec.workloads ?? []) as WorkloadJson[];
  for (const w of workloads(serving.apiObject)) {
    fp.record({
      component: `knative-serving/${w.name}`,
      namespace: serving.namespace,
      pods: w.replicas ?? 1,
      containers: (w.resources ?? []).map((r) => r.requests),
      source: 'KnativeServing spec.workloads',
      objects: [serving.apiObject],
    });
  }
  const all = apps.node.findAll();
  if (eventing) {
    const pings = all.filter((c): c is PingSource => c instanceof PingSource).map((p) => p.apiObject);
    const kafkaSourceConstructs = all.filter((c): c is KafkaSource => c instanceof KafkaSource);
    const kafkaSources = kafkaSourceConstructs.map((k) => k.apiObject);
    const consumers = kafkaSourceConstructs.reduce((n, k) => n + (k.consumers ?? 1), 0);
    const kafkaTriggers = all.filter((c): c is Trigger => c instanceof Trigger && c.node.scope instanceof Broker && c.node.scope.brokerClass === 'Kafka').length;
    // A Sequence subscribes each step to a channel; a Parallel a filter and a subscriber per branch.
    const channelSubscriptions = eventing.kafka?.planes.includes('channel') ? all.reduce((n, c) => n + (c instanceof Sequence ? c.steps : c instanceof Parallel ? 2 * c.branches : 0), 0) : 0;
    const ns = eventing.apiObject.metadata.namespace!;
    for (const w of workloads(eventing.apiObject)) {
      let pods = w.replicas ?? 1;
      let source = 'KnativeEventing spec.workloads';
      let objects: ApiObject[] = [eventing.apiObject];
      if (w.name === PING_ADAPTER.name) {
        pods = pings.length > 0 ? 1 : 0;
        source = 'KnativeEventing spec.workloads resources; the ping controller runs 1 pod once a PingSource exists';
        objects = [eventing.apiObject, ...pings];
      } else if (w.name === KAFKA_DISPATCHER.name) {
        const min = eventing.kafkaDispatcher?.replicas ?? 1;
        pods = consumers > 0 ? Math.max(min, Math.ceil(consumers / KAFKA_DISPATCHER_POD_CAPACITY)) : 0;
        source = `KnativeEventing spec.workloads resources; max(DISPATCHERS_MIN_REPLICAS ${min}, ${consumers} consumers / ${KAFKA_DISPATCHER_POD_CAPACITY} per pod)`;
        objects = [eventing.apiObject, ...kafkaSources];
      } else if (w.name === KAFKA_DATA_PLANES.broker.dispatcher.name || w.name === KAFKA_DATA_PLANES.channel.dispatcher.name) {
        // Scheduled like the source dispatcher: one consumer per trigger (broker) or subscription (channel).
        const broker = w.name === KAFKA_DATA_PLANES.broker.dispatcher.name;
        const n = broker ? kafkaTriggers : channelSubscriptions;
        const min = eventing.kafkaDispatcher?.replicas ?? 1;
        pods = n > 0 ? Math.max(min, Math.ceil(n / KAFKA_DISPATCHER_POD_CAPACITY)) : 0;
        source = `KnativeEventing spec.workloads resources; max(DISPATCHERS_MIN_REPLICAS ${min}, ${n} ${broker ? 'Kafka broker triggers' : 'channel subscriptions'} / ${KAFKA_DISPATCHER_POD_CAPACITY} per pod)`;
      }
      fp.record({ component: `knative-eventing/${w.name}`, namespace: ns, pods, containers: (w.resources ?? []).map((r) => r.requests), source, objects });
    }
  }
  const defaults = ctx.env.profile.functionDefaults.requests;
  for (const svc of all.filter((c): c is KnativeService => c instanceof KnativeService)) {
    // From the values the service was given (what its object says), not its rendered JSON.
    const annotations = svc.templateAnnotations;
    const min = Number(annotations['autoscaling.knative.dev/min-scale'] ?? 0);
    // The HPA never scales below one replica.
    const pods = annotations['autoscaling.knative.dev/class'] === 'hpa.autoscaling.knative.dev' ? Math.max(1, min) : min;
    // A container without requests gets the tenant LimitRange's defaultRequest (the profile's functionDefaults).
    const container = { cpu: svc.requests?.cpu ?? defaults.cpu, memory: svc.requests?.memory ?? defaults.memory };
    fp.record({
      component: `fn/${svc.name}`,
      namespace: svc.namespace,
      pods,
      containers: [container, QUEUE_PROXY_REQUESTS],
      source: `Knative Service min-scale ${min}${pods === 0 ? ' (scales to zero: nothing runs while idle)' : ''}; container requests + queue-proxy ${QUEUE_PROXY_REQUESTS.cpu}/${QUEUE_PROXY_REQUESTS.memory}`,
      objects: [svc.apiObject],
    });
  }
}

/** The broker Trigger that starts a flow. */
function flowTrigger(w: AppsWiring, tenant: string, name: string, t: { eventType: string; source?: string; broker?: string }, subscriber: Destination, delivery: DeliveryOptions): Trigger {
  return w.broker(tenant, t.broker).addTrigger(`trigger-flow-${tenant}-${name}`, {
    name: EVENTING_NAMES.flowTrigger(name),
    filter: { type: t.eventType, ...(t.source && { source: t.source }) },
    subscriber,
    delivery,
  });
}

function contentTypeOf(data: string): string {
  try {
    JSON.parse(data);
    return 'application/json';
  } catch {
    return 'text/plain';
  }
}
