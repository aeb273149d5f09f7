/**
 * Issue 14: a durable event mesh. Where the profile keeps events durable (staging, prod) and the
 * spec has Kafka, Knative Eventing runs on Kafka — Kafka brokers on Strimzi topics, KafkaChannels
 * for flows, dead letters in a KafkaSink per tenant — authenticated like every Kafka client. dev
 * and edge stay in memory and say so. A spec that asks for in-memory eventing in prod is refused.
 */
import { KAFKA_DATA_PLANES } from '../../lib/k8s/knative/eventing-install';
import { deadLetterTopicName, tenantEventingUserName, triggerConsumerGroup, brokerTopicName } from '../../lib/k8s/knative/kafka-eventing-names';
import { PROFILES } from '../../lib/spec/profiles';
import { parseSpec } from '../../lib/spec/parse';
import { eventingNotes } from '../../lib/spec/rules/eventing';
import { parseErrorMessage } from '../support/errors';
import { type Manifest, referenceCopy, synthEnv } from '../support/synth';
import { validateAll } from '../support/validate';

/** Every value under a `deadLetterSink` key anywhere in an object. */
function deadLetterSinks(o: unknown, out: { ref?: { kind: string; name: string; namespace?: string }; uri?: string }[] = []): typeof out {
  if (Array.isArray(o)) o.forEach((x) => deadLetterSinks(x, out));
  else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'deadLetterSink') out.push(v as (typeof out)[number]);
      deadLetterSinks(v, out);
    }
  }
  return out;
}
const channelKinds = (objects: readonly Manifest[]) =>
  objects.filter((o) => o.kind === 'Sequence' || o.kind === 'Parallel').map((o) => `${o.spec.channelTemplate.apiVersion}/${o.spec.channelTemplate.kind}`);
const brokerClasses = (objects: readonly Manifest[]) => objects.filter((o) => o.kind === 'Broker').map((b) => b.metadata.annotations?.['eventing.knative.dev/broker.class']);

