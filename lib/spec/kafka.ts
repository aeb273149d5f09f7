import { z } from 'zod';
import { arnOf, dnsLabel } from './common';
import { MSK_CLUSTER_ARN } from '../core/arn';
import { lambdaKafkaProblem } from '../aws/lambda/kafka-event-source';

/** A Kafka topic (a Strimzi KafkaTopic) and the functions that write to it. */
export const topicSchema = z.strictObject({
  /** Topic name. */
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
  /**
   * Functions (knative or openfaas) that write to the topic: each gets Write on it and
   * nothing else it does not need. Consumers come from the functions' kafka triggers.
   * @default none
   */
  producers: z.array(dnsLabel(40)).optional(),
});
export type TopicSpec = z.infer<typeof topicSchema>;

/** How clients of the cluster's Kafka authenticate. */
export const KAFKA_CLIENT_AUTH = ['scram-sha-512', 'tls'] as const;
export type KafkaClientAuthType = (typeof KAFKA_CLIENT_AUTH)[number];

export const kafkaSchema = z.strictObject({
  /** Cluster name (Strimzi `Kafka`). @default 'events' */
  clusterName: dnsLabel(40).optional(),
  /** Topics of the cluster. @default [] */
  topics: z.array(topicSchema).default([]),
  /**
   * How function clients authenticate: SCRAM-SHA-512 over TLS, or mutual TLS with a client
   * certificate. @default 'scram-sha-512'
   */
  clientAuthentication: z.enum(KAFKA_CLIENT_AUTH).optional(),
  /**
   * Rack awareness: brokers take `broker.rack` from this node label, so replicas of a
   * partition spread across zones. @default off
   */
  rack: z
    .strictObject({
      /** Node label whose value is a broker's rack. */
      topologyKey: z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/, { message: 'must be a node label key such as "topology.kubernetes.io/zone"' }),
    })
    .optional(),
  /** Use Amazon MSK for Lambda consumers instead of the cluster's Kafka. @default none */
  msk: z
    .strictObject({
      /** ARN of the MSK cluster (`arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`, no wildcards). */
      clusterArn: arnOf(MSK_CLUSTER_ARN),
    })
    .optional(),
});
export type KafkaSpec = z.infer<typeof kafkaSchema>;

/** The Strimzi cluster name. */
export const kafkaClusterName = (k: KafkaSpec | undefined): string => k?.clusterName ?? 'events';

/** Consumer group of a kafka trigger: the function's name unless given. */
export const consumerGroupOf = (fn: { name: string }, trigger: { consumerGroup?: string }): string => trigger.consumerGroup ?? fn.name;

/** What one function needs from the cluster's Kafka, derived from the spec. */
export interface KafkaAccess {
  /** Topics it consumes (kafka triggers). */
  readonly read: string[];
  /** Consumer groups it uses. */
  readonly groups: string[];
  /** Topics it produces to (`kafka.topics[].producers`). */
  readonly write: string[];
}

/** Targets whose functions are clients of the cluster's Kafka (Lambda uses MSK: the AWS side). */
export const CLUSTER_KAFKA_TARGETS = ['knative', 'openfaas'] as const;

/**
 * Why a function's kafka triggers have no Kafka to read from, or undefined: the one rule "a
 * kafka trigger needs Kafka". Cluster functions read the platform's Kafka (the top-level
 * `kafka` section); Lambda functions read Amazon MSK or their own self-managed cluster
 * (`lambdaKafkaProblem`, which LambdaFunction also throws on). The spec's kafka rule collects
 * it; the knative and openfaas modules report it too when handed a spec that skipped the rules.
 */
export function kafkaTriggerProblem(fn: { readonly target: string; readonly lambda?: { readonly selfManagedKafka?: object } }, kafka: KafkaSpec | undefined): string | undefined {
  if (fn.target === 'lambda') return lambdaKafkaProblem({ msk: kafka?.msk, selfManagedKafka: fn.lambda?.selfManagedKafka });
  return kafka ? undefined : 'a kafka trigger needs the platform\'s Kafka: add a top-level "kafka" section with this topic in kafka.topics';
}

/**
 * Function name → the exact topics and groups it reads and writes, for every knative/openfaas
 * function that touches Kafka: the ACLs of its KafkaUser are computed from this, nothing more.
 */
export function kafkaAccessByFunction(spec: {
  readonly functions: readonly { name: string; target: string; triggers?: readonly { type: string; topic?: string; consumerGroup?: string }[] }[];
  readonly kafka?: KafkaSpec;
}): Map<string, KafkaAccess> {
  const out = new Map<string, KafkaAccess>();
  const entry = (fn: string) => {
    let a = out.get(fn);
    if (!a) out.set(fn, (a = { read: [], groups: [], write: [] }));
    return a;
  };
  const add = (list: string[], v: string) => {
    if (!list.includes(v)) list.push(v);
  };
  const cluster = new Set(spec.functions.filter((f) => (CLUSTER_KAFKA_TARGETS as readonly string[]).includes(f.target)).map((f) => f.name));
  for (const fn of spec.functions) {
    if (!cluster.has(fn.name)) continue;
    for (const t of fn.triggers ?? []) {
      if (t.type !== 'kafka' || !t.topic) continue;
      add(entry(fn.name).read, t.topic);
      add(entry(fn.name).groups, consumerGroupOf(fn, t));
    }
  }
  for (const topic of spec.kafka?.topics ?? []) {
    for (const p of topic.producers ?? []) if (cluster.has(p)) add(entry(p).write, topic.name);
  }
  for (const a of out.values()) {
    a.read.sort();
    a.groups.sort();
    a.write.sort();
  }
  return out;
}
