import { Construct } from 'constructs';
import { KafkaTopic } from '../../imports/strimzi-topic-kafka.strimzi.io';
import { fail } from '../../core/errors';
import { TOPIC_DEFAULTS } from './topic-defaults';
import { LABELS } from '../common/labels';
import type { KafkaCluster } from './kafka-cluster';

export interface KafkaClusterTopicProps {
  /** The cluster the topic lives in. */
  readonly cluster: KafkaCluster;
  /** Topic name (also the `KafkaTopic` name). */
  readonly name: string;
  /** @default 3 */
  readonly partitions?: number;
  /** @default the cluster's replicationFactor */
  readonly replicas?: number;
  /** @default 168 (7 days) */
  readonly retentionHours?: number;
  /** @default 'delete' */
  readonly cleanupPolicy?: 'delete' | 'compact' | 'compact,delete';
  /** @default the cluster's minInSyncReplicas */
  readonly minInSyncReplicas?: number;
}

/** A `KafkaTopic` managed by the Topic Operator, checked against its cluster's size. */
export class KafkaClusterTopic extends Construct {
  readonly name: string;
  readonly replicas: number;
  readonly minInSyncReplicas: number;
  readonly resource: KafkaTopic;

  constructor(scope: Construct, id: string, props: KafkaClusterTopicProps) {
    super(scope, id);
    const c = props.cluster;
    const where = `KafkaClusterTopic(${props.name})`;
    const partitions = props.partitions ?? TOPIC_DEFAULTS.partitions;
    this.replicas = props.replicas ?? c.sizing.replicationFactor;
    this.minInSyncReplicas = props.minInSyncReplicas ?? c.sizing.minInSyncReplicas;
    if (!Number.isInteger(partitions) || partitions < 1) fail(`${where}.partitions`, partitions, 'must be an integer ≥ 1');
    if (this.replicas > c.brokers) fail(`${where}.replicas`, this.replicas, `must be ≤ the ${c.brokers} broker(s) of cluster "${c.name}": each replica needs its own broker`);
    if (this.minInSyncReplicas > this.replicas) fail(`${where}.minInSyncReplicas`, this.minInSyncReplicas, `must be ≤ replicas (${this.replicas}): otherwise producers with acks=all can never write`);
    this.name = props.name;
    this.resource = new KafkaTopic(this, 'Resource', {
      metadata: { name: props.name, namespace: c.namespace, labels: { 'strimzi.io/cluster': c.name, [LABELS.component]: 'kafka-topic' } },
      spec: {
        partitions,
        replicas: this.replicas,
        config: {
          'retention.ms': (props.retentionHours ?? TOPIC_DEFAULTS.retentionHours) * 3_600_000,
          'cleanup.policy': props.cleanupPolicy ?? TOPIC_DEFAULTS.cleanupPolicy,
          'min.insync.replicas': this.minInSyncReplicas,
        },
      },
    });
  }
}
