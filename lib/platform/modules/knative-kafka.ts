import { k8s } from 'cdk8s-plus-27';
import type { Chart } from 'cdk8s';
import { LABELS } from '../../k8s/common/labels';
import { TOPIC_DEFAULTS } from '../../k8s/kafka/topic-defaults';
import { Broker, DeadLetterSink, KafkaSource, Trigger, type DeliveryOptions, type Destination } from '../../k8s/knative';
import type { KafkaDataPlane } from '../../k8s/knative/eventing-install';
import {
  BROKER_CONFIG_NAME,
  CHANNEL_AUTH_SECRET,
  CHANNEL_USER_NAME,
  DEAD_LETTER_SINK_NAME,
  TENANT_EVENTING_AUTH_SECRET,
  brokerTopicName,
  channelGroupPrefix,
  channelTopicName,
  deadLetterTopicName,
  tenantEventingUserName,
  triggerConsumerGroup,
} from '../../k8s/knative/kafka-eventing-names';
import type { KafkaClientUser } from '../../k8s/kafka/kafka-client-user';
import type { EventDestination, ReplaySpec } from '../../spec/eventing';
import type { KafkaEventingBinding } from '../bindings';
import type { ModuleContext } from './context';

/** KafkaSource name and consumer group of a replay. */
export const replayNames = (tenant: string, name: string) => ({ source: `replay-${name}`, group: `replay-${tenant}-${name}` });

/**
 * Knative Eventing on Kafka, for one environment: what the knative module builds instead of the
 * in-memory objects, and the exact ACLs of the principals doing it — each tenant's (its brokers,
 * dead letters, replays) and the channels' (every flow's KafkaChannels).
 */
export class KafkaEventing {
  private readonly composed = new Set<string>();

  constructor(
    private readonly ctx: ModuleContext,
    readonly binding: KafkaEventingBinding,
  ) {}

  /** Data planes to install: brokers if any broker exists, channels if any flow does, the sink always (dead letters). */
  static planes(brokers: boolean, flows: boolean): KafkaDataPlane[] {
    return [...(brokers ? (['broker'] as const) : []), ...(flows ? (['channel'] as const) : []), 'sink'];
  }

  /** A tenant's eventing principal, with its composed Secret in the tenant's namespace (once). */
  tenantUser(tenant: string): KafkaClientUser {
    const user = this.binding.user(tenantEventingUserName(tenant), { [LABELS.tenant]: tenant });
    if (!this.composed.has(tenant)) {
      this.composed.add(tenant);
      this.binding.authSecret(user, tenant, TENANT_EVENTING_AUTH_SECRET);
    }
    return user;
  }

  /** The channels' principal and its Secret in the eventing namespace (kafka-channel-config names it). */
  channelUser(): KafkaClientUser {
    const user = this.binding.user(CHANNEL_USER_NAME, {});
    if (!this.composed.has(this.binding.namespace)) {
      this.composed.add(this.binding.namespace);
      this.binding.authSecret(user, this.binding.namespace, CHANNEL_AUTH_SECRET);
    }
    return user;
  }

  /** The tenant's dead-letter store: a KafkaSink onto its topic, kept `deadLetterRetentionDays`, written by its principal. */
  deadLetterSink(apps: Chart, tenant: string): DeadLetterSink {
    const topic = deadLetterTopicName(tenant);
    this.binding.topic(topic, { retentionHours: this.ctx.env.profile.eventing.deadLetterRetentionDays * 24 });
    this.tenantUser(tenant).allowWrite(topic);
    return new DeadLetterSink(apps, `dls-${tenant}`, {
      namespace: tenant,
      name: DEAD_LETTER_SINK_NAME,
      kafka: { topic, bootstrapServers: [this.binding.bootstrapServers], authSecret: TENANT_EVENTING_AUTH_SECRET },
    });
  }