describe.each(['staging', 'prod'] as const)('%s: events and dead letters kept in Kafka', (env) => {
  const out = synthEnv(env);
  const eventing = out.get('KnativeEventing', 'knative-eventing');

  test('no InMemoryChannel and no MTChannelBasedBroker anywhere', () => {
    expect(JSON.stringify(out.objects)).not.toMatch(/InMemoryChannel|MTChannelBasedBroker/);
    expect(brokerClasses(out.objects).length).toBeGreaterThan(0);
    expect(new Set(brokerClasses(out.objects))).toEqual(new Set(['Kafka']));
    expect(new Set(channelKinds(out.objects))).toEqual(new Set(['messaging.knative.dev/v1beta1/KafkaChannel']));
    expect(eventing.spec.defaultBrokerClass).toBe('Kafka');
  });

  test('the Operator installs the Kafka control plane and the release data planes of eventing-kafka-broker 1.23', () => {
    expect(eventing.spec.source.kafka).toEqual({ enabled: true });
    expect(eventing.spec.additionalManifests).toEqual(
      ['eventing-kafka-broker.yaml', 'eventing-kafka-channel.yaml', 'eventing-kafka-sink.yaml'].map((f) => ({
        URL: `https://github.com/knative-extensions/eventing-kafka-broker/releases/download/knative-v1.23.0/${f}`,
      })),
    );
    const workloads = new Map<string, { replicas?: number }>(eventing.spec.workloads.map((w: { name: string }) => [w.name, w]));
    const receiver = PROFILES[env].components.knativeKafkaReceiver;
    for (const plane of Object.values(KAFKA_DATA_PLANES)) {
      expect(workloads.get(plane.receiver.name)).toMatchObject({ replicas: receiver.replicas });
      // Dispatchers are scaled by the Kafka controller: resources only.
      if (plane.dispatcher) expect(workloads.get(plane.dispatcher.name)?.replicas).toBeUndefined();
    }
    expect(eventing.spec.config['kafka-channel-config']).toEqual({
      'bootstrap.servers': 'events-kafka-bootstrap.kafka.svc:9093',
      'auth.secret.ref.name': 'kafka-channel-auth',
      'auth.secret.ref.namespace': 'knative-eventing',
    });
  });

  test('every deadLetterSink is the KafkaSink of its namespace, on a Strimzi topic kept as long as the profile says', () => {
    const sinks = out.objects.filter((o) => o.kind !== 'KafkaSink').flatMap((o) => deadLetterSinks(o).map((d) => ({ d, ns: o.metadata.namespace })));
    expect(sinks.length).toBeGreaterThan(5);
    for (const { d, ns } of sinks) {
      expect(d).toEqual({ ref: { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', name: 'dead-letters', namespace: ns } });
      const sink = out.get('KafkaSink', 'dead-letters', ns);
      expect(sink.spec.topic).toBe(deadLetterTopicName(ns!));
      const topic = out.get('KafkaTopic', sink.spec.topic, 'kafka');
      const days = Number(topic.spec.config['retention.ms']) / 86_400_000;
      expect(days).toBe(PROFILES[env].eventing.deadLetterRetentionDays);
      expect(days).toBeGreaterThanOrEqual(7);
      expect(topic.spec.replicas).toBe(PROFILES[env].kafka.replicationFactor);
      expect(topic.spec.config['min.insync.replicas']).toBe(PROFILES[env].kafka.minInSyncReplicas);
    }
    // No event_display sink left.
    expect(out.find('Service', 'dead-letter-sink')).toEqual([]);
  });

  test("each Kafka broker runs on its own Strimzi topic, read from the tenant's kafka-broker-config", () => {
    for (const b of out.find('Broker')) {
      const ns = b.metadata.namespace!;
      const topic = b.metadata.annotations!['kafka.eventing.knative.dev/external.topic'];
      expect(topic).toBe(brokerTopicName(ns, b.metadata.name));
      expect(out.get('KafkaTopic', topic, 'kafka').spec.replicas).toBe(PROFILES[env].kafka.replicationFactor);
      expect(b.spec.config).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'kafka-broker-config', namespace: ns });
      expect(out.get('ConfigMap', 'kafka-broker-config', ns).data).toMatchObject({ 'auth.secret.ref.name': 'kafka-eventing-auth', 'bootstrap.servers': 'events-kafka-bootstrap.kafka.svc:9093' });
    }
  });

  test("a tenant's eventing principal may do exactly what its brokers, triggers and dead-letter sink need", () => {
    for (const ns of new Set(out.find('KafkaSink').map((s) => s.metadata.namespace!))) {
      const user = out.get('KafkaUser', tenantEventingUserName(ns), 'kafka');
      const brokers = out.find('Broker').filter((b) => b.metadata.namespace === ns);
      const triggers = out.find('Trigger').filter((t) => t.metadata.namespace === ns);
      const expected = [
        ...brokers.map((b) => `topic:${brokerTopicName(ns, b.metadata.name)}:literal:Read,Write`),
        `topic:${deadLetterTopicName(ns)}:literal:Write`,
        ...triggers.map((t) => `group:${triggerConsumerGroup(ns, t.metadata.name)}:literal:Read`),
      ].sort();
      const acls = user.spec.authorization.acls.map(
        (a: { resource: { type: string; name: string; patternType: string }; operations: string[] }) => `${a.resource.type}:${a.resource.name}:${a.resource.patternType}:${a.operations.join(',')}`,
      );
      expect(acls.sort()).toEqual(expected);
    }
  });

  test('the channel principal manages exactly the topics of the channels the flows create', () => {
    const user = out.get('KafkaUser', 'eventing-channels', 'kafka');
    const expected: string[] = [];
    for (const s of out.find('Sequence')) {
      s.spec.steps.forEach((_: unknown, i: number) => {
        const ch = `${s.metadata.name}-kn-sequence-${i}`;
        expected.push(`topic:knative-messaging-kafka.${s.metadata.namespace}.${ch}:literal:Read,Write,Create,Delete,Describe`, `group:kafka.${s.metadata.namespace}.${ch}.:prefix:Read`);
      });
    }
    for (const p of out.find('Parallel')) {
      for (const ch of [`${p.metadata.name}-kn-parallel`, ...p.spec.branches.map((_: unknown, i: number) => `${p.metadata.name}-kn-parallel-${i}`)]) {
        expected.push(`topic:knative-messaging-kafka.${p.metadata.namespace}.${ch}:literal:Read,Write,Create,Delete,Describe`, `group:kafka.${p.metadata.namespace}.${ch}.:prefix:Read`);
      }
    }
    expect(expected.length).toBeGreaterThan(0);
    const acls = user.spec.authorization.acls.map(
      (a: { resource: { type: string; name: string; patternType: string }; operations: string[] }) => `${a.resource.type}:${a.resource.name}:${a.resource.patternType}:${a.operations.join(',')}`,
    );
    expect(acls.sort()).toEqual(expected.sort());
  });

  test("eventing-kafka-broker's Secrets are composed from Strimzi's, by a job that may patch only them", () => {
    const wanted = [
      ...new Set([
        ...out.find('KafkaSink').map((s) => `${s.metadata.namespace}/${s.spec.auth.secret.ref.name}`),
        ...out.find('ConfigMap', 'kafka-broker-config').map((c) => `${c.metadata.namespace}/${c.data['auth.secret.ref.name']}`),
        'knative-eventing/kafka-channel-auth',
      ]),
    ].sort();
    for (const key of wanted) {
      const [ns, name] = key.split('/');
      const secret = out.get('Secret', name, ns);
      expect(secret.data).toBeUndefined(); // filled by the job, never by the toolkit
      const job = `kafka-auth-${ns}`;
      const cron = out.get('CronJob', job, 'knative-eventing');
      const files = cron.spec.jobTemplate.spec.template.spec.volumes[0].projected.sources.flatMap((s: { secret?: { items: { path: string }[] } }) => s.secret?.items.map((i) => i.path) ?? []);
      expect(files.sort()).toEqual(['ca.crt', 'password', 'protocol', 'sasl.mechanism', 'user']);
      const kustomization = out.get('ConfigMap', job, 'knative-eventing').data['kustomization.yaml'];
      expect(kustomization).toContain(`namespace: ${ns}`);
      expect(out.get('Role', job, ns).rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [name], verbs: ['get', 'patch'] }]);
      expect(out.get('RoleBinding', job, ns).subjects).toEqual([{ kind: 'ServiceAccount', name: job, namespace: 'knative-eventing' }]);
    }
  });

  test('network: eventing reaches the TLS listener, the Operator fetches the release manifests', () => {
    const policies = out.find('NetworkPolicy');
    const eventingToKafka = policies.filter((p) => p.metadata.namespace === 'knative-eventing' && JSON.stringify(p.spec.egress ?? []).includes('"kafka"'));
    expect(eventingToKafka.length).toBeGreaterThan(0);
    expect(JSON.stringify(eventingToKafka)).toContain('9093');
    const operator = policies.filter((p) => p.metadata.namespace === 'knative-operator' && /release-manifests/.test(p.metadata.name));
    expect(operator).toHaveLength(1);
  });

  test('footprint counts the Kafka data planes', () => {
    const components = out.platform.footprint.entries.map((e) => e.component);
    for (const plane of Object.values(KAFKA_DATA_PLANES)) expect(components).toContain(`knative-eventing/${plane.receiver.name}`);
  });

  test('every object is valid against the pinned CRDs', () => {
    const kinds = new Set(['KafkaSink', 'Broker', 'Sequence', 'Parallel', 'KnativeEventing', 'KafkaUser', 'KafkaTopic', 'CronJob', 'ConfigMap', 'Secret', 'Role', 'RoleBinding']);
    expect(validateAll(out.objects.filter((o) => kinds.has(o.kind)))).toEqual([]);
  });
});

