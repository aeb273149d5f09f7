import { kafkaProducerFor } from '../kafka-producer';
import { ApiObject } from 'cdk8s';
import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES } from '../../k8s/common/namespaces';
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
import { KAFKA_DISPATCHER, KAFKA_DISPATCHER_POD_CAPACITY, PING_ADAPTER } from '../../k8s/knative/eventing-install';
import { QUEUE_PROXY_REQUESTS } from '../../k8s/knative/serving-install';
import type { EventDestination } from '../../spec/eventing';
import type { FunctionSpec } from '../../spec/function';
import { functionAutoscaling } from '../../spec/rules/knative';
import { KNATIVE_NAMES } from '../../spec/targets/knative';
import type { HybridPlatform } from '../hybrid-platform';
import type { PlatformModule } from './module';

/** CloudEvent `source` of a PingSource's events, as the ping adapter sets it. */
export const pingEventSource = (namespace: string, name: string): string => `/apis/v1/namespaces/${namespace}/pingsources/${name}`;
/** CloudEvent `type` of a PingSource's events. */
export const PING_EVENT_TYPE = 'dev.knative.sources.ping';

const OPERATOR_POD_SECURITY_REASON =
  'the knative-operator chart v1.23.0 sets allowPrivilegeEscalation, readOnlyRootFilesystem, runAsNonRoot and drops ALL capabilities, but templates no seccompProfile, which Pod Security "restricted" requires';

/**
 * Knative: the Operator (platform layer), KnativeServing/KnativeEventing (config layer), and
 * per tenant the functions, their triggers, brokers, flows and the dead-letter sink (apps).
 *
 * Async paths: event triggers are broker Triggers; schedule triggers are PingSources into the
 * tenant's broker plus a Trigger (PingSource has no retry settings; the Trigger does); kafka
 * triggers are KafkaSources. Every one of them retries (3× exponential from 1s by default)
 * and dead-letters to the tenant's `dead-letter-sink` unless the function turns it off.
 */
