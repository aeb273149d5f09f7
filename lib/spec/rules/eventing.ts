import type { PathSegment } from '../../core/errors';
import { DNS_LABEL_MAX } from '../../core/naming';
import { brokerTopicName, deadLetterTopicName } from '../../k8s/knative/kafka-eventing-names';
import type { EventDestination } from '../eventing';
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
  checkReplays(ctx);
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
  // The CronJob that composes the tenant's Kafka credentials is named after it (CronJob names: at most 52).
  for (const tenant of tenants) {
    const job = `kafka-auth-${tenant}`;
    const i = spec.tenants.findIndex((t) => t.name === tenant);
    if (job.length > CRONJOB_NAME_MAX && i >= 0) {
      issues.add(
        ['tenants', i, 'name'],
        tenant,
        `is too long for Kafka eventing: its credentials job "${job}" has ${job.length} characters (CronJob names are at most ${CRONJOB_NAME_MAX}); use at most ${CRONJOB_NAME_MAX - 'kafka-auth-'.length}`,
      );
    }
  }
};

const CRONJOB_NAME_MAX = 52;

/** Every broker a trigger, flow or destination uses, per tenant (`default` unless named), as the knative module creates them. */
function brokerNames(spec: PlatformSpec): { tenant: string; broker: string }[] {
  const out: { tenant: string; broker: string }[] = [];
  for (const f of spec.functions) {
    if (f.target !== 'knative') continue;
    for (const t of f.triggers ?? []) {
      if (t.type === 'event') out.push({ tenant: f.tenant, broker: t.broker ?? 'default' });
      if (t.type === 'schedule') out.push({ tenant: f.tenant, broker: 'default' });
    }
  }
  const dest = (tenant: string, d: EventDestination | undefined) => d && 'broker' in d && out.push({ tenant, broker: d.broker });
  for (const s of spec.knative.sequences) {
    if (s.trigger) out.push({ tenant: s.tenant, broker: s.trigger.broker ?? 'default' });
    dest(s.tenant, s.reply);
  }
  for (const p of spec.knative.parallels) {
    if (p.trigger) out.push({ tenant: p.tenant, broker: p.trigger.broker ?? 'default' });
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

/** Replays: the tenant has eventing, every named environment keeps its events in Kafka, names are unique per tenant. */
function checkReplays(ctx: Parameters<Rule>[0]): void {
  const { spec, issues } = ctx;
  const profiles = new Map(environmentProfiles(spec).map((e) => [e.env, e]));
  const tenants = specEventingTenants(spec);
  const seen = new Set<string>();
  spec.knative.replays.forEach((r, i) => {
    const base: PathSegment[] = ['knative', 'replays', i];
    if (!tenants.has(r.tenant)) {
      issues.add(
        [...base, 'tenant'],
        r.tenant,
        `has no Knative eventing (no async triggers, flows or pings), so no dead letters; tenants with eventing: ${[...tenants].sort().join(', ') || '(none)'}`,
      );
    }
    const key = `${r.tenant}/${r.name}`;
    if (seen.has(key)) issues.add([...base, 'name'], r.name, `duplicate replay name in tenant "${r.tenant}"`);
    seen.add(key);
    r.environments.forEach((env, j) => {
      const e = profiles.get(env);
      if (!e) {
        issues.add([...base, 'environments', j], env, `no such environment; defined: ${Object.keys(spec.environments ?? {}).join(', ') || '(none)'}`);
      } else if (eventingBackendOf(spec, e.profile) !== 'kafka') {
        issues.add([...base, 'environments', j], env, `keeps its events in memory: its dead letters are only logged, there is nothing to replay (replays need Kafka eventing)`);
      }
    });
    // Other destinations (functions, flows) are checked by the knative rules like any destination.
    const broker = r.to === undefined ? 'default' : 'broker' in r.to ? r.to.broker : undefined;
    const brokers = brokerNames(spec)
      .filter((b) => b.tenant === r.tenant)
      .map((b) => b.broker);
    if (broker !== undefined && !brokers.includes(broker)) {
      issues.add(
        r.to ? [...base, 'to', 'broker'] : [...base, 'to'],
        r.to ? broker : undefined,
        `${r.to ? `no broker "${broker}"` : 'the default destination is the "default" broker, but there is none'} in tenant "${r.tenant}"; its brokers: ${[...new Set(brokers)].sort().join(', ') || '(none)'} (or name a function, sequence or parallel)`,
      );
    }
  });
}