describe.each(['dev', 'edge'] as const)('%s: in memory, and the summary says so', (env) => {
  const out = synthEnv(env);
  test('MTChannelBasedBroker, InMemoryChannel and event_display dead letters; no Kafka data plane', () => {
    expect(new Set(brokerClasses(out.objects))).toEqual(new Set(['MTChannelBasedBroker']));
    expect(new Set(channelKinds(out.objects))).toEqual(new Set(['messaging.knative.dev/v1/InMemoryChannel']));
    expect(out.find('KafkaSink')).toEqual([]);
    expect(out.get('KnativeEventing', 'knative-eventing').spec.additionalManifests).toBeUndefined();
    for (const d of out.objects.flatMap((o) => deadLetterSinks(o))) expect(d.ref).toMatchObject({ kind: 'Service', name: 'dead-letter-sink' });
  });
});

describe('the spec decides, per environment', () => {
  test("the synth summary names each environment's eventing", () => {
    const notes = eventingNotes(parseSpec(referenceCopy()), ['dev', 'staging', 'prod', 'edge']);
    expect(notes.filter((n) => n.includes('in Kafka')).map((n) => n.split(' ')[1])).toEqual(['staging', 'prod']);
    expect(notes.filter((n) => n.includes('in memory')).map((n) => n.split(' ')[1])).toEqual(['dev', 'edge']);
  });

  test('backend: in-memory in a durable profile is refused, naming the path', () => {
    const spec = referenceCopy();
    spec.knative.eventing = { backend: 'in-memory' };
    const msg = parseErrorMessage(spec);
    expect(msg).toContain('knative.eventing.backend: is refused: environment "staging" (profile staging) keeps events durable');
    expect(msg).toContain('set knative.eventing.inMemoryReason');
  });

  test('with a reason, in-memory is accepted in prod', () => {
    const spec = referenceCopy();
    spec.knative.eventing = { backend: 'in-memory', inMemoryReason: 'replayed from the order database nightly' };
    const out = synthEnv('prod', spec);
    expect(new Set(brokerClasses(out.objects))).toEqual(new Set(['MTChannelBasedBroker']));
    expect(out.find('KafkaSink')).toEqual([]);
    expect(eventingNotes(parseSpec(spec), ['prod'])[0]).toContain('knative.eventing.inMemoryReason: replayed from the order database nightly');
  });

  test('a durable environment with eventing but no kafka section is refused', () => {
    const spec = referenceCopy();
    // Without Kafka: no kafka triggers, producers or Lambda MSK either.
    delete spec.kafka;
    spec.functions = spec.functions.map((f: { triggers?: { type: string }[]; kafka?: unknown }) => ({ ...f, triggers: (f.triggers ?? []).filter((t) => t.type !== 'kafka') }));
    const msg = parseErrorMessage(spec);
    expect(msg).toMatch(/knative\.eventing: environment "\w+" \(profile \w+\) keeps events durable, but the spec has no "kafka" section/);
  });

  test('backend: kafka needs the kafka section', () => {
    const spec = referenceCopy();
    delete spec.kafka;
    spec.knative.eventing = { backend: 'kafka' };
    expect(parseErrorMessage(spec)).toContain('knative.eventing.backend: needs the platform\'s Kafka: add a top-level "kafka" section');
  });

  test('a spec topic may not take a name Kafka eventing creates', () => {
    const spec = referenceCopy();
    spec.kafka.topics.push({ name: 'shop-dead-letters' });
    const i = spec.kafka.topics.length - 1;
    expect(parseErrorMessage(spec)).toContain(`kafka.topics[${i}].name: is the dead-letter topic of tenant "shop" (Kafka eventing creates it); choose another topic name (got "shop-dead-letters")`);
  });

  test('inMemoryReason must say something', () => {
    const spec = referenceCopy();
    spec.knative.eventing = { backend: 'in-memory', inMemoryReason: 'ok' };
    expect(parseErrorMessage(spec)).toContain('knative.eventing.inMemoryReason: must say why losing buffered events is acceptable');
  });
});

