import type { AlertingRule, RuleGroup } from './rule-model';
import { anyOf, selector, str } from './rule-model';

/**
 * Metrics that tell where an event was lost, by upstream release:
 * - Kafka data plane (knative-extensions/eventing-kafka-broker knative-v1.23.0, commit
 *   2dcdd7c72a3d856ba137cef5a3a5c0a6d55fe58f; Micrometer 1.15, Prometheus naming): the
 *   dispatcher of Kafka Brokers, KafkaChannels and KafkaSources records
 *   `kn.eventing.dispatch.latency` (a distribution in milliseconds) once per event, after its
 *   retries (`data-plane/dispatcher/.../impl/RecordDispatcherImpl.java`,
 *   `onSubscriberSuccess`/`onSubscriberFailure`), tagged `http.response.status_code` and the
 *   egress reference `kn.<kind>.name`/`kn.<kind>.namespace`
 *   (`data-plane/core/.../observability/metrics/Metrics.java`, `resourceRefTags`): kind
 *   `Trigger` for a Kafka Broker's triggers, `KafkaSource` for sources (the ConsumerGroup's
 *   owner, `control-plane/pkg/reconciler/consumer/consumer.go`). A non-2xx final status means
 *   the event went to the dead-letter sink (or was dropped without one). A failure without
 *   any HTTP response (timeout, refused connection) is recorded without the egress tags, so
 *   it cannot be attributed: the tenant's dead-letter topic alert still sees it.
 * - Channel-based broker (knative/eventing 1.22.0 to main 8cf4c4b of 2026-06-17, unchanged;
 *   `pkg/broker/filter/filter_handler.go`): mt-broker-filter records the OpenTelemetry
 *   histogram `kn.eventing.dispatch.duration` (seconds) for every delivery attempt to a
 *   Trigger's subscriber, with `messaging.destination.name` = `trigger:<name>.<namespace>`
 *   (`pkg/tracing/attributes.go`) and `http.response.status_code` (0 without a response).
 *   Retries are the in-memory channel's, so a failed attempt is not yet a dead letter.
 * - Strimzi's Kafka Exporter: `kafka_topic_partition_current_offset{topic,partition}`, the
 *   end offset of each partition: it grows by one per record written.
 */
export const EVENTING_METRICS = {
  kafkaDispatch: 'kn_eventing_dispatch_latency_milliseconds_count',
  kafkaTriggerName: 'kn_trigger_name',
  kafkaTriggerNamespace: 'kn_trigger_namespace',
  kafkaSourceName: 'kn_kafkasource_name',
  kafkaSourceNamespace: 'kn_kafkasource_namespace',
  brokerFilterDispatch: 'kn_eventing_dispatch_duration_seconds_count',
  destination: 'messaging_destination_name',
  status: 'http_response_status_code',
  topicOffset: 'kafka_topic_partition_current_offset',
} as const;

/** `messaging.destination.name` of a Trigger in the channel-based broker's metrics. */
export const brokerFilterDestination = (namespace: string, trigger: string): string => `trigger:${trigger}.${namespace}`;

/**
 * Kafka consumer group of a Kafka Broker's Trigger: eventing-kafka-broker 1.23's default
 * `triggers-consumergroup-template` (`config-kafka-features`).
 */
export const kafkaTriggerConsumerGroup = (namespace: string, trigger: string): string => `knative-trigger-${namespace}-${trigger}`;

/**
 * Consumer groups of the subscriptions of a KafkaChannel (`kafka.<namespace>.<channel>.<subscription uid>`,
 * eventing-kafka-broker 1.23 `control-plane/pkg/reconciler/channel/channel.go`), as a regex
 * over every channel of a Sequence or Parallel (`<flow>-kn-sequence-<i>`, `<flow>-kn-parallel[-<i>]`).
 */
export const flowConsumerGroupPattern = (namespace: string, flow: string): string => `kafka\\.${anyOf([namespace])}\\.${anyOf([flow])}-kn-(sequence|parallel)(-[0-9]+)?\\..+`;

/** The data-plane workloads of Knative Eventing in `knative-eventing`, in-memory and Kafka. */
export const EVENTING_DATA_PLANE = {
  deployments: ['mt-broker-ingress', 'mt-broker-filter', 'imc-dispatcher', 'kafka-broker-receiver', 'kafka-channel-receiver', 'kafka-sink-receiver'],
  statefulSets: ['kafka-broker-dispatcher', 'kafka-channel-dispatcher', 'kafka-source-dispatcher'],
} as const;

/** Pod label `app` of the Kafka data plane (each serves Prometheus metrics on port `http-metrics`, 9090). */
export const KAFKA_DATA_PLANE_APPS = [
  'kafka-broker-receiver',
  'kafka-broker-dispatcher',
  'kafka-channel-receiver',
  'kafka-channel-dispatcher',
  'kafka-sink-receiver',
  'kafka-source-dispatcher',
] as const;

/**
 * Events counted by `counter` in the last 5 minutes, as a condition: its increase, or a
 * series that did not exist 5 minutes ago. The data planes create a series with the first
 * event of its labels (a first failure starts at 1, which `increase` cannot see).
 */
function eventsIn5m(counter: string): string {
  return `(sum(increase(${counter}[5m])) > 0 or sum(${counter} unless ${counter} offset 5m) > 0)`;
}

/**
 * "Broker or dispatcher down": a data-plane workload of Knative Eventing that should run
 * (spec replicas > 0) and has no available (ready) replica for 5 minutes, from
 * kube-state-metrics. Workloads an environment does not install have no series: one rule
 * covers the in-memory and the Kafka data planes.
 */
