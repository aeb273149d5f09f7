import { z } from 'zod';
import { quantity } from './common';
import { requestsAboveLimits, type RequestAboveLimit } from '../core/quantity';

/**
 * Environment profiles: the sizing and safety defaults each environment starts from.
 * Every value can be overridden per environment in the spec (`environments.<env>.overrides`)
 * or in `Pulumi.<env>.yaml` (`hybrid-serverless:overrides`).
 */

const requestsLimits = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});

const component = z.strictObject({
  /** Replicas of each Deployment of the component. */
  replicas: z.number().int().min(1).max(20),
  /** Resources of each pod. */
  resources: requestsLimits,
});

/** The platform components a profile sizes. */
export const COMPONENTS = [
  'knativeOperator',
  'knativeServing',
  'kourier',
  'knativeEventing',
  'knativeKafkaDispatcher',
  'knativeKafkaReceiver',
  'openfaasGateway',
  'openfaasQueueWorker',
  'openfaasAutoscaler',
  'openfaasNats',
  'kong',
  'strimziOperator',
  'prometheus',
  'alertmanager',
  'grafana',
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export const profileSchema = z.strictObject({
  components: z.strictObject(Object.fromEntries(COMPONENTS.map((c) => [c, component])) as Record<ComponentName, typeof component>),
  /** Defaults for function containers that do not set resources. */
  functionDefaults: requestsLimits,
  ha: z.strictObject({
    /** PodDisruptionBudgets for platform components and functions with min scale ≥ 2. */
    podDisruptionBudgets: z.boolean(),
    /** Spread replicas across nodes. */
    antiAffinity: z.boolean(),
  }),
  eventing: z.strictObject({
    /**
     * Knative Eventing keeps events in Kafka (Kafka Broker, KafkaChannel, dead letters in a
     * KafkaSink) when the spec has Kafka. In-memory channels lose what their dispatcher buffers
     * when it restarts, so a profile that asks for durability refuses them unless the spec gives
     * a reason (`knative.eventing.inMemoryReason`).
     */
    durable: z.boolean(),
    /** How long a tenant's dead-letter topic keeps events. */
    deadLetterRetentionDays: z.number().int().min(1).max(3650),
  }),
  retention: z.strictObject({
    metricsDays: z.number().int().min(1).max(3650),
    logsDays: z.number().int().min(1).max(3650),
    /** Prometheus volume; `null` means an emptyDir (lost on restart). */
    metricsStorage: quantity.nullable(),
  }),
  kafka: z.strictObject({
    /** KRaft controllers; 0 means the brokers also act as controllers (dual role). */
    controllers: z.number().int().min(0).max(9),
    brokers: z.number().int().min(1).max(50),
    storage: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('ephemeral') }),
      z.strictObject({ type: z.literal('persistent-claim'), size: quantity, storageClass: z.string().optional() }),
    ]),
    resources: requestsLimits,
    /** Each of the entity operator's two containers (topic and user operator). */
    entityOperator: requestsLimits,
    /** default.replication.factor and the offsets/transaction log replication. */
    replicationFactor: z.number().int().min(1),
    minInSyncReplicas: z.number().int().min(1),
  }),
  budget: z.strictObject({
    /** Monthly spend limit in USD for the environment (cloud and cluster each). */
    monthlyUsd: z.number().positive(),
    /** Percentages of the limit at which alerts fire. */
    thresholds: z.array(z.number().positive().max(1000)).min(1),
  }),
  /** Per-tenant ResourceQuota defaults. */
  tenantQuota: z.strictObject({
    requestsCpu: quantity,
    requestsMemory: quantity,
    limitsCpu: quantity,
    limitsMemory: quantity,
    pods: z.number().int().min(1),
  }),
});