describe('replaying dead letters', () => {
  const withReplay = (replay: Record<string, unknown>) => {
    const spec = referenceCopy();
    spec.knative.replays = [{ name: 'orders', tenant: 'shop', environments: ['prod'], ...replay }];
    return spec;
  };

  test("a KafkaSource reads the tenant's dead-letter topic with its own group, with the tenant's principal, into the default broker", () => {
    const out = synthEnv('prod', withReplay({}));
    const src = out.get('KafkaSource', 'replay-orders', 'shop');
    expect(src.spec).toMatchObject({
      topics: ['shop-dead-letters'],
      consumerGroup: 'replay-shop-orders',
      initialOffset: 'earliest',
      bootstrapServers: ['events-kafka-bootstrap.kafka.svc:9093'],
      sink: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default', namespace: 'shop' } },
      net: {
        sasl: { enable: true, user: { secretKeyRef: { name: 'kafka-eventing-auth', key: 'user' } }, password: { secretKeyRef: { name: 'kafka-eventing-auth', key: 'password' } } },
        tls: { enable: true, caCert: { secretKeyRef: { name: 'kafka-eventing-auth', key: 'ca.crt' } } },
      },
    });
    // Failing again makes it a dead letter again, kept in the same topic.
    expect(src.spec.delivery.deadLetterSink.ref).toMatchObject({ kind: 'KafkaSink', name: 'dead-letters' });
    const acls = out.get('KafkaUser', 'eventing-shop', 'kafka').spec.authorization.acls.map((a: { resource: { name: string }; operations: string[] }) => `${a.resource.name}:${a.operations}`);
    expect(acls).toEqual(expect.arrayContaining(['shop-dead-letters:Read,Write', 'replay-shop-orders:Read']));
    // The tenant's admission policy lets the replay read the Secret it was wired to.
    expect(JSON.stringify(out.find('ValidatingAdmissionPolicy').filter((p) => p.metadata.name.includes('shop')))).toContain('kafka-eventing-auth');
    expect(validateAll([src])).toEqual([]);
    // Only in the environments it names.
    expect(synthEnv('staging', withReplay({})).find('KafkaSource', 'replay-orders')).toEqual([]);
  });

  test('to a function, from the newest', () => {
    const out = synthEnv('prod', withReplay({ to: { function: 'ship' }, from: 'latest' }));
    expect(out.get('KafkaSource', 'replay-orders', 'shop').spec).toMatchObject({ initialOffset: 'latest', sink: { ref: { kind: 'Service', name: 'ship', namespace: 'shop' } } });
  });

  test('refused where there is nothing to replay, or nowhere to send it', () => {
    expect(parseErrorMessage(withReplay({ environments: ['dev'] }))).toContain('knative.replays[0].environments[0]: keeps its events in memory: its dead letters are only logged');
    expect(parseErrorMessage(withReplay({ environments: ['qa'] }))).toContain('knative.replays[0].environments[0]: no such environment');
    expect(parseErrorMessage(withReplay({ tenant: 'iot' }))).toContain('knative.replays[0].to: the default destination is the "default" broker, but there is none in tenant "iot"');
    expect(parseErrorMessage(withReplay({ to: { broker: 'nope' } }))).toContain('knative.replays[0].to.broker: no broker "nope" in tenant "shop"');
    expect(parseErrorMessage(withReplay({ to: { function: 'nope' } }))).toContain('knative.replays[0].to.function: no such function');
  });
});

test('a tenant name too long for the Kafka credentials job is refused at parse time', () => {
  const spec = referenceCopy();
  const long = 'iot-' + 'x'.repeat(40);
  spec.tenants = spec.tenants.map((t: { name: string }) => (t.name === 'iot' ? { ...t, name: long } : t));
  spec.functions = spec.functions.map((f: { tenant: string }) => (f.tenant === 'iot' ? { ...f, tenant: long } : f));
  const i = spec.tenants.findIndex((t: { name: string }) => t.name === long);
  expect(parseErrorMessage(spec)).toContain(`tenants[${i}].name: is too long for Kafka eventing: its credentials job "kafka-auth-${long}" has 55 characters`);
});
