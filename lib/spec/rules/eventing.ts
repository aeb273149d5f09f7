import type { PathSegment } from '../../core/errors';
import { DNS_LABEL_MAX } from '../../core/naming';
import { brokerTopicName, deadLetterTopicName } from '../../k8s/knative/kafka-eventing-names';
import type { PlatformSpec } from '../platform';
import { eventingBackendOf } from '../platform';
import type { Rule } from './context';
import { environmentProfiles } from './environments';

/** Tenants whose Knative objects need Eventing: knative functions with async triggers, flows, pings. */
export function specEventingTenants(spec: Pick<PlatformSpec, 'functions' | 'knative'>): Set<string> {
  const k = spec.knative;
  return new Set([
    ...spec.functions.filter((f) => f.target === 'knative' && (f.triggers ?? []).some((t) => t.type !== 'http')).map((f) => f.tenant),
    ...k.sequences.map((s) => s.tenant),
    ...k.parallels.map((p) => p.tenant),
    ...k.pings.map((p) => p.tenant),
  ]);
}

/**
 * Durable eventing: an environment whose profile keeps events durable (staging, prod) must not
 * run Knative Eventing in memory (MTChannelBasedBroker over InMemoryChannel loses what its
 * dispatchers buffer on restart) unless the spec says why; `backend: kafka` needs the platform
 * Kafka; the topics Kafka eventing creates may not clash with the spec's own.
 */
export const eventingRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const settings = spec.knative.eventing;
  const tenants = specEventingTenants(spec);
  const at: PathSegment[] = ['knative', 'eventing'];
  if (settings?.backend === 'kafka' && !spec.kafka) {
    issues.add([...at, 'backend'], 'kafka', 'needs the platform\'s Kafka: add a top-level "kafka" section (Strimzi), or choose "in-memory"');
  }
  if (tenants.size === 0) return;
  const reason = settings?.inMemoryReason;
  let kafkaSomewhere = false;
  for (const env of environmentProfiles(spec)) {
    const backend = eventingBackendOf(spec, env.profile);
    if (backend === 'kafka') kafkaSomewhere = true;
    if (backend !== 'in-memory' || !env.profile.eventing.durable || reason) continue;
    const where = `environment "${env.env}" (profile ${env.profileName}) keeps events durable`;
    const lost = 'MTChannelBasedBroker and InMemoryChannel lose every event their dispatchers buffer when they restart';
    if (settings?.backend === 'in-memory') {
      issues.add([...at, 'backend'], 'in-memory', `is refused: ${where} and ${lost}; use "kafka", or set knative.eventing.inMemoryReason to say why losing events is acceptable`);
    } else if (!spec.kafka && settings?.backend !== 'kafka') {
      issues.add(
        at,
        settings ?? null,
        `${where}, but the spec has no "kafka" section for its brokers, channels and dead letters (${lost}): add a top-level "kafka" section, or set knative.eventing.backend: in-memory with knative.eventing.inMemoryReason`,
      );
    }
    break; // one message for the spec, not one per environment
  }
  if (!kafkaSomewhere || !spec.kafka) return;
  // Topic names the toolkit creates for Kafka eventing: DNS labels (KafkaTopic names), not the spec's.
  const own = new Map<string, string>();
  for (const tenant of [...tenants].sort()) {
    own.set(deadLetterTopicName(tenant), `the dead-letter topic of tenant "${tenant}"`);
    own.set(brokerTopicName(tenant, 'default'), `the topic of tenant "${tenant}"'s default broker`);
  }
  for (const b of brokerNames(spec)) own.set(brokerTopicName(b.tenant, b.broker), `the topic of broker "${b.broker}" of tenant "${b.tenant}"`);
  spec.kafka.topics.forEach((t, i) => {
    const owner = own.get(t.name);
    if (owner) issues.add(['kafka', 'topics', i, 'name'], t.name, `is ${owner} (Kafka eventing creates it); choose another topic name`);
  });
  for (const [topic, what] of own) {
    if (topic.length > DNS_LABEL_MAX) {
      const tenant = /tenant "([^"]+)"/.exec(what)?.[1] ?? '';
      const i = spec.tenants.findIndex((t) => t.name === tenant);
      issues.add(i >= 0 ? ['tenants', i, 'name'] : at, tenant, `is too long for ${what}, "${topic}" (${topic.length} characters; Strimzi KafkaTopic names are at most ${DNS_LABEL_MAX})`);
    }
  }
};

/** Every named broker a trigger, flow or destination uses, per tenant. */
function brokerNames(spec: PlatformSpec): { tenant: string; broker: string }[] {
  const out: { tenant: string; broker: string }[] = [];
  for (const f of spec.functions) for (const t of f.triggers ?? []) if (t.type === 'event' && t.broker) out.push({ tenant: f.tenant, broker: t.broker });
  const dest = (tenant: string, d: unknown) => d && typeof d === 'object' && 'broker' in d && out.push({ tenant, broker: String((d as { broker: string }).broker) });
  for (const s of spec.knative.sequences) {
    if (s.trigger?.broker) out.push({ tenant: s.tenant, broker: s.trigger.broker });
    dest(s.tenant, s.reply);
  }
  for (const p of spec.knative.parallels) {
    if (p.trigger?.broker) out.push({ tenant: p.tenant, broker: p.trigger.broker });
    dest(p.tenant, p.reply);
    p.branches.forEach((b) => dest(p.tenant, b.reply));
  }
  for (const p of spec.knative.pings) dest(p.tenant, p.sink);
  return out;
}

/**
 * What the synth summary says about each environment's eventing: in memory (and why it may be)
 * or kept in Kafka, for the environments written that have Knative Eventing at all.
 */
export function eventingNotes(spec: PlatformSpec, envs: readonly string[]): string[] {
  if (specEventingTenants(spec).size === 0) return [];
  const out: string[] = [];
  const reason = spec.knative.eventing?.inMemoryReason;
  for (const env of environmentProfiles(spec).filter((e) => envs.includes(e.env))) {
    if (eventingBackendOf(spec, env.profile) === 'kafka') {
      out.push(`environment ${env.env} keeps Knative events in Kafka: Kafka brokers, KafkaChannels, dead letters in a topic per tenant (${env.profile.eventing.deadLetterRetentionDays} days)`);
    } else {
      const why = env.profile.eventing.durable ? `knative.eventing.inMemoryReason: ${reason}` : `profile ${env.profileName} does not ask for durable events`;
      out.push(
        `environment ${env.env} keeps Knative events in memory (${why}): MTChannelBasedBroker over InMemoryChannel loses buffered events when a dispatcher restarts, and dead letters are only logged (event_display)`,
      );
    }
  }
  return out;
}
