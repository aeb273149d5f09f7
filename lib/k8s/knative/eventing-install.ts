import { Construct } from 'constructs';
import {
  KnativeEventing,
  KnativeEventingSpecWorkloadsResourcesLimits as Limits,
  KnativeEventingSpecWorkloadsResourcesRequests as Requests,
} from '../../imports/knative-operator-eventing-operator.knative.dev';
import { fail } from '../../core/errors';
import { KNATIVE_VERSION } from './operator-install';
import type { ComponentSizing } from './serving-install';

/**
 * Eventing 1.23 workloads that run, and their main container: core, in-memory channel and
 * channel-based broker.
 */
export const EVENTING_WORKLOADS = [
  { name: 'eventing-controller', container: 'eventing-controller' },
  { name: 'eventing-webhook', container: 'eventing-webhook' },
  { name: 'imc-controller', container: 'controller' },
  { name: 'imc-dispatcher', container: 'dispatcher' },
  { name: 'mt-broker-controller', container: 'mt-broker-controller' },
  { name: 'mt-broker-filter', container: 'filter' },
  { name: 'mt-broker-ingress', container: 'ingress' },
] as const;

/**
 * Core 1.23 receivers for kinds the platform never creates (JobSink, RequestReply): scaled to
 * zero so they hold no requests. Their controllers stay in eventing-controller.
 */
export const UNUSED_EVENTING_WORKLOADS = [
  { name: 'job-sink', container: 'job-sink' },
  { name: 'request-reply', container: 'request-reply' },
] as const;

/** The PingSource adapter: the ping controller scales it from 0 to 1 when the first PingSource exists. */
export const PING_ADAPTER = { name: 'pingsource-mt-adapter', container: 'dispatcher' } as const;

/** Control plane of the Kafka source (eventing-kafka 1.23: kafka-controller.yaml), sized like the rest of Eventing. */
export const KAFKA_SOURCE_WORKLOADS = [
  { name: 'kafka-controller', container: 'controller' },
  { name: 'kafka-webhook-eventing', container: 'kafka-webhook-eventing' },
] as const;

/**
 * The Kafka source's data plane, a StatefulSet the kafka-controller scales: one pod per
 * `KAFKA_DISPATCHER_POD_CAPACITY` consumers (virtual replicas) of all KafkaSources, and at
 * least `minReplicas` once a source exists.
 */
export const KAFKA_DISPATCHER = { name: 'kafka-source-dispatcher', container: 'kafka-source-dispatcher' } as const;
/** The controller's POD_CAPACITY in eventing-kafka 1.23. */
export const KAFKA_DISPATCHER_POD_CAPACITY = 20;

/** eventing-kafka-broker release the data planes come from: the Knative release in use. */
export const EVENTING_KAFKA_BROKER_RELEASE = 'knative-v1.23.0';
const releaseAsset = (file: string) => `https://github.com/knative-extensions/eventing-kafka-broker/releases/download/${EVENTING_KAFKA_BROKER_RELEASE}/${file}`;

/**
 * The Kafka data planes the Operator does not install with `source.kafka` (it brings the Kafka
 * controller, webhook, CRDs and the KafkaSource dispatcher only): eventing-kafka-broker's release
 * manifests, added through `spec.additionalManifests`, with the workloads each runs
 * (data-plane/config/{broker,channel,sink}/500-*.yaml at the release).
 */
export const KAFKA_DATA_PLANES = {
  broker: {
    manifest: releaseAsset('eventing-kafka-broker.yaml'),
    receiver: { name: 'kafka-broker-receiver', container: 'kafka-broker-receiver' },
    dispatcher: { name: 'kafka-broker-dispatcher', container: 'kafka-broker-dispatcher' },
  },
  channel: {
    manifest: releaseAsset('eventing-kafka-channel.yaml'),
    receiver: { name: 'kafka-channel-receiver', container: 'kafka-channel-receiver' },
    dispatcher: { name: 'kafka-channel-dispatcher', container: 'kafka-channel-dispatcher' },
  },
  sink: {
    manifest: releaseAsset('eventing-kafka-sink.yaml'),
    receiver: { name: 'kafka-sink-receiver', container: 'kafka-sink-receiver' },
    dispatcher: undefined,
  },
} as const;
export type KafkaDataPlane = keyof typeof KAFKA_DATA_PLANES;