export const knativeModule: PlatformModule = {
  name: 'knative',
  build(platform: HybridPlatform): void {
    const fns = platform.functionsFor('knative');
    const k = platform.spec.knative;
    const flows = k.sequences.length + k.parallels.length + k.pings.length;
    if (fns.length === 0 && flows === 0) return;
    const profile = platform.env.profile;
    const ns = SYSTEM_NAMESPACES;

    // Platform layer: namespaces and the operator chart.
    platform.namespace({ name: ns.knativeOperator, podSecurity: 'baseline', podSecurityReason: OPERATOR_POD_SECURITY_REASON });
    platform.namespace({ name: ns.knativeServing });
    const op = profile.components.knativeOperator.resources;
    const operator = new KnativeOperatorInstall(platform.chart('platform', 'knative'), 'operator', {
      namespace: ns.knativeOperator,
      resources: { requests: { cpu: String(op.requests.cpu), memory: String(op.requests.memory) }, limits: { cpu: String(op.limits.cpu), memory: String(op.limits.memory) } },
    });

    // Config layer: the operator's CRs.
    const config = platform.chart('config', 'knative');
    const serving = new KnativeServingInstall(config, 'serving', {
      namespace: ns.knativeServing,
      domain: platform.env.domain,
      ingress: k.ingress,
      serving: profile.components.knativeServing,
      gateway: profile.components.kourier,
      autoscaler: k.autoscaler,
      features: k.features,
    });
    const asyncTriggers = (f: FunctionSpec) => (f.triggers ?? []).filter((t) => t.type !== 'http');
    const usesKafka = fns.some((f) => asyncTriggers(f).some((t) => t.type === 'kafka'));
    const eventingTenants = new Set([...fns.filter((f) => asyncTriggers(f).length > 0).map((f) => f.tenant), ...k.sequences.map((s) => s.tenant), ...k.parallels.map((p) => p.tenant), ...k.pings.map((p) => p.tenant)]);
    let eventing: KnativeEventingInstall | undefined;
    if (eventingTenants.size > 0) {
      platform.namespace({ name: ns.knativeEventing });
      eventing = new KnativeEventingInstall(config, 'eventing', {
        namespace: ns.knativeEventing,
        eventing: profile.components.knativeEventing,
        kafkaSource: usesKafka,
        kafkaDispatcher: profile.components.knativeKafkaDispatcher,
      });
    }

    const apps = platform.chart('apps', 'knative');

    // Dead-letter sinks and brokers first: everything else delivers to them.
    const sinks = new Map<string, DeadLetterSink>();
    for (const tenant of [...eventingTenants].sort()) {
      sinks.set(tenant, new DeadLetterSink(apps, `dls-${tenant}`, { namespace: tenant, image: k.deadLetterImage }));
    }
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
    const brokers = new Map<string, Broker>();
    for (const [tenant, names] of [...brokerNames.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      for (const name of [...names].sort()) {
        brokers.set(`${tenant}/${name}`, new Broker(apps, `broker-${tenant}-${name}`, { name, namespace: tenant, delivery: { deadLetterSink: sinks.get(tenant) } }));
      }
    }

    // Functions: one Knative Service each, reachable through the ingress's local gateway.
    const services = new Map<string, KnativeService>();
    for (const fn of fns) {
      const d = profile.functionDefaults;
      const labels = { [LABELS.tenant]: fn.tenant, [LABELS.function]: fn.name };
      // Producers get their Kafka client settings; credentials stay Secret references.
      const producer = kafkaProducerFor(platform, fn);
      const svc = new KnativeService(apps, `fn-${fn.name}`, {
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
        labels,
      });
      services.set(fn.name, svc);
      // Host header of the cluster-local route: Knative creates it for every service (public
      // or cluster-local), so the gateway's hop stays in-cluster and needs no DNS.
      platform.endpoints.set(fn.name, { function: fn, target: 'knative', service: serving.localGateway, hostHeader: `${fn.name}.${fn.tenant}.svc.cluster.local` });
    }

    const delivery = (tenant: string, d: FunctionSpec['delivery']): DeliveryOptions => ({
      retries: d?.retries,
      backoffPolicy: d?.backoffPolicy,
      backoffDelay: d?.backoffDelay,
      deadLetterSink: d?.deadLetter === false ? false : sinks.get(tenant),
    });
    const destination = (tenant: string, d: EventDestination): Destination => {
      if ('function' in d) return services.get(d.function)!;
      if ('broker' in d) return brokers.get(`${tenant}/${d.broker}`)!;
      if ('sequence' in d) return { ref: { apiVersion: 'flows.knative.dev/v1', kind: 'Sequence', name: d.sequence, namespace: tenant } };
      return { ref: { apiVersion: 'flows.knative.dev/v1', kind: 'Parallel', name: d.parallel, namespace: tenant } };
    };

    // Function triggers.
    for (const fn of fns) {
      const svc = services.get(fn.name)!;
      const index = platform.spec.functions.indexOf(fn);
      (fn.triggers ?? []).forEach((t, i) => {
        if (t.type === 'event') {
          const broker = brokers.get(`${fn.tenant}/${t.broker ?? 'default'}`)!;
          new Trigger(apps, `trigger-${fn.name}-${i}`, {
            name: EVENTING_NAMES.eventTrigger(fn.name, i),
            broker,
            filter: { ...t.filters, type: t.eventType, ...(t.source && { source: t.source }) },
            subscriber: svc,
            delivery: delivery(fn.tenant, fn.delivery),
          });
        } else if (t.type === 'schedule') {
          const broker = brokers.get(`${fn.tenant}/default`)!;
          const name = EVENTING_NAMES.schedule(fn.name, i);
          new PingSource(apps, `ping-${fn.name}-${i}`, {
            name,
            namespace: fn.tenant,
            schedule: t.cron,
            timezone: t.timezone,
            ...(t.data && { data: t.data, contentType: contentTypeOf(t.data) }),
            sink: broker,
          });
          new Trigger(apps, `trigger-${fn.name}-${i}`, {
            name,
            broker,
            filter: { type: PING_EVENT_TYPE, source: pingEventSource(fn.tenant, name) },
            subscriber: svc,
            delivery: delivery(fn.tenant, fn.delivery),
          });
        } else if (t.type === 'kafka') {
          if (!platform.kafka) {
            platform.issues.add(['functions', index, 'triggers', i], t, 'a kafka trigger needs the platform\'s Kafka: add a top-level "kafka" section with the topic');
            return;
          }
          const group = t.consumerGroup ?? fn.name;
          const auth = platform.kafka.client(fn, { read: [t.topic], group });
          const conn = auth.connectionSecret;
          const net: KafkaSourceNet =
            auth.mechanism === 'tls'
              ? { tls: { caCert: { name: auth.caSecret.name, key: auth.caKey }, cert: { name: auth.secret.name, key: auth.secretKeys.certificate ?? 'user.crt' }, key: { name: auth.secret.name, key: auth.secretKeys.key ?? 'user.key' } } }
              : {
                  sasl: {
                    user: { name: conn.name, key: conn.keys.user },
                    password: { name: auth.secret.name, key: auth.secretKeys.password ?? 'password' },
                    type: { name: conn.name, key: conn.keys.saslMechanism },
                  },
                  tls: { caCert: { name: auth.caSecret.name, key: auth.caKey } },
                };
          new KafkaSource(apps, `kafka-${fn.name}-${i}`, {
            name: EVENTING_NAMES.kafkaSource(fn.name, i),
            namespace: fn.tenant,
            bootstrapServers: [auth.bootstrapServers],
            topics: [t.topic],
            consumerGroup: group,
            // A new consumer group starts at the beginning: no record published before the
            // first deploy is skipped.
            initialOffset: 'earliest',
            net,
            sink: svc,
            delivery: delivery(fn.tenant, fn.delivery),
          });
        }
      });
    }

    // Flows: parallels and sequences (they may reply to each other: references are by name,
    // checked by the spec rules), then pings into them.
    for (const p of k.parallels) {
      const par = new Parallel(apps, `parallel-${p.tenant}-${p.name}`, {
        name: p.name,
        namespace: p.tenant,
        branches: p.branches.map((b) => ({
          ...(b.filter && { filter: services.get(b.filter)! }),
          subscriber: services.get(b.subscriber)!,
          ...(b.reply && { reply: destination(p.tenant, b.reply) }),
        })),
        ...(p.reply && { reply: destination(p.tenant, p.reply) }),
        delivery: delivery(p.tenant, p.delivery),
      });
      if (p.trigger) flowTrigger(apps, brokers, p.tenant, p.name, p.trigger, par, delivery(p.tenant, p.delivery));
    }
    for (const s of k.sequences) {
      const seq = new Sequence(apps, `sequence-${s.tenant}-${s.name}`, {
        name: s.name,
        namespace: s.tenant,
        steps: s.steps.map((step) => services.get(step)!),
        ...(s.reply && { reply: destination(s.tenant, s.reply) }),
        delivery: delivery(s.tenant, s.delivery),
      });
      if (s.trigger) flowTrigger(apps, brokers, s.tenant, s.name, s.trigger, seq, delivery(s.tenant, s.delivery));
    }
    for (const p of k.pings) {
      new PingSource(apps, `ping-${p.tenant}-${p.name}`, {
        name: p.name,
        namespace: p.tenant,
        schedule: p.cron,
        timezone: p.timezone,
        contentType: p.contentType ?? 'application/json',
        ...(p.data !== undefined && { data: p.data }),
        sink: destination(p.tenant, p.sink),
      });
    }

    recordFootprint(platform, operator, serving, eventing, apps);
  },
};

type WorkloadJson = { name: string; replicas?: number; resources?: { container: string; requests?: { cpu?: string; memory?: string } }[] };

/**
 * Knative's pods, read from what the module wrote: the operator chart's values, the
 * `workloads` of KnativeServing/KnativeEventing, and each Knative Service's min scale and
 * containers plus the queue-proxy sidecar (config-deployment sets its requests).
 */
function recordFootprint(platform: HybridPlatform, operator: KnativeOperatorInstall, serving: KnativeServingInstall, eventing: KnativeEventingInstall | undefined, apps: ReturnType<HybridPlatform['chart']>): void {
  const fp = platform.footprint;
  const op = operator.install.values.knative_operator;
  for (const [component, d] of [['knative-operator', op.knative_operator], ['operator-webhook', op.operator_webhook]] as const) {
    // The chart has no replicas value: one pod each.
    fp.record({ component: `knative/${component}`, namespace: operator.install.namespace, pods: 1, containers: [d.resources?.requests], source: 'knative-operator values: resources (the chart has no replicas value)', objects: [operator.install.release] });
  }
  const workloads = (o: KnativeServingInstall['apiObject'] | KnativeEventingInstall['apiObject']) => (o.toJson().spec.workloads ?? []) as WorkloadJson[];
  for (const w of workloads(serving.apiObject)) {
    fp.record({ component: `knative-serving/${w.name}`, namespace: serving.namespace, pods: w.replicas ?? 1, containers: (w.resources ?? []).map((r) => r.requests), source: 'KnativeServing spec.workloads', objects: [serving.apiObject] });
  }
  const all = apps.node.findAll();
  if (eventing) {
    const pings = all.filter((c): c is PingSource => c instanceof PingSource).map((p) => p.apiObject);
    const kafkaSources = all.filter((c): c is KafkaSource => c instanceof KafkaSource).map((k) => k.apiObject);
    const consumers = kafkaSources.reduce((n, k) => n + ((k.toJson().spec?.consumers as number | undefined) ?? 1), 0);
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
      }
      fp.record({ component: `knative-eventing/${w.name}`, namespace: ns, pods, containers: (w.resources ?? []).map((r) => r.requests), source, objects });
    }
  }
  const defaults = platform.env.profile.functionDefaults.requests;
  for (const svc of all.filter((c): c is KnativeService => c instanceof KnativeService)) {
    const json = svc.apiObject.toJson();
    const template = json.spec?.template ?? {};
    const annotations: Record<string, string> = template.metadata?.annotations ?? {};
    const min = Number(annotations['autoscaling.knative.dev/min-scale'] ?? 0);
    // The HPA never scales below one replica.
    const pods = annotations['autoscaling.knative.dev/class'] === 'hpa.autoscaling.knative.dev' ? Math.max(1, min) : min;
    // A container without requests gets the tenant LimitRange's defaultRequest (the profile's functionDefaults).
    const containers = ((template.spec?.containers ?? []) as { resources?: { requests?: { cpu?: string; memory?: string } } }[]).map((c) => ({ cpu: c.resources?.requests?.cpu ?? defaults.cpu, memory: c.resources?.requests?.memory ?? defaults.memory }));
    fp.record({
      component: `fn/${json.metadata.name}`,
      namespace: json.metadata.namespace,
      pods,
      containers: [...containers, QUEUE_PROXY_REQUESTS],
      source: `Knative Service min-scale ${min}${pods === 0 ? ' (scales to zero: nothing runs while idle)' : ''}; container requests + queue-proxy ${QUEUE_PROXY_REQUESTS.cpu}/${QUEUE_PROXY_REQUESTS.memory}`,
      objects: [svc.apiObject],
    });
  }
}

function flowTrigger(
  scope: ReturnType<HybridPlatform['chart']>,
  brokers: ReadonlyMap<string, Broker>,
  tenant: string,
  name: string,
  t: { eventType: string; source?: string; broker?: string },
  subscriber: Destination,
  delivery: DeliveryOptions,
): Trigger {
  return new Trigger(scope, `trigger-flow-${tenant}-${name}`, {
    name: EVENTING_NAMES.flowTrigger(name),
    broker: brokers.get(`${tenant}/${t.broker ?? 'default'}`)!,
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
