import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Kafka,
  KafkaSpecEntityOperatorTopicOperatorResourcesLimits,
  KafkaSpecEntityOperatorTopicOperatorResourcesRequests,
  KafkaSpecEntityOperatorUserOperatorResourcesLimits,
  KafkaSpecEntityOperatorUserOperatorResourcesRequests,
  KafkaSpecKafkaAuthorizationType,
  KafkaSpecKafkaExporterResourcesLimits,
  KafkaSpecKafkaExporterResourcesRequests,
  KafkaSpecKafkaListenersAuthenticationType,
  KafkaSpecKafkaListenersType,
  KafkaSpecKafkaMetricsConfigType,
} from '../../imports/strimzi-kafka-kafka.strimzi.io';
import {
  KafkaNodePool,
  KafkaNodePoolSpecResourcesLimits,
  KafkaNodePoolSpecResourcesRequests,
  KafkaNodePoolSpecRoles,
  KafkaNodePoolSpecStorageType,
  type KafkaNodePoolSpecStorage,
} from '../../imports/strimzi-nodepool-kafka.strimzi.io';
import { fail } from '../../core/errors';
import { LABELS } from '../common/labels';
import { reflectionAnnotations } from './secret-reflector';
import { DNS_1035_LABEL } from '../../core/naming';

/** Sizing of a cluster (the platform passes the `kafka` section of an environment profile). */
export interface KafkaSizing {
  /** KRaft controllers; 0 means the brokers also act as controllers (dual role). */
  readonly controllers: number;
  readonly brokers: number;
  readonly storage: { readonly type: 'ephemeral' } | { readonly type: 'persistent-claim'; readonly size: string | number; readonly storageClass?: string };
  readonly resources: KafkaResources;
  /** Each of the entity operator's two containers (topic and user operator). */
  readonly entityOperator: KafkaResources;
  /** default.replication.factor and the offsets/transaction log replication. */
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
}

/** Requests and limits of one Kafka container. */
export interface KafkaResources {
  readonly requests: { readonly cpu: string | number; readonly memory: string | number };
  readonly limits: { readonly cpu: string | number; readonly memory: string | number };
}

type Quantity = string | number;
interface RequestsLimits {
  readonly requests: { readonly cpu: Quantity; readonly memory: Quantity };
  readonly limits: { readonly cpu: Quantity; readonly memory: Quantity };
}

/** Turns `{requests, limits}` into the per-field quantity classes cdk8s import generates. */
export function quantities<L, R>(r: RequestsLimits, limit: { fromString(s: string): L; fromNumber(n: number): L }, request: { fromString(s: string): R; fromNumber(n: number): R }) {
  const q = <T>(v: Quantity, c: { fromString(s: string): T; fromNumber(n: number): T }) => (typeof v === 'number' ? c.fromNumber(v) : c.fromString(v));
  return {
    requests: { cpu: q(r.requests.cpu, request), memory: q(r.requests.memory, request) },
    limits: { cpu: q(r.limits.cpu, limit), memory: q(r.limits.memory, limit) },
  };
}

/** Where clients reach the cluster: the bootstrap Service's host and the listener's port. */
export interface KafkaBootstrapAddress {
  readonly host: string;
  readonly port: number;
}

/** Authentication of a client listener. */
export type KafkaListenerAuth = 'scram-sha-512' | 'tls';

/**
 * The cluster's listeners, all internal and all authenticated (authorization is on, so an
 * anonymous client could do nothing anyway): `plain` for clients without TLS (SCRAM never
 * sends the password, but records travel unencrypted), `tls` with SCRAM, `mtls` with client
 * certificates.
 */
export const KAFKA_LISTENERS = [
  { name: 'plain', port: 9092, tls: false, auth: 'scram-sha-512' },
  { name: 'tls', port: 9093, tls: true, auth: 'scram-sha-512' },
  { name: 'mtls', port: 9094, tls: true, auth: 'tls' },
] as const satisfies readonly { name: string; port: number; tls: boolean; auth: KafkaListenerAuth }[];

/** Metrics the Strimzi Metrics Reporter exposes (broker, controller, network, log and partition health). */
export const KAFKA_METRICS_ALLOW_LIST = ['kafka_server_.*', 'kafka_controller_.*', 'kafka_network_.*', 'kafka_log_.*', 'kafka_cluster_.*'];