/** Kafka-backed eventing: which data planes to install and how to size and configure them. */
export interface KafkaEventingOptions {
  /** Data planes to install (each adds its release manifest). */
  readonly planes: readonly KafkaDataPlane[];
  /** Each receiver (a JVM HTTP ingress): replicas and resources. */
  readonly receiver: ComponentSizing;
  /** Make `Kafka` the default broker class. @default true when `broker` is installed */
  readonly defaultBrokerClass?: boolean;
  /**
   * KafkaChannels: the cluster-wide `kafka-channel-config` (bootstrap servers and the Secret in
   * this namespace with the channel principal's credentials). Required with the `channel` plane.
   */
  readonly channel?: { readonly bootstrapServers: string; readonly authSecret: string };
}

export interface KnativeEventingInstallProps {
  /** Namespace of Eventing (the CR goes there; must exist). */
  readonly namespace: string;
  /** Eventing control and data plane. */
  readonly eventing: ComponentSizing;
  /** Install the KafkaSource controller (eventing-kafka). @default false */
  readonly kafkaSource?: boolean;
  /**
   * The Kafka source dispatcher (a JVM): resources, and `replicas` as the fewest dispatcher
   * pods the controller keeps once a KafkaSource exists (its DISPATCHERS_MIN_REPLICAS).
   * @default 1.23's manifest: 1000m/700Mi requested, 2000m/1000Mi limit, 1 replica
   */
  readonly kafkaDispatcher?: ComponentSizing;
  /** Kafka broker, channel and sink data planes (eventing-kafka-broker). @default none: MTChannelBasedBroker over InMemoryChannel */
  readonly kafka?: KafkaEventingOptions;
}

const DEFAULT_KAFKA_DISPATCHER: ComponentSizing = { replicas: 1, resources: { requests: { cpu: '1000m', memory: '700Mi' }, limits: { cpu: '2000m', memory: '1000Mi' } } };

function resourcesOf(container: string, s: ComponentSizing) {
  return {
    container,
    requests: { cpu: Requests.fromString(String(s.resources.requests.cpu)), memory: Requests.fromString(String(s.resources.requests.memory)) },
    limits: { cpu: Limits.fromString(String(s.resources.limits.cpu)), memory: Limits.fromString(String(s.resources.limits.memory)) },
  };
}

/**
 * The KnativeEventing CR: the channel-based broker as default class (the only one the
 * operator ships without extra manifests), the Kafka source when Kafka triggers exist, and
 * profile-sized workloads.
 */
export class KnativeEventingInstall extends Construct {
  readonly apiObject: KnativeEventing;
  /** Sizing of the Kafka dispatchers (source, broker, channel), when the Kafka control plane is installed. */
  readonly kafkaDispatcher?: ComponentSizing;
  /** Kafka data planes installed, with their sizing. */
  readonly kafka?: KafkaEventingOptions;

