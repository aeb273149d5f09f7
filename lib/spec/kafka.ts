import { z } from 'zod';
import { dnsLabel } from './common';

export const topicSchema = z.strictObject({
  name: dnsLabel(249),
  /** @default 3 */
  partitions: z.number().int().min(1).max(1000).optional(),
  /** @default the environment profile's replicationFactor */
  replicas: z.number().int().min(1).max(32).optional(),
  /** @default 168 (7 days) */
  retentionHours: z.number().int().min(1).optional(),
  /** @default 'delete' */
  cleanupPolicy: z.enum(['delete', 'compact', 'compact,delete']).optional(),
  /** @default the environment profile's minInSyncReplicas */
  minInSyncReplicas: z.number().int().min(1).optional(),
});
export type TopicSpec = z.infer<typeof topicSchema>;

export const kafkaSchema = z.strictObject({
  /** Cluster name (Strimzi `Kafka`). @default 'events' */
  clusterName: dnsLabel().optional(),
  topics: z.array(topicSchema).default([]),
  /** Use Amazon MSK for Lambda consumers instead of the cluster's Kafka. @default none */
  msk: z.strictObject({ clusterArn: z.string().regex(/^arn:aws[a-z-]*:kafka:/, { message: 'must be an MSK cluster ARN' }) }).optional(),
});
export type KafkaSpec = z.infer<typeof kafkaSchema>;