export interface KafkaClusterProps {
  /** Cluster name (the Strimzi `Kafka`). */
  readonly name: string;
  /** Namespace the operator watches. */
  readonly namespace: string;
  /** Node counts, storage, resources and replication defaults (a profile's `kafka`). */
  readonly sizing: KafkaSizing;
  /** Take `broker.rack` from this node label so replicas spread across zones. @default no rack awareness */
  readonly rack?: { readonly topologyKey: string };
  /** Prefer putting nodes of a pool on different Kubernetes nodes. @default false */
  readonly antiAffinity?: boolean;
  /** Allow at most one Kafka pod down at a time during voluntary disruptions. @default false */
  readonly podDisruptionBudget?: boolean;
  /** Prometheus metrics (Strimzi Metrics Reporter on every node + Kafka Exporter for consumer lag). @default true */
  readonly metrics?: boolean;
  /** Resources of each entity-operator container (topic and user operators). @default small: 256Mi; with dedicated controllers: 384Mi */
  readonly entityOperatorResources?: RequestsLimits;
  /** Extra labels on every object. @default none */
  readonly labels?: Record<string, string>;
  /**
   * Namespaces whose pods may reach each listener, by listener name: Strimzi's generated
   * NetworkPolicy then admits only them, and a listener not named only the cluster's own pods.
   * NetworkPolicies add up, so without this Strimzi's policy opens every listener to every pod.
   * @default every listener open to every pod (Strimzi's default)
   */
  readonly listenerClients?: Readonly<Partial<Record<(typeof KAFKA_LISTENERS)[number]['name'], readonly string[]>>>;
}

/** Peers of a listener's generated NetworkPolicy: the client namespaces, or else the cluster's own pods. */
function listenerPeers(cluster: string, namespaces: readonly string[] | undefined) {
  if (!namespaces || namespaces.length === 0) return [{ podSelector: { matchLabels: { 'strimzi.io/cluster': cluster } } }];
  return [...new Set(namespaces)].sort().map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }));
}

/**
 * A KRaft Kafka cluster managed by Strimzi: the `Kafka` resource and its `KafkaNodePool`s.
 * With `controllers: 0` one pool of dual-role nodes (dev, edge); otherwise a controller pool
 * and a broker pool. Topic and User Operators run in the entity operator.
 */