export function eventingDataPlaneGroup(namespace: string): RuleGroup {
  const down = (ready: string, desired: string, key: string, names: readonly string[]) => {
    const sel = `{namespace=${str(namespace)},${key}=~${str(anyOf(names))}}`;
    return `label_replace((${ready}${sel} == 0) and on (namespace, ${key}) (${desired}${sel} > 0), "component", "$1", ${str(key)}, "(.+)")`;
  };
  const d = EVENTING_DATA_PLANE;
  return {
    name: 'hybrid-serverless.eventing',
    rules: [
      {
        alert: 'EventingDataPlaneDown',
        expr: `${down('kube_deployment_status_replicas_available', 'kube_deployment_spec_replicas', 'deployment', d.deployments)} or ${down('kube_statefulset_status_replicas_ready', 'kube_statefulset_replicas', 'statefulset', d.statefulSets)}`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Knative Eventing {{ $labels.component }} is down',
          description: `{{ $labels.component }} in ${namespace} has had no ready replica for 5 minutes: the brokers, channels, sources or sinks it serves refuse or hold events.`,
        },
      },
    ],
  };
}

/** A tenant's durable dead-letter store: a Kafka topic. */
export interface DeadLetterTopic {
  readonly tenant: string;
  readonly topic: string;
}

/** Dead letters arriving in each tenant's dead-letter topic (any record written in 5 minutes). */
export function deadLetterTopicGroup(topics: readonly DeadLetterTopic[]): RuleGroup {
  return {
    name: 'hybrid-serverless.dead-letters',
    rules: topics.map((t) => {
      const offsets = `${EVENTING_METRICS.topicOffset}${selector({ topic: t.topic })}`;
      return {
        alert: 'DeadLettersArriving',
        // End offsets only grow; delta over the partitions is the records written.
        expr: `sum by (topic) (delta(${offsets}[5m])) > 0`,
        labels: { severity: 'critical', tenant: t.tenant },
        annotations: {
          summary: `${t.tenant}: dead letters arriving in ${t.topic}`,
          description: `Events of tenant ${t.tenant} failed every retry in the last 5 minutes and were kept in the Kafka topic ${t.topic} (original CloudEvent with knativeerrordest/knativeerrorcode/knativeerrordata): fix the cause, then replay them.`,
        },
      };
    }),
  };
}

/** How events reach one function through Knative Eventing. */
export interface MonitoredDelivery {
  readonly function: string;
  readonly tenant: string;
  /** Namespace of its Triggers and KafkaSources (the tenant's). */
  readonly namespace: string;
  /** Broker Triggers delivering to it (its event and schedule triggers). */
  readonly triggers: readonly string[];
  /** KafkaSources delivering to it (its kafka triggers). */
  readonly kafkaSources: readonly string[];
  /** Whether failed events go to a dead-letter sink (false: they are dropped). @default true */
  readonly deadLetter?: boolean;
}

/**
 * Per function: events that failed every retry (Kafka Broker triggers and KafkaSources, from
 * the Kafka dispatcher's final status) and failing delivery attempts through the
 * channel-based broker (mt-broker-filter). Each expression selects only its data plane's
 * series, so the one an environment does not run never fires.
 */
export function deliveryAlerts(d: MonitoredDelivery): AlertingRule[] {
  const m = EVENTING_METRICS;
  const labels = { tenant: d.tenant, function: d.function };
  const failed = `${m.status}!~"2.."`;
  const alerts: AlertingRule[] = [];
  const finals = [
    ...(d.triggers.length ? [`${m.kafkaDispatch}{${m.kafkaTriggerNamespace}=${str(d.namespace)},${m.kafkaTriggerName}=~${str(anyOf(d.triggers))},${failed}}`] : []),
    ...(d.kafkaSources.length ? [`${m.kafkaDispatch}{${m.kafkaSourceNamespace}=${str(d.namespace)},${m.kafkaSourceName}=~${str(anyOf(d.kafkaSources))},${failed}}`] : []),
  ];
  const where = d.deadLetter === false ? 'dropped (delivery.deadLetter is false)' : `sent to the dead-letter sink of ${d.tenant}`;
  if (finals.length) {
    alerts.push({
      alert: 'FunctionDeadLetters',
      expr: finals.map(eventsIn5m).join(' or '),
      labels: { severity: 'critical', ...labels },
      annotations: {
        summary: `${d.function}: events failed every retry`,
        description: `Events for ${d.namespace}/${d.function} (${[...d.triggers, ...d.kafkaSources].join(', ')}) failed every retry in the last 5 minutes and were ${where}.`,
      },
    });
  }
  if (d.triggers.length) {
    const dest = anyOf(d.triggers.map((t) => brokerFilterDestination(d.namespace, t)));
    alerts.push({
      alert: 'FunctionEventDeliveriesFailing',
      expr: eventsIn5m(`${m.brokerFilterDispatch}{${m.destination}=~${str(dest)},${failed}}`),
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: `${d.function}: event deliveries through the broker fail`,
        description: `The channel-based broker's deliveries to ${d.namespace}/${d.function} (${d.triggers.join(', ')}) failed in the last 5 minutes; after the retries such events are ${where}.`,
      },
    });
  }
  return alerts;
}

/** Name of the rule group holding a tenant's per-function delivery alerts. */
export const deliveryAlertGroupName = (tenant: string): string => `hybrid-serverless.delivery.${tenant}`;

/** Per-function delivery alerts of one tenant's functions. */
export function deliveryAlertGroup(tenant: string, deliveries: readonly MonitoredDelivery[]): RuleGroup {
  return { name: deliveryAlertGroupName(tenant), rules: deliveries.filter((d) => d.tenant === tenant).flatMap(deliveryAlerts) };
}
