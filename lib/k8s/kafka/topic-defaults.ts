/** Defaults of a topic, where the spec (or KafkaClusterTopic's props) leave them out. */
export const TOPIC_DEFAULTS = { partitions: 3, retentionHours: 168, cleanupPolicy: 'delete' } as const;