  constructor(scope: Construct, id: string, props: KnativeEventingInstallProps) {
    super(scope, id);
    const s = props.eventing;
    if (!Number.isInteger(s.replicas) || s.replicas < 1) fail('KnativeEventingInstall.eventing.replicas', s.replicas, 'must be a whole number ≥ 1');
    const off = { enabled: false };
    const planes = [...new Set(props.kafka?.planes ?? [])].sort();
    for (const p of planes) if (!(p in KAFKA_DATA_PLANES)) fail('KnativeEventingInstall.kafka.planes', p, `must be one of ${Object.keys(KAFKA_DATA_PLANES).join(', ')}`);
    if (planes.includes('channel') && !props.kafka?.channel)
      fail('KnativeEventingInstall.kafka.channel', undefined, 'is required with the channel data plane: bootstrapServers and authSecret for kafka-channel-config');
    const receiver = props.kafka?.receiver;
    if (receiver && (!Number.isInteger(receiver.replicas) || receiver.replicas < 1)) fail('KnativeEventingInstall.kafka.receiver.replicas', receiver.replicas, 'must be a whole number ≥ 1');
    // The Kafka controller (source.kafka) reconciles brokers, channels and sinks too.
    const kafka = (props.kafkaSource ?? false) || planes.length > 0;
    this.kafka = props.kafka && planes.length > 0 ? props.kafka : undefined;
    const kafkaBrokerDefault = planes.includes('broker') && (props.kafka?.defaultBrokerClass ?? true);
    const channel = planes.includes('channel') ? props.kafka!.channel! : undefined;
    const dispatcher = props.kafkaDispatcher ?? DEFAULT_KAFKA_DISPATCHER;
    if (!Number.isInteger(dispatcher.replicas) || dispatcher.replicas < 1) fail('KnativeEventingInstall.kafkaDispatcher.replicas', dispatcher.replicas, 'must be a whole number ≥ 1');
    if (planes.length > 0 && !receiver) fail('KnativeEventingInstall.kafka.receiver', undefined, 'is required with Kafka data planes');
    this.kafkaDispatcher = kafka ? dispatcher : undefined;
    this.apiObject = new KnativeEventing(this, 'Resource', {
      metadata: { name: 'knative-eventing', namespace: props.namespace },
      spec: {
        version: KNATIVE_VERSION,
        defaultBrokerClass: kafkaBrokerDefault ? 'Kafka' : 'MTChannelBasedBroker',
        // Metrics are off by default since 1.19; the platform's Prometheus scrapes brokers and controllers.
        config: {
          observability: { 'metrics-protocol': 'prometheus' },
          // Sequences and Parallels get KafkaChannels from their channelTemplate; this is where the channels find Kafka.
          ...(channel && { 'kafka-channel-config': { 'bootstrap.servers': channel.bootstrapServers, 'auth.secret.ref.name': channel.authSecret, 'auth.secret.ref.namespace': props.namespace } }),
        },
        ...(planes.length > 0 && { additionalManifests: planes.map((p) => ({ url: KAFKA_DATA_PLANES[p].manifest })) }),
        // The CRD requires every source switch to be present.
        source: { ceph: off, github: off, gitlab: off, kafka: { enabled: kafka }, rabbitmq: off, redis: off },
        ...(s.replicas > 1 && { highAvailability: { replicas: s.replicas } }),
        workloads: [
          ...EVENTING_WORKLOADS.map((w) => ({ name: w.name, replicas: s.replicas, resources: [resourcesOf(w.container, s)] })),
          ...UNUSED_EVENTING_WORKLOADS.map((w) => ({ name: w.name, replicas: 0 })),
          // Scaled by its controller (0 → 1): resources only, never replicas.
          { name: PING_ADAPTER.name, resources: [resourcesOf(PING_ADAPTER.container, s)] },
          ...(kafka
            ? [
                ...KAFKA_SOURCE_WORKLOADS.map((w) => ({
                  name: w.name,
                  replicas: s.replicas,
                  resources: [resourcesOf(w.container, s)],
                  ...(w.name === 'kafka-controller' && { env: [{ container: w.container, envVars: [{ name: 'DISPATCHERS_MIN_REPLICAS', value: String(dispatcher.replicas) }] }] }),
                })),
                { name: KAFKA_DISPATCHER.name, resources: [resourcesOf(KAFKA_DISPATCHER.container, dispatcher)] },
              ]
            : []),
          ...planes.flatMap((p) => {
            const plane = KAFKA_DATA_PLANES[p];
            return [
              { name: plane.receiver.name, replicas: receiver!.replicas, resources: [resourcesOf(plane.receiver.container, receiver!)] },
              // Scaled by the Kafka controller like the source dispatcher: resources only.
              ...(plane.dispatcher ? [{ name: plane.dispatcher.name, resources: [resourcesOf(plane.dispatcher.container, dispatcher)] }] : []),
            ];
          }),
        ],
      },
    });
  }
}
