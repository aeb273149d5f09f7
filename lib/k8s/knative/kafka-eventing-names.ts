/**
 * Names of what Kafka-backed Knative Eventing (eventing-kafka-broker 1.23) uses on the
 * platform's Kafka, derived from the tenant and object names so that ACLs can be exact.
 */
export { DEAD_LETTER_SINK_NAME, deadLetterTopicName } from './dead-letter-names';

/** A broker's topic: Knative's own default (`brokers-topic-template`), created by Strimzi and given to the broker as its external topic. */
export const brokerTopicName = (namespace: string, broker: string): string => `knative-broker-${namespace}-${broker}`;

/** A trigger's consumer group (`triggers-consumergroup-template` default of config-kafka-features 1.23). */
export const triggerConsumerGroup = (namespace: string, trigger: string): string => `knative-trigger-${namespace}-${trigger}`;

/** A KafkaChannel's topic (`channels-topic-template` default of config-kafka-features 1.23); the channel controller creates and deletes it. */
export const channelTopicName = (namespace: string, channel: string): string => `knative-messaging-kafka.${namespace}.${channel}`;

/**
 * Prefix of the consumer groups of a KafkaChannel's subscriptions: the channel reconciler names
 * them `kafka.<namespace>.<channel>.<subscription UID>` (eventing-kafka-broker 1.23's channel reconciler),
 * so their ACL is a prefix.
 */
export const channelGroupPrefix = (namespace: string, channel: string): string => `kafka.${namespace}.${channel}.`;

/** Channels a Sequence creates, one per step (flows/v1 sequence reconciler: `<sequence>-kn-sequence-<i>`). */
export const sequenceChannelNames = (sequence: string, steps: number): string[] => Array.from({ length: steps }, (_, i) => `${sequence}-kn-sequence-${i}`);

/** Channels a Parallel creates: the ingress channel and one per branch (`<parallel>-kn-parallel`, `<parallel>-kn-parallel-<i>`). */
export const parallelChannelNames = (parallel: string, branches: number): string[] => [`${parallel}-kn-parallel`, ...Array.from({ length: branches }, (_, i) => `${parallel}-kn-parallel-${i}`)];

/** Kafka principal of a tenant's brokers, dead-letter sink and replays. */
export const tenantEventingUserName = (tenant: string): string => `eventing-${tenant}`;

/** Kafka principal of the KafkaChannel controller and data plane (one for the cluster: `kafka-channel-config` is cluster-wide). */
export const CHANNEL_USER_NAME = 'eventing-channels';

/** Secret (keys `protocol`, `sasl.mechanism`, `user`, `password`, `ca.crt` or `user.crt`/`user.key`) eventing-kafka-broker reads for a tenant's brokers and sinks. */
export const TENANT_EVENTING_AUTH_SECRET = 'kafka-eventing-auth';
/** The same for KafkaChannels, in knative-eventing. */
export const CHANNEL_AUTH_SECRET = 'kafka-channel-auth';
/** ConfigMap of a tenant's Kafka brokers, in the tenant's namespace. */
export const BROKER_CONFIG_NAME = 'kafka-broker-config';