export class KafkaCluster extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly sizing: KafkaSizing;
  readonly kafka: Kafka;
  readonly nodePools: KafkaNodePool[] = [];
  /** Secret with the cluster CA certificate (`ca.crt`) clients trust. */
  readonly caSecretName: string;
  private readonly caNamespaces = new Set<string>();

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const s = props.sizing;
    const where = `KafkaCluster(${props.name})`;
    if (!DNS_1035_LABEL.test(props.name) || props.name.length > 40) fail(`${where}.name`, props.name, 'must be a DNS label of at most 40 characters (Strimzi derives pod and Service names from it)');
    if (!Number.isInteger(s.brokers) || s.brokers < 1) fail(`${where}.sizing.brokers`, s.brokers, 'must be an integer ≥ 1');
    if (!Number.isInteger(s.controllers) || s.controllers < 0) fail(`${where}.sizing.controllers`, s.controllers, 'must be 0 (dual-role nodes) or a positive integer');
    if (s.controllers > 0 && s.controllers % 2 === 0) {
      fail(`${where}.sizing.controllers`, s.controllers, `must be odd: a KRaft quorum of ${s.controllers} tolerates no more failures than one of ${s.controllers - 1}`);
    }
    if (s.replicationFactor > s.brokers) fail(`${where}.sizing.replicationFactor`, s.replicationFactor, `must be ≤ brokers (${s.brokers}): each replica needs its own broker`);
    if (s.minInSyncReplicas > s.replicationFactor)
      fail(`${where}.sizing.minInSyncReplicas`, s.minInSyncReplicas, `must be ≤ replicationFactor (${s.replicationFactor}): otherwise no write with acks=all can succeed`);

    this.name = props.name;
    this.namespace = props.namespace;
    this.sizing = s;
    this.caSecretName = `${props.name}-cluster-ca-cert`;
    const labels = { ...props.labels, [LABELS.component]: 'kafka' };
    const metrics = props.metrics ?? true;
    const dedicated = s.controllers > 0;
    const eo =
      props.entityOperatorResources ??
      (dedicated ? { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '512Mi' } } : { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '384Mi' } });

    this.kafka = new Kafka(this, 'Kafka', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        kafka: {
          // No `version`: the operator runs its own default Kafka, pinned by the chart version.
          listeners: KAFKA_LISTENERS.map((l) => ({
            name: l.name,
            port: l.port,
            type: KafkaSpecKafkaListenersType.INTERNAL,
            tls: l.tls,
            authentication: { type: l.auth === 'tls' ? KafkaSpecKafkaListenersAuthenticationType.TLS : KafkaSpecKafkaListenersAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512 },
            ...(props.listenerClients && { networkPolicyPeers: listenerPeers(props.name, props.listenerClients[l.name]) }),
          })),
          authorization: { type: KafkaSpecKafkaAuthorizationType.SIMPLE },
          config: {
            'default.replication.factor': s.replicationFactor,
            'min.insync.replicas': s.minInSyncReplicas,
            'offsets.topic.replication.factor': s.replicationFactor,
            'transaction.state.log.replication.factor': s.replicationFactor,
            'transaction.state.log.min.isr': s.minInSyncReplicas,
            // Topics come from the spec (KafkaTopic); a typo in a client must not create one.
            'auto.create.topics.enable': false,
          },
          ...(props.rack && { rack: { topologyKey: props.rack.topologyKey } }),
          ...(metrics && { metricsConfig: { type: KafkaSpecKafkaMetricsConfigType.STRIMZI_METRICS_REPORTER, values: { allowList: KAFKA_METRICS_ALLOW_LIST } } }),
          template: {
            ...(props.podDisruptionBudget && { podDisruptionBudget: { maxUnavailable: 1 } }),
            // The CA certificate is mirrored into each client namespace (see SecretReflector).
            clusterCaCert: Lazy.any({ produce: () => (this.caNamespaces.size > 0 ? { metadata: { annotations: reflectionAnnotations([...this.caNamespaces]) } } : undefined) }),
          },
        },
        entityOperator: {
          topicOperator: { resources: quantities(eo, KafkaSpecEntityOperatorTopicOperatorResourcesLimits, KafkaSpecEntityOperatorTopicOperatorResourcesRequests) },
          userOperator: { resources: quantities(eo, KafkaSpecEntityOperatorUserOperatorResourcesLimits, KafkaSpecEntityOperatorUserOperatorResourcesRequests) },
        },
        ...(metrics && {
          kafkaExporter: {
            topicRegex: '.*',
            groupRegex: '.*',
            resources: quantities(
              { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
              KafkaSpecKafkaExporterResourcesLimits,
              KafkaSpecKafkaExporterResourcesRequests,
            ),
          },
        }),
      },
    });

    const pools = dedicated
      ? [
          { name: 'controller', replicas: s.controllers, roles: [KafkaNodePoolSpecRoles.CONTROLLER] },
          { name: 'broker', replicas: s.brokers, roles: [KafkaNodePoolSpecRoles.BROKER] },
        ]
      : [{ name: 'dual-role', replicas: s.brokers, roles: [KafkaNodePoolSpecRoles.CONTROLLER, KafkaNodePoolSpecRoles.BROKER] }];
    for (const pool of pools) {
      this.nodePools.push(
        new KafkaNodePool(this, `Pool-${pool.name}`, {
          metadata: { name: pool.name, namespace: props.namespace, labels: { ...labels, 'strimzi.io/cluster': props.name } },
          spec: {
            replicas: pool.replicas,
            roles: pool.roles,
            storage: storageOf(s.storage),
            resources: quantities(s.resources, KafkaNodePoolSpecResourcesLimits, KafkaNodePoolSpecResourcesRequests),
            ...(props.antiAffinity &&
              pool.replicas > 1 && {
                template: {
                  pod: {
                    affinity: {
                      podAntiAffinity: {
                        preferredDuringSchedulingIgnoredDuringExecution: [
                          {
                            weight: 100,
                            podAffinityTerm: {
                              topologyKey: 'kubernetes.io/hostname',
                              labelSelector: { matchLabels: { 'strimzi.io/cluster': props.name, 'strimzi.io/pool-name': pool.name } },
                            },
                          },
                        ],
                      },
                    },
                  },
                },
              }),
          },
        }),
      );
    }
  }

  /** Nodes that serve clients. */
  get brokers(): number {
    return this.sizing.brokers;
  }

  /** Host and port of the bootstrap Service for clients authenticating with `auth` over TLS. */
  bootstrapAddress(auth: KafkaListenerAuth = 'scram-sha-512'): KafkaBootstrapAddress {
    const l = KAFKA_LISTENERS.find((x) => x.tls && x.auth === auth)!;
    return { host: `${this.name}-kafka-bootstrap.${this.namespace}.svc`, port: l.port };
  }

  /** `host:port` of the bootstrap Service for clients authenticating with `auth` over TLS. */
  bootstrapServers(auth: KafkaListenerAuth = 'scram-sha-512'): string {
    const { host, port } = this.bootstrapAddress(auth);
    return `${host}:${port}`;
  }

  /** Mirrors the cluster CA certificate Secret into `namespace` (for clients there). */
  shareCaWith(namespace: string): this {
    this.caNamespaces.add(namespace);
    return this;
  }

  /** Namespaces the CA certificate is mirrored into, sorted. */
  get caSharedWith(): string[] {
    return [...this.caNamespaces].sort();
  }
}

function storageOf(s: KafkaSizing['storage']): KafkaNodePoolSpecStorage {
  if (s.type === 'ephemeral') return { type: KafkaNodePoolSpecStorageType.EPHEMERAL };
  return {
    type: KafkaNodePoolSpecStorageType.PERSISTENT_HYPHEN_CLAIM,
    size: String(s.size),
    ...(s.storageClass && { class: s.storageClass }),
    // Removing a node must never delete its data with it.
    deleteClaim: false,
  };
}
