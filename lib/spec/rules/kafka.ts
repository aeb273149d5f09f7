import type { PathSegment } from '../../core/errors';
import { CLUSTER_KAFKA_TARGETS, consumerGroupOf, kafkaTriggerProblem, type KafkaSpec } from '../kafka';
import type { Profile, ProfileName } from '../profiles';
import type { Rule } from './context';
import { environmentProfiles } from './environments';

/** A problem found by a profile-aware check, in the shape of IssueCollector.add. */
export interface KafkaIssue {
  readonly path: PathSegment[];
  readonly value: unknown;
  readonly message: string;
}

/** The environment a sizing check runs for. */
export interface KafkaEnvironment {
  readonly name: string;
  readonly profileName: ProfileName;
  readonly profile: Profile;
}

/**
 * Topic sizing against one environment's Kafka: a topic cannot have more replicas than the
 * environment has brokers, min ISR cannot exceed replicas, and in the `prod` profile a single
 * broker loss must neither lose acknowledged writes nor stop them — replicas ≥ 3 and
 * 2 ≤ min.insync.replicas ≤ replicas − 1 (that is: exactly 2 with 3 replicas).
 * Shared by the spec rules (profile + spec overrides) and the kafka module (which also sees
 * overrides from Pulumi config).
 */
export function topicSizingIssues(kafka: KafkaSpec | undefined, env: KafkaEnvironment): KafkaIssue[] {
  const out: KafkaIssue[] = [];
  const k = env.profile.kafka;
  const where = `environment "${env.name}" (profile ${env.profileName})`;
  if (k.replicationFactor > k.brokers) {
    out.push({
      path: ['environments', env.name, 'overrides', 'kafka', 'replicationFactor'],
      value: k.replicationFactor,
      message: `must be ≤ brokers (${k.brokers}) in ${where}: each replica needs its own broker`,
    });
  }
  if (k.minInSyncReplicas > k.replicationFactor) {
    out.push({
      path: ['environments', env.name, 'overrides', 'kafka', 'minInSyncReplicas'],
      value: k.minInSyncReplicas,
      message: `must be ≤ replicationFactor (${k.replicationFactor}) in ${where}: otherwise no write with acks=all can succeed`,
    });
  }
  (kafka?.topics ?? []).forEach((t, i) => {
    const replicas = t.replicas ?? k.replicationFactor;
    const isr = t.minInSyncReplicas ?? k.minInSyncReplicas;
    const given = (v: number | undefined, d: number) => (v === undefined ? ` (the profile default ${d})` : '');
    if (replicas > k.brokers) {
      out.push({
        path: ['kafka', 'topics', i, 'replicas'],
        value: t.replicas,
        message: `${replicas} replicas${given(t.replicas, replicas)} need ${replicas} brokers, but ${where} runs ${k.brokers}; use at most ${k.brokers}`,
      });
    }
    if (env.profileName === 'prod' && replicas < 3) {
      out.push({
        path: ['kafka', 'topics', i, 'replicas'],
        value: t.replicas,
        message: `must be ≥ 3 in ${where}: with ${replicas} replica${replicas === 1 ? '' : 's'} a single broker loss leaves no second in-sync copy, so acknowledged writes can be lost`,
      });
    }
    if (isr > replicas) {
      out.push({
        path: ['kafka', 'topics', i, 'minInSyncReplicas'],
        value: t.minInSyncReplicas,
        message: `${isr}${given(t.minInSyncReplicas, isr)} exceeds the topic's ${replicas} replicas in ${where}: producers with acks=all could never write`,
      });
    } else if (env.profileName === 'prod' && replicas >= 3 && (isr < 2 || isr > replicas - 1)) {
      const why =
        isr < 2 ? 'with 1, a write is acknowledged once a single broker has it, and losing that broker loses the write' : `with ${isr} (= replicas), every write stops while one broker is down`;
      out.push({
        path: ['kafka', 'topics', i, 'minInSyncReplicas'],
        value: t.minInSyncReplicas,
        message: `must be between 2 and ${replicas - 1} for ${replicas} replicas in ${where} (a single broker loss must not lose acknowledged writes nor stop them): ${why}${given(t.minInSyncReplicas, isr)}`,
      });
    }
  });
  return out;
}

export const kafkaRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const kafka = spec.kafka;
  const topics = new Set((kafka?.topics ?? []).map((t) => t.name));
  const byName = new Map((spec.functions ?? []).map((f) => [f.name, f]));
  const groups = new Map<string, { fn: string; target: string; topic: string }>();

  // Consumers: a cluster function's kafka trigger must name a topic the spec defines, and a
  // consumer group belongs to one function (two would split the records between them) —
  // except OpenFaaS functions on one topic: one kafka-connector (one group member set) per
  // topic invokes every subscribed function for each record, so they must share its group.
  for (const fn of spec.functions ?? []) {
    // Every target: a kafka trigger needs a Kafka to read from.
    (fn.triggers ?? []).forEach((t, j) => {
      const problem = t.type === 'kafka' ? kafkaTriggerProblem(fn, kafka) : undefined;
      if (problem) issues.add(ctx.at('functions', fn, 'triggers', j), t, problem);
    });
    if (!(CLUSTER_KAFKA_TARGETS as readonly string[]).includes(fn.target)) continue; // Lambda: MSK, the AWS side
    (fn.triggers ?? []).forEach((t, j) => {
      if (t.type !== 'kafka') return;
      if (kafka && !topics.has(t.topic)) {
        issues.add(ctx.at('functions', fn, 'triggers', j, 'topic'), t.topic, `no such topic in kafka.topics; defined topics: ${[...topics].join(', ') || '(none)'}`);
      }
      const group = consumerGroupOf(fn, t);
      const owner = groups.get(group);
      const sharedConnector = owner !== undefined && owner.target === 'openfaas' && fn.target === 'openfaas' && owner.topic === t.topic;
      if (owner !== undefined && owner.fn !== fn.name && !sharedConnector) {
        issues.add(
          ctx.at('functions', fn, 'triggers', j, 'consumerGroup'),
          t.consumerGroup,
          `consumer group "${group}" is already used by function "${owner.fn}": two functions in one group would each get only part of the records; give each function its own group`,
        );
      } else if (owner === undefined) groups.set(group, { fn: fn.name, target: fn.target, topic: t.topic });
    });
  }

  // Producers: cluster functions of this spec.
  (kafka?.topics ?? []).forEach((topic, i) => {
    (topic.producers ?? []).forEach((p, j) => {
      const fn = byName.get(p);
      if (!fn) {
        issues.add(['kafka', 'topics', i, 'producers', j], p, `no such function; functions: ${[...byName.keys()].join(', ') || '(none)'}`);
      } else if (!(CLUSTER_KAFKA_TARGETS as readonly string[]).includes(fn.target)) {
        issues.add(
          ['kafka', 'topics', i, 'producers', j],
          p,
          `function "${p}" has target "${fn.target}"; producers of the cluster's Kafka must be ${CLUSTER_KAFKA_TARGETS.join(' or ')} functions (Lambda reaches Kafka through kafka.msk)`,
        );
      }
    });
  });

  // Sizing against every environment's profile (with the spec's overrides).
  if (!kafka) return;
  // environmentRules reports invalid overrides
  for (const e of environmentProfiles(spec)) {
    for (const issue of topicSizingIssues(kafka, { name: e.env, profileName: e.profileName, profile: e.profile })) issues.add(issue.path, issue.value, issue.message);
  }
};