  /** The tenant's `kafka-broker-config`: where its brokers find Kafka and their credentials. */
  brokerConfig(apps: Chart, tenant: string): void {
    new k8s.KubeConfigMap(apps, `kafka-broker-config-${tenant}`, {
      metadata: { name: BROKER_CONFIG_NAME, namespace: tenant, labels: { [LABELS.tenant]: tenant, [LABELS.component]: 'knative-eventing' } },
      data: {
        'bootstrap.servers': this.binding.bootstrapServers,
        // Used only for topics a broker creates itself; the platform's brokers name theirs.
        'default.topic.partitions': String(TOPIC_DEFAULTS.partitions),
        'default.topic.replication.factor': String(this.binding.replicationFactor),
        'auth.secret.ref.name': TENANT_EVENTING_AUTH_SECRET,
      },
    });
  }

  /** A `Kafka`-class broker on a Strimzi topic (its external topic) with the profile's replication and min ISR; its principal may read and write that topic only. */
  broker(apps: Chart, tenant: string, name: string, delivery: DeliveryOptions): Broker {
    const topic = brokerTopicName(tenant, name);
    this.binding.topic(topic, { retentionHours: TOPIC_DEFAULTS.retentionHours, labels: { [LABELS.tenant]: tenant } });
    this.tenantUser(tenant).allowRead(topic).allowWrite(topic);
    return new Broker(apps, `broker-${tenant}-${name}`, { name, namespace: tenant, brokerClass: 'Kafka', config: { name: BROKER_CONFIG_NAME, namespace: tenant }, externalTopic: topic, delivery });
  }

  /** KafkaChannels for a flow, replicated like every platform topic; the channel principal may manage exactly their topics. */
  channel(tenant: string, channels: readonly string[]): { channel: 'KafkaChannel'; kafkaChannel: { numPartitions: number; replicationFactor: number } } {
    const user = this.channelUser();
    for (const c of channels) {
      // The channel controller creates and deletes the topic; its data plane produces and consumes (groups per subscription UID).
      user.allowTopic(channelTopicName(tenant, c), ['Read', 'Write', 'Create', 'Delete', 'Describe']);
      user.allowGroupPrefix(channelGroupPrefix(tenant, c));
    }
    return { channel: 'KafkaChannel', kafkaChannel: { numPartitions: TOPIC_DEFAULTS.partitions, replicationFactor: this.binding.replicationFactor } };
  }

  /** Each trigger of a Kafka broker consumes with its own group (config-kafka-features' template): its tenant's principal may join exactly those. */
  grantTriggerGroups(brokers: Iterable<Broker>): void {
    for (const broker of brokers) {
      if (broker.brokerClass !== 'Kafka') continue;
      const user = this.tenantUser(broker.namespace);
      for (const t of broker.node.findAll().filter((c): c is Trigger => c instanceof Trigger)) user.allowGroup(triggerConsumerGroup(t.namespace, t.name));
    }
  }

  /**
   * A replay: a KafkaSource reading the tenant's dead-letter topic with its own group (from the
   * oldest dead letter kept, unless `from: latest`) into `sink`, with the tenant's principal (Read
   * on the topic and that group only). Events that fail again are dead letters again.
   */
  replay(apps: Chart, r: ReplaySpec, sink: Destination, delivery: DeliveryOptions): KafkaSource {
    const topic = deadLetterTopicName(r.tenant);
    const names = replayNames(r.tenant, r.name);
    this.tenantUser(r.tenant).allowRead(topic).allowGroup(names.group);
    const auth = (key: string) => ({ name: TENANT_EVENTING_AUTH_SECRET, key });
    return new KafkaSource(apps, `replay-${r.tenant}-${r.name}`, {
      name: names.source,
      namespace: r.tenant,
      bootstrapServers: [this.binding.bootstrapServers],
      topics: [topic],
      consumerGroup: names.group,
      initialOffset: r.from ?? 'earliest',
      // The keys of the Secret eventing-kafka-broker reads, composed for the tenant's brokers and sink.
      net:
        this.binding.authentication === 'tls'
          ? { tls: { caCert: auth('ca.crt'), cert: auth('user.crt'), key: auth('user.key') } }
          : { sasl: { user: auth('user'), password: auth('password'), type: auth('sasl.mechanism') }, tls: { caCert: auth('ca.crt') } },
      sink,
      delivery,
    });
  }
}

/** Where a replay sends events by default. */
export const DEFAULT_REPLAY_DESTINATION: EventDestination = { broker: 'default' };