export type Profile = z.infer<typeof profileSchema>;
export const PROFILE_NAMES = ['dev', 'staging', 'prod', 'edge'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const rl = (rc: string, rm: string, lc: string, lm: string) => ({ requests: { cpu: rc, memory: rm }, limits: { cpu: lc, memory: lm } });
const comp = (replicas: number, r: ReturnType<typeof rl>) => ({ replicas, resources: r });

const dev: Profile = {
  components: {
    knativeOperator: comp(1, rl('50m', '64Mi', '500m', '256Mi')),
    knativeServing: comp(1, rl('50m', '64Mi', '1', '512Mi')),
    kourier: comp(1, rl('50m', '64Mi', '1', '256Mi')),
    knativeEventing: comp(1, rl('50m', '64Mi', '500m', '256Mi')),
    // The Kafka source's JVM dispatcher; replicas = the fewest dispatcher pods once a KafkaSource exists.
    knativeKafkaDispatcher: comp(1, rl('250m', '384Mi', '1', '768Mi')),
    // The Kafka broker/channel/sink receivers (JVM ingress), where eventing is durable.
    knativeKafkaReceiver: comp(1, rl('100m', '256Mi', '1', '768Mi')),
    openfaasGateway: comp(1, rl('50m', '64Mi', '500m', '256Mi')),
    openfaasQueueWorker: comp(1, rl('50m', '64Mi', '500m', '128Mi')),
    // OpenFaaS's autoscaler and NATS: singletons in the chart (replicas must stay 1).
    openfaasAutoscaler: comp(1, rl('50m', '64Mi', '500m', '256Mi')),
    openfaasNats: comp(1, rl('50m', '64Mi', '500m', '256Mi')),
    kong: comp(1, rl('100m', '128Mi', '1', '512Mi')),
    strimziOperator: comp(1, rl('100m', '256Mi', '500m', '384Mi')),
    prometheus: comp(1, rl('200m', '512Mi', '1', '2Gi')),
    alertmanager: comp(1, rl('25m', '32Mi', '200m', '128Mi')),
    grafana: comp(1, rl('50m', '128Mi', '500m', '256Mi')),
  },
  functionDefaults: rl('50m', '64Mi', '500m', '256Mi'),
  ha: { podDisruptionBudgets: false, antiAffinity: false },
  eventing: { durable: false, deadLetterRetentionDays: 3 },
  retention: { metricsDays: 3, logsDays: 3, metricsStorage: null },
  kafka: {
    controllers: 0,
    brokers: 1,
    storage: { type: 'ephemeral' },
    resources: rl('250m', '512Mi', '1', '1Gi'),
    entityOperator: rl('50m', '256Mi', '500m', '384Mi'),
    replicationFactor: 1,
    minInSyncReplicas: 1,
  },
  budget: { monthlyUsd: 200, thresholds: [80, 100] },
  tenantQuota: { requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '8', limitsMemory: '16Gi', pods: 50 },
};

const staging: Profile = {
  ...dev,
  components: {
    ...dev.components,
    knativeServing: comp(2, rl('100m', '128Mi', '1', '512Mi')),
    kourier: comp(2, rl('100m', '128Mi', '1', '256Mi')),
    openfaasGateway: comp(2, rl('100m', '128Mi', '1', '256Mi')),
    kong: comp(2, rl('250m', '256Mi', '1', '1Gi')),
    prometheus: comp(1, rl('500m', '1Gi', '2', '4Gi')),
    knativeKafkaReceiver: comp(1, rl('200m', '450Mi', '1', '1Gi')),
  },
  functionDefaults: rl('100m', '128Mi', '1', '512Mi'),
  ha: { podDisruptionBudgets: true, antiAffinity: true },
  eventing: { durable: true, deadLetterRetentionDays: 7 },
  retention: { metricsDays: 7, logsDays: 14, metricsStorage: '20Gi' },
  kafka: {
    controllers: 3,
    brokers: 3,
    storage: { type: 'persistent-claim', size: '20Gi' },
    resources: rl('500m', '1Gi', '2', '2Gi'),
    entityOperator: rl('100m', '384Mi', '1', '512Mi'),
    replicationFactor: 3,
    minInSyncReplicas: 2,
  },
  budget: { monthlyUsd: 1000, thresholds: [50, 80, 100] },
  tenantQuota: { requestsCpu: '4', requestsMemory: '8Gi', limitsCpu: '16', limitsMemory: '32Gi', pods: 100 },
};

const prod: Profile = {
  components: {
    knativeOperator: comp(1, rl('100m', '128Mi', '1', '512Mi')),
    knativeServing: comp(3, rl('250m', '256Mi', '2', '1Gi')),
    kourier: comp(3, rl('250m', '256Mi', '2', '512Mi')),
    knativeEventing: comp(2, rl('100m', '128Mi', '1', '512Mi')),
    // eventing-kafka 1.23's own sizing (600Mi for 20 consumers + 100Mi), two pods for HA.
    knativeKafkaDispatcher: comp(2, rl('1', '700Mi', '2', '1000Mi')),
    // eventing-kafka-broker 1.23's receivers request 200m/450Mi (no limit): two pods each for HA.
    knativeKafkaReceiver: comp(2, rl('200m', '450Mi', '1', '1Gi')),
    openfaasGateway: comp(3, rl('250m', '256Mi', '2', '512Mi')),
    openfaasQueueWorker: comp(2, rl('100m', '128Mi', '1', '256Mi')),
    // The chart's own requests (autoscaler 100m/128Mi, NATS 100m/120Mi).
    openfaasAutoscaler: comp(1, rl('100m', '128Mi', '1', '256Mi')),
    openfaasNats: comp(1, rl('100m', '120Mi', '1', '1Gi')),
    kong: comp(3, rl('500m', '512Mi', '2', '2Gi')),
    strimziOperator: comp(1, rl('200m', '384Mi', '1', '512Mi')),
    prometheus: comp(2, rl('1', '4Gi', '4', '8Gi')),
    alertmanager: comp(3, rl('50m', '64Mi', '500m', '256Mi')),
    grafana: comp(2, rl('100m', '256Mi', '1', '512Mi')),
  },
  functionDefaults: rl('250m', '256Mi', '1', '1Gi'),
  ha: { podDisruptionBudgets: true, antiAffinity: true },
  eventing: { durable: true, deadLetterRetentionDays: 14 },
  retention: { metricsDays: 30, logsDays: 90, metricsStorage: '100Gi' },
  kafka: {
    controllers: 3,
    brokers: 3,
    storage: { type: 'persistent-claim', size: '100Gi' },
    resources: rl('1', '4Gi', '4', '8Gi'),
    entityOperator: rl('100m', '384Mi', '1', '512Mi'),
    replicationFactor: 3,
    minInSyncReplicas: 2,
  },
  budget: { monthlyUsd: 5000, thresholds: [50, 80, 100] },
  tenantQuota: { requestsCpu: '16', requestsMemory: '32Gi', limitsCpu: '64', limitsMemory: '128Gi', pods: 300 },
};

/**
 * Edge sites: everything must fit a 2-core / 4 GiB cluster in total requests, leaving room
 * for the cluster's own pods (test/foundation/footprint.test.ts sums every pod).
 */
const edge: Profile = {
  components: {
    // Control planes idle at a few millicores: request little, burst to the limit.
    knativeOperator: comp(1, rl('15m', '48Mi', '200m', '128Mi')),
    knativeServing: comp(1, rl('15m', '48Mi', '500m', '256Mi')),
    kourier: comp(1, rl('15m', '48Mi', '500m', '128Mi')),
    knativeEventing: comp(1, rl('10m', '32Mi', '200m', '128Mi')),
    // A few consumers only: the JVM's heap is 70% of the limit (~270Mi), ~30Mi per consumer plus 100Mi.
    knativeKafkaDispatcher: comp(1, rl('50m', '160Mi', '500m', '384Mi')),
    // Only where the spec asks for Kafka eventing on edge (in-memory by default).
    knativeKafkaReceiver: comp(1, rl('50m', '192Mi', '500m', '384Mi')),
    openfaasGateway: comp(1, rl('25m', '48Mi', '200m', '128Mi')),
    openfaasQueueWorker: comp(1, rl('20m', '32Mi', '200m', '64Mi')),
    // The chart's defaults (100m/128Mi, 100m/120Mi) are sized for busy clusters.
    openfaasAutoscaler: comp(1, rl('20m', '48Mi', '200m', '128Mi')),
    openfaasNats: comp(1, rl('25m', '64Mi', '300m', '256Mi')),
    kong: comp(1, rl('50m', '96Mi', '500m', '256Mi')),
    strimziOperator: comp(1, rl('50m', '192Mi', '300m', '320Mi')),
    prometheus: comp(1, rl('100m', '256Mi', '500m', '512Mi')),
    alertmanager: comp(1, rl('10m', '24Mi', '100m', '64Mi')),
    grafana: comp(1, rl('25m', '96Mi', '200m', '192Mi')),
  },
  functionDefaults: rl('25m', '32Mi', '250m', '128Mi'),
  ha: { podDisruptionBudgets: false, antiAffinity: false },
  eventing: { durable: false, deadLetterRetentionDays: 1 },
  retention: { metricsDays: 2, logsDays: 2, metricsStorage: null },
  kafka: {
    controllers: 0,
    brokers: 1,
    storage: { type: 'ephemeral' },
    resources: rl('200m', '448Mi', '500m', '768Mi'),
    // A handful of topics and users: the topic and user operators need far less than Strimzi's usual 256Mi+.
    entityOperator: rl('25m', '128Mi', '300m', '256Mi'),
    replicationFactor: 1,
    minInSyncReplicas: 1,
  },
  budget: { monthlyUsd: 50, thresholds: [80, 100] },
  tenantQuota: { requestsCpu: '500m', requestsMemory: '512Mi', limitsCpu: '2', limitsMemory: '2Gi', pods: 20 },
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = { dev, staging, prod, edge };

/** Deep-merges `override` into `base` (objects merge, arrays and scalars replace). */
export function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(override)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A requests/limits pair of a profile whose request is above its limit. */
export interface ProfileRequestAboveLimit extends RequestAboveLimit {
  /** Path of the pair in the profile, e.g. `['components', 'kong', 'resources']`. */
  readonly at: readonly string[];
}

/**
 * Every container resources pair of a profile (components, function defaults, Kafka brokers
 * and entity operator) whose request exceeds its limit: the API server refuses such a
 * container, and a LimitRange whose default request exceeds its default limit.
 */
export function profileRequestsAboveLimits(profile: Profile): ProfileRequestAboveLimit[] {
  const pairs: [string[], { requests: object; limits: object }][] = [
    ...COMPONENTS.map((c): [string[], Profile['functionDefaults']] => [['components', c, 'resources'], profile.components[c].resources]),
    [['functionDefaults'], profile.functionDefaults],
    [['kafka', 'resources'], profile.kafka.resources],
    [['kafka', 'entityOperator'], profile.kafka.entityOperator],
  ];
  return pairs.flatMap(([at, r]) => requestsAboveLimits(r.requests, r.limits).map((x) => ({ ...x, at })));
}
