/**
 * Names of the durable dead-letter store (issue 14): per tenant one Kafka topic behind a
 * KafkaSink named `DEAD_LETTER_SINK_NAME` in the tenant's namespace.
 */
export const DEAD_LETTER_SINK_NAME = 'dead-letters';

/** The tenant's dead-letter topic on the platform's Strimzi cluster. */
export const deadLetterTopicName = (tenant: string): string => `${tenant}-dead-letters`;
