// Only what is under test: the kafka module and a stand-in backend using the binding it returns.
jest.mock('../../lib/platform/modules', () => jest.requireActual('./support').onlyKafkaModules());
import { Chart, Testing } from 'cdk8s';
import { KafkaClientUser } from '../../lib/k8s/kafka/kafka-client-user';
import { KafkaCluster } from '../../lib/k8s/kafka/kafka-cluster';
import { KafkaClusterTopic } from '../../lib/k8s/kafka/kafka-cluster-topic';
import { reflectionAnnotations, REFLECTOR_CHART } from '../../lib/k8s/kafka/secret-reflector';
import { STRIMZI_CHART } from '../../lib/k8s/kafka/strimzi-operator';
import { SpecError } from '../../lib/core/errors';
import { parseSpec } from '../../lib/spec/parse';
import { PROFILES } from '../../lib/spec/profiles';
import { cpuCores, memoryBytes } from '../../lib/core/quantity';
import { REFERENCE_ENVIRONMENTS, synthEnv } from '../support/synth';
import { chartValues, describeWithUpstream, unknownValuePaths } from '../support/upstream';
import { validateAll, validateObject } from '../support/validate';
import { clientCalls, kafkaObjects, kafkaSpec } from './support';
import { specErrorOf } from '../support/errors';

const R = 'reflector.v1.k8s.emberstack.com';
const reflectedTo = (annotations: Record<string, string> | undefined) => {
  const allowed = annotations?.[`${R}/reflection-allowed-namespaces`];
  expect(annotations?.[`${R}/reflection-auto-namespaces`]).toBe(allowed);
  expect([annotations?.[`${R}/reflection-allowed`], annotations?.[`${R}/reflection-auto-enabled`]]).toEqual(['true', 'true']);
  return allowed?.split(',');
};
const errorOf = specErrorOf;

describe('Strimzi operator install', () => {
  test.each(REFERENCE_ENVIRONMENTS)('%s: pinned official chart watching only the kafka namespace, restricted operands, sized by the profile', (env) => {
    const s = synthEnv(env, kafkaSpec());
    const release = s.get('HelmRelease', 'strimzi', 'kafka');
    const repo = s.get('HelmRepository', 'strimzi', 'kafka');
    expect(repo.spec).toMatchObject({ url: 'oci://quay.io/strimzi-helm', type: 'oci' });
    expect(release.spec.chart.spec).toMatchObject({ chart: 'strimzi-kafka-operator', version: '1.2.0', sourceRef: { kind: 'HelmRepository', name: 'strimzi', namespace: 'kafka' } });
    const v = release.spec.values;
    const p = PROFILES[env];
    expect(v.watchNamespaces).toEqual([]);
    expect(v.watchAnyNamespace).toBe(false);
    expect(v.replicas).toBe(p.components.strimziOperator.replicas);
    expect(v.resources).toEqual(p.components.strimziOperator.resources);
    expect(v.extraEnvs).toEqual([{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }]);
    expect(v.generatePodDisruptionBudget).toBe(p.ha.podDisruptionBudgets);
    expect(v.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // the namespace enforces Pod Security "restricted"
    expect(s.get('Namespace', 'kafka').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // Kafka objects are operator CRs: config layer, after the chart (platform layer) installed the CRDs
    expect(s.byLayer.platform.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io'))).toEqual([]);
    expect(s.byLayer.config.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io')).length).toBeGreaterThan(0);
  });

  test('Reflector install is pinned and passes Pod Security restricted', () => {
    const s = synthEnv('prod', kafkaSpec());
    const release = s.get('HelmRelease', 'reflector', 'kafka');
    expect(release.spec.chart.spec).toMatchObject({ chart: REFLECTOR_CHART.chart, version: '9.1.34' });
    expect(s.get('HelmRepository', 'emberstack', 'kafka').spec.url).toBe('https://emberstack.github.io/helm-charts');
    expect(release.spec.values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(release.spec.values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });
});

describeWithUpstream('against the pinned upstream data', () => {
  test.each(REFERENCE_ENVIRONMENTS)('%s: typed Strimzi values are all keys of the chart values.yaml', (env) => {
    const values = synthEnv(env, kafkaSpec()).get('HelmRelease', 'strimzi', 'kafka').spec.values;
    expect(unknownValuePaths(values, chartValues('strimzi-kafka-operator'))).toEqual([]);
    expect(chartValues('strimzi-kafka-operator').defaultImageTag).toBe(STRIMZI_CHART.version);
  });

  test.each(REFERENCE_ENVIRONMENTS)('%s: every Kafka object is valid against the Strimzi 1.2.0 CRDs and the catalog schemas (no lag exceptions needed)', (env) => {
    const objects = kafkaObjects(synthEnv(env, kafkaSpec()).objects);
    expect(validateAll(objects)).toEqual([]);
    for (const o of objects.filter((x) => x.apiVersion === 'kafka.strimzi.io/v1')) {
      expect(validateObject(o).checkedBy).toEqual(['crd', 'catalog']);
    }
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(['Namespace', 'HelmRepository', 'HelmRelease', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'Secret']));
  });

  test('the validator does reject a bad Strimzi object (so the checks above can fail)', () => {
    const user = synthEnv('dev', kafkaSpec()).get('KafkaUser', 'kafka-payment', 'kafka');
    const bad = structuredClone(user);
    bad.spec.authorization.acls[0].operations = ['Consume'];
    bad.spec.authentication.validityDays = 30; // newer than the catalog, and tls-only in the CRD rules
    expect(validateAll([bad]).join('\n')).toMatch(/operations\/0 must be equal to one of the allowed values/);
  });
});

describe('Kafka cluster sized by the environment profile', () => {
  test.each(REFERENCE_ENVIRONMENTS)('%s: node pools, storage, resources and broker replication settings', (env) => {
    const s = synthEnv(env, kafkaSpec());
    const k = PROFILES[env].kafka;
    const kafka = s.get('Kafka', 'events', 'kafka');
    const pools = s.find('KafkaNodePool', undefined, 'kafka');
    if (k.controllers === 0) {
      expect(pools.map((p) => [p.metadata.name, p.spec.replicas, p.spec.roles])).toEqual([['dual-role', k.brokers, ['controller', 'broker']]]);
    } else {
      expect(pools.map((p) => [p.metadata.name, p.spec.replicas, p.spec.roles])).toEqual([
        ['controller', k.controllers, ['controller']],
        ['broker', k.brokers, ['broker']],
      ]);
    }
    for (const p of pools) {
      expect(p.metadata.labels?.['strimzi.io/cluster']).toBe('events');
      expect(p.spec.storage).toEqual(k.storage.type === 'ephemeral' ? { type: 'ephemeral' } : { type: 'persistent-claim', size: k.storage.size, deleteClaim: false });
      expect(p.spec.resources).toEqual(k.resources);
      expect(p.spec.template?.pod?.affinity?.podAntiAffinity !== undefined).toBe(PROFILES[env].ha.antiAffinity && p.spec.replicas > 1);
    }
    expect(kafka.spec.kafka.config).toEqual({
      'default.replication.factor': k.replicationFactor,
      'min.insync.replicas': k.minInSyncReplicas,
      'offsets.topic.replication.factor': k.replicationFactor,
      'transaction.state.log.replication.factor': k.replicationFactor,
      'transaction.state.log.min.isr': k.minInSyncReplicas,
      'auto.create.topics.enable': false,
    });
    expect(kafka.spec.kafka.template.podDisruptionBudget).toEqual(PROFILES[env].ha.podDisruptionBudgets ? { maxUnavailable: 1 } : undefined);
    // listeners: internal plain and TLS, all authenticated; simple authorization
    expect(kafka.spec.kafka.listeners.map((l: any) => [l.name, l.port, l.type, l.tls, l.authentication.type])).toEqual([
      ['plain', 9092, 'internal', false, 'scram-sha-512'],
      ['tls', 9093, 'internal', true, 'scram-sha-512'],
      ['mtls', 9094, 'internal', true, 'tls'],
    ]);
    expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple' });
    // topic + user operators, Prometheus metrics (reporter on nodes, exporter for consumer lag)
    expect(Object.keys(kafka.spec.entityOperator).sort()).toEqual(['topicOperator', 'userOperator']);
    expect(kafka.spec.kafka.metricsConfig.type).toBe('strimziMetricsReporter');
    expect(kafka.spec.kafkaExporter).toMatchObject({ topicRegex: '.*', groupRegex: '.*' });
    expect(kafka.spec.kafka.rack).toBeUndefined();
  });

  test('prod: 3 controllers + 3 brokers on 100Gi claims that survive scale-down', () => {
    const pools = synthEnv('prod', kafkaSpec()).find('KafkaNodePool');
    expect(pools.map((p) => `${p.metadata.name}:${p.spec.replicas}:${p.spec.storage.type}:${p.spec.storage.size}:${p.spec.storage.deleteClaim}`)).toEqual([
      'controller:3:persistent-claim:100Gi:false',
      'broker:3:persistent-claim:100Gi:false',
    ]);
  });

  test('dev and edge: one dual-role node on ephemeral storage', () => {
    for (const env of ['dev', 'edge'] as const) {
      const pools = synthEnv(env, kafkaSpec()).find('KafkaNodePool');
      expect(pools.map((p) => `${p.metadata.name}:${p.spec.replicas}:${p.spec.storage.type}`)).toEqual(['dual-role:1:ephemeral']);
    }
  });

  test('edge: everything Kafka requests stays small (operator, node, entity operator, exporter, reflector)', () => {
    const s = synthEnv('edge', kafkaSpec());
    const kafka = s.get('Kafka', 'events', 'kafka').spec;
    const pool = s.get('KafkaNodePool', 'dual-role').spec;
    const req = [
      s.get('HelmRelease', 'strimzi', 'kafka').spec.values.resources.requests,
      pool.resources.requests,
      kafka.entityOperator.topicOperator.resources.requests,
      kafka.entityOperator.userOperator.resources.requests,
      kafka.kafkaExporter.resources.requests,
      s.get('HelmRelease', 'reflector', 'kafka').spec.values.resources.requests,
    ];
    const cpu = req.reduce((a, r) => a + cpuCores(r.cpu), 0);
    const mem = req.reduce((a, r) => a + memoryBytes(r.memory), 0);
    // 2-core / 4 GiB edge cluster: Kafka's share (entity operator sized by profile.kafka.entityOperator)
    expect(cpu).toBeCloseTo(0.32, 5);
    expect(mem / 2 ** 20).toBe(192 + 448 + 128 + 128 + 32 + 96);
  });

  test('rack awareness is an option of the spec', () => {
    const spec = kafkaSpec();
    spec.kafka.rack = { topologyKey: 'topology.kubernetes.io/zone' };
    const s = synthEnv('prod', spec);
    expect(s.get('Kafka', 'events').spec.kafka.rack).toEqual({ topologyKey: 'topology.kubernetes.io/zone' });
    expect(validateAll(kafkaObjects(s.objects))).toEqual([]);
  });
});

describe('topics', () => {
  test.each(REFERENCE_ENVIRONMENTS)('%s: KafkaTopics from the spec with the profile replication', (env) => {
    const k = PROFILES[env].kafka;
    const topics = synthEnv(env, kafkaSpec()).find('KafkaTopic', undefined, 'kafka');
    expect(topics.map((t) => [t.metadata.name, t.metadata.labels?.['strimzi.io/cluster'], t.spec])).toEqual([
      ['orders', 'events', { partitions: 6, replicas: k.replicationFactor, config: { 'retention.ms': 168 * 3_600_000, 'cleanup.policy': 'delete', 'min.insync.replicas': k.minInSyncReplicas } }],
      ['payments', 'events', { partitions: 6, replicas: k.replicationFactor, config: { 'retention.ms': 336 * 3_600_000, 'cleanup.policy': 'delete', 'min.insync.replicas': k.minInSyncReplicas } }],
      ['telemetry', 'events', { partitions: 12, replicas: k.replicationFactor, config: { 'retention.ms': 24 * 3_600_000, 'cleanup.policy': 'delete', 'min.insync.replicas': k.minInSyncReplicas } }],
    ]);
  });

  test('explicit replicas, min ISR, compaction and defaults', () => {
    const spec = kafkaSpec();
    spec.kafka.topics.push({ name: 'customers', replicas: 3, minInSyncReplicas: 2, cleanupPolicy: 'compact' });
    spec.environments = { prod: { domain: 'acme.example' } };
    const t = synthEnv('prod', spec).get('KafkaTopic', 'customers');
    expect(t.spec).toEqual({ partitions: 3, replicas: 3, config: { 'retention.ms': 168 * 3_600_000, 'cleanup.policy': 'compact', 'min.insync.replicas': 2 } });
  });
});

describe('users: exactly the ACLs each client needs', () => {
  const aclsOf = (u: any) => u.spec.authorization.acls.map((a: any) => `${a.type} ${a.resource.type}:${a.resource.name}(${a.resource.patternType}) ${a.operations.join('+')}`);

  test('one KafkaUser per function touching Kafka: Read on consumed topics and own group, Write on produced topics, nothing else', () => {
    const s = synthEnv('prod', kafkaSpec());
    const users = s.find('KafkaUser', undefined, 'kafka');
    expect(Object.fromEntries(users.map((u) => [u.metadata.name, aclsOf(u)]))).toEqual({
      'kafka-validate-order': ['allow topic:orders(literal) Write'],
      'kafka-payment': ['allow topic:orders(literal) Read', 'allow topic:payments(literal) Write', 'allow group:payment(literal) Read'],
      'kafka-temperature-alert': ['allow topic:telemetry(literal) Read', 'allow group:temperature-alert(literal) Read'],
      'kafka-payment-audit': ['allow topic:payments(literal) Read', 'allow group:audit(literal) Read'],
      'kafka-promo-discount': ['allow topic:payments(literal) Write'],
    });
    for (const u of users) {
      // the OpenFaaS kafka-connector can only log in with a client certificate (it offers SASL PLAIN, which Strimzi refuses)
      expect(u.spec.authentication).toEqual({ type: u.metadata.name === 'kafka-payment-audit' ? 'tls' : 'scram-sha-512' });
      expect(u.spec.authorization.type).toBe('simple');
      expect(u.metadata.labels?.['strimzi.io/cluster']).toBe('events');
    }
  });

  test('credentials and the cluster CA are mirrored only into the namespaces where each client runs', () => {
    const s = synthEnv('dev', kafkaSpec());
    const to = Object.fromEntries(s.find('KafkaUser').map((u) => [u.metadata.name, reflectedTo(u.spec.template.secret.metadata.annotations)]));
    expect(to).toEqual({
      'kafka-validate-order': ['shop'],
      'kafka-payment': ['shop'],
      'kafka-temperature-alert': ['iot'],
      'kafka-payment-audit': ['openfaas'], // the kafka-connector consumes for OpenFaaS
      'kafka-promo-discount': ['openfaas-fn'], // an OpenFaaS function produces from its own namespace
    });
    expect(reflectedTo(s.get('Kafka', 'events').spec.kafka.template.clusterCaCert.metadata.annotations)).toEqual(['iot', 'openfaas', 'openfaas-fn', 'shop']);
  });

  test('connection Secrets carry the user name, mechanism and bootstrap address, never a password', () => {
    const s = synthEnv('dev', kafkaSpec());
    const secrets = s.objects.filter((o) => o.kind === 'Secret' && o.metadata.labels?.['app.kubernetes.io/component'] === 'kafka-client');
    expect(secrets.map((x) => `${x.metadata.namespace}/${x.metadata.name}`).sort()).toEqual([
      'iot/kafka-temperature-alert-connection',
      'openfaas-fn/kafka-promo-discount-connection',
      'openfaas/kafka-payment-audit-connection',
      'shop/kafka-payment-connection',
      'shop/kafka-validate-order-connection',
    ]);
    const payment = s.get('Secret', 'kafka-payment-connection', 'shop');
    expect(payment.stringData).toEqual({ user: 'kafka-payment', 'sasl.mechanism': 'SCRAM-SHA-512', 'security.protocol': 'SASL_SSL', 'bootstrap.servers': 'events-kafka-bootstrap.kafka.svc:9093' });
    for (const x of secrets) {
      expect(x.data).toBeUndefined();
      const tls = x.metadata.name === 'kafka-payment-audit-connection'; // mutual TLS: no SASL mechanism
      expect(Object.keys(x.stringData).sort()).toEqual(tls ? ['bootstrap.servers', 'security.protocol', 'user'] : ['bootstrap.servers', 'sasl.mechanism', 'security.protocol', 'user']);
    }
  });

  test('mutual TLS clients: tls users, the mTLS listener and SSL protocol', () => {
    const spec = kafkaSpec();
    spec.kafka.clientAuthentication = 'tls';
    const s = synthEnv('staging', spec);
    expect(s.find('KafkaUser').every((u) => u.spec.authentication.type === 'tls')).toBe(true);
    expect(s.get('Secret', 'kafka-payment-connection', 'shop').stringData).toEqual({ user: 'kafka-payment', 'security.protocol': 'SSL', 'bootstrap.servers': 'events-kafka-bootstrap.kafka.svc:9094' });
    const payment = clientCalls.find((c) => c.fn === 'payment')!.auth;
    expect(payment).toMatchObject({ mechanism: 'tls', bootstrapServers: 'events-kafka-bootstrap.kafka.svc:9094', secretKeys: { certificate: 'user.crt', key: 'user.key' } });
  });

  test('platform.kafka tells backends where the credentials are, in the namespace where their client runs', () => {
    const s = synthEnv('prod', kafkaSpec());
    const binding = s.platform.kafka!;
    expect([binding.clusterName, binding.namespace, binding.bootstrapServers]).toEqual(['events', 'kafka', 'events-kafka-bootstrap.kafka.svc:9093']);
    // typed, for whoever needs the port alone (the tenants' network policies)
    expect(binding.bootstrap).toEqual({ host: 'events-kafka-bootstrap.kafka.svc', port: 9093 });
    expect(Object.fromEntries(clientCalls.map((c) => [c.fn, c.auth]))).toEqual({
      payment: {
        user: 'kafka-payment',
        mechanism: 'scram-sha-512',
        secret: { namespace: 'shop', name: 'kafka-payment' },
        caSecret: { namespace: 'shop', name: 'events-cluster-ca-cert' },
        bootstrapServers: 'events-kafka-bootstrap.kafka.svc:9093',
        secretKeys: { password: 'password', jaasConfig: 'sasl.jaas.config' },
        caKey: 'ca.crt',
        connectionSecret: {
          namespace: 'shop',
          name: 'kafka-payment-connection',
          keys: { user: 'user', saslMechanism: 'sasl.mechanism', securityProtocol: 'security.protocol', bootstrapServers: 'bootstrap.servers' },
        },
      },
      'temperature-alert': expect.objectContaining({
        user: 'kafka-temperature-alert',
        secret: { namespace: 'iot', name: 'kafka-temperature-alert' },
        caSecret: { namespace: 'iot', name: 'events-cluster-ca-cert' },
      }),
      'payment-audit': expect.objectContaining({ user: 'kafka-payment-audit', secret: { namespace: 'openfaas', name: 'kafka-payment-audit' } }),
    });
    // the backend's calls add nothing beyond what the spec declared
    expect(binding.access.get('payment')).toEqual({ read: ['orders'], groups: ['payment'], write: ['payments'] });
  });

  test('a spec without kafka gets no Strimzi and no binding', () => {
    const spec: any = kafkaSpec();
    delete spec.kafka;
    spec.functions = spec.functions.filter((f: any) => !(f.triggers ?? []).some((t: any) => t.type === 'kafka'));
    const s = synthEnv('dev', spec);
    expect(kafkaObjects(s.objects)).toEqual([]);
    expect(s.platform.kafka).toBeUndefined();
  });

  test('the reference stack: orders, payments, telemetry; Knative consumers and producers get exact ACLs', () => {
    const { referenceSpec } = jest.requireActual('../../stacks/reference');
    const s = synthEnv('prod', referenceSpec);
    expect(s.find('KafkaTopic').map((t) => t.metadata.name)).toEqual(['orders', 'payments', 'telemetry']);
    const users = Object.fromEntries(s.find('KafkaUser').map((u) => [u.metadata.name, aclsOf(u)]));
    expect(users).toEqual({
      'kafka-payment': ['allow topic:orders(literal) Read', 'allow topic:payments(literal) Write', 'allow group:payment(literal) Read'],
      'kafka-temperature-alert': ['allow topic:telemetry(literal) Read', 'allow group:temperature-alert(literal) Read'],
      'kafka-validate-order': ['allow topic:orders(literal) Write'],
    });
    expect(validateAll(kafkaObjects(s.objects))).toEqual([]);
  });
});

describe('bad inputs', () => {
  const messages = (e: SpecError) => e.issues.map((i) => `${i.path}: ${i.message}`);

  test('a kafka trigger on a topic the spec does not define', () => {
    const spec = kafkaSpec();
    spec.functions[1].triggers = [{ type: 'kafka', topic: 'ordres' }];
    const e = errorOf(() => parseSpec(spec));
    expect(e.message).toContain('functions[1].triggers[0].topic: no such topic in kafka.topics; defined topics: orders, payments, telemetry (got "ordres")');
  });

  test('a kafka trigger without a kafka section', () => {
    const spec: any = kafkaSpec();
    delete spec.kafka;
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toContain('functions[1].triggers[0]: a kafka trigger needs the platform\'s Kafka: add a top-level "kafka" section with this topic in kafka.topics');
  });

  test('two functions in one consumer group', () => {
    const spec = kafkaSpec();
    spec.functions[2].triggers = [{ type: 'kafka', topic: 'telemetry', consumerGroup: 'payment' }];
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toEqual([
      'functions[2].triggers[0].consumerGroup: consumer group "payment" is already used by function "payment": two functions in one group would each get only part of the records; give each function its own group',
    ]);
  });

  test('producers must be cluster functions of the spec', () => {
    const spec = kafkaSpec();
    spec.functions.push({ name: 'thumbnail', tenant: 'shop', target: 'lambda', code: { path: 'fn', handler: 'index.handler', runtime: 'nodejs22.x' } });
    spec.kafka.topics[0].producers = ['validate-order', 'nope', 'thumbnail'];
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toEqual([
      'kafka.topics[0].producers[1]: no such function; functions: validate-order, payment, temperature-alert, payment-audit, promo-discount, thumbnail',
      'kafka.topics[0].producers[2]: function "thumbnail" has target "lambda"; producers of the cluster\'s Kafka must be knative or openfaas functions (Lambda reaches Kafka through kafka.msk)',
    ]);
  });

  test('prod: fewer than 3 replicas, with the reason', () => {
    const spec = kafkaSpec();
    spec.environments = { prod: { domain: 'acme.example' } };
    spec.kafka.topics[0].replicas = 2;
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toEqual([
      'kafka.topics[0].replicas: must be ≥ 3 in environment "prod" (profile prod): with 2 replicas a single broker loss leaves no second in-sync copy, so acknowledged writes can be lost',
    ]);
    expect(e.message).toContain('(got 2)');
  });

  test('prod: min ISR must be 2 for 3 replicas, with the reason', () => {
    const spec = kafkaSpec();
    spec.environments = { prod: { domain: 'acme.example' } };
    spec.kafka.topics[0].minInSyncReplicas = 1;
    spec.kafka.topics[1].minInSyncReplicas = 3;
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toEqual([
      'kafka.topics[0].minInSyncReplicas: must be between 2 and 2 for 3 replicas in environment "prod" (profile prod) (a single broker loss must not lose acknowledged writes nor stop them): with 1, a write is acknowledged once a single broker has it, and losing that broker loses the write',
      'kafka.topics[1].minInSyncReplicas: must be between 2 and 2 for 3 replicas in environment "prod" (profile prod) (a single broker loss must not lose acknowledged writes nor stop them): with 3 (= replicas), every write stops while one broker is down',
    ]);
  });

  test('replicas above the broker count of any environment (dev and edge run one broker)', () => {
    const spec = kafkaSpec();
    spec.kafka.topics[2].replicas = 3;
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toEqual([
      'kafka.topics[2].replicas: 3 replicas need 3 brokers, but environment "dev" (profile dev) runs 1; use at most 1',
      'kafka.topics[2].replicas: 3 replicas need 3 brokers, but environment "edge" (profile edge) runs 1; use at most 1',
    ]);
  });

  test('min ISR above replicas', () => {
    const spec = kafkaSpec();
    spec.environments = { dev: { domain: 'dev.acme.example' } };
    spec.kafka.topics[0].minInSyncReplicas = 2;
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toEqual(['kafka.topics[0].minInSyncReplicas: 2 exceeds the topic\'s 1 replicas in environment "dev" (profile dev): producers with acks=all could never write']);
  });

  test('profile overrides are checked too: a prod environment overridden to one broker', () => {
    const spec = kafkaSpec();
    spec.environments = { prod: { domain: 'acme.example', overrides: { kafka: { brokers: 1 } } } };
    const e = errorOf(() => parseSpec(spec));
    expect(messages(e)).toContain('environments.prod.overrides.kafka.replicationFactor: must be ≤ brokers (1) in environment "prod" (profile prod): each replica needs its own broker');
    expect(messages(e)).toContain('kafka.topics[0].replicas: 3 replicas (the profile default 3) need 3 brokers, but environment "prod" (profile prod) runs 1; use at most 1');
  });

  test('Pulumi config overrides (applied after parseSpec) are checked by the module', () => {
    const spec = kafkaSpec();
    spec.environments = { prod: { domain: 'acme.example' } };
    const e = errorOf(() => synthEnv('prod', spec, { kafka: { minInSyncReplicas: 1 } }));
    expect(e.message).toContain('Invalid platform spec for environment "prod"');
    expect(messages(e)[0]).toBe(
      'kafka.topics[0].minInSyncReplicas: must be between 2 and 2 for 3 replicas in environment "prod" (profile prod) (a single broker loss must not lose acknowledged writes nor stop them): with 1, a write is acknowledged once a single broker has it, and losing that broker loses the write (the profile default 1)',
    );
  });

  test('constructs used directly validate their props', () => {
    const chart = new Chart(Testing.app(), 'test');
    const sizing = PROFILES.prod.kafka;
    expect(() => new KafkaCluster(chart, 'even', { name: 'c', namespace: 'kafka', sizing: { ...sizing, controllers: 2 } })).toThrow(
      'KafkaCluster(c).sizing.controllers: must be odd: a KRaft quorum of 2 tolerates no more failures than one of 1 (got 2)',
    );
    expect(() => new KafkaCluster(chart, 'rf', { name: 'c', namespace: 'kafka', sizing: { ...sizing, brokers: 2 } })).toThrow(
      'KafkaCluster(c).sizing.replicationFactor: must be ≤ brokers (2): each replica needs its own broker (got 3)',
    );
    const cluster = new KafkaCluster(chart, 'ok', { name: 'c', namespace: 'kafka', sizing: PROFILES.dev.kafka });
    expect(() => new KafkaClusterTopic(chart, 't', { cluster, name: 'x', replicas: 3 })).toThrow(
      'KafkaClusterTopic(x).replicas: must be ≤ the 1 broker(s) of cluster "c": each replica needs its own broker (got 3)',
    );
    expect(() => new KafkaClientUser(chart, 'u', { cluster, name: 'Bad_Name' })).toThrow('KafkaClientUser.name: must be a DNS label');
    expect(() => new KafkaClientUser(chart, 'u2', { cluster, name: 'ok' }).allowGroup('a group')).toThrow('KafkaClientUser.group: must be letters, digits, ".", "_" or "-" (got "a group")');
    // an empty list would let Reflector copy the Secret into every namespace
    expect(() => reflectionAnnotations([])).toThrow('must name at least one namespace');
    expect(() => reflectionAnnotations(['shop', 'tenant-.*'])).toThrow('must be a namespace name');
  });

  test('a user with no client namespace gets no reflection annotations at all', () => {
    const chart = new Chart(Testing.app(), 'test');
    const cluster = new KafkaCluster(chart, 'c', { name: 'c', namespace: 'kafka', sizing: PROFILES.dev.kafka });
    const user = new KafkaClientUser(chart, 'u', { cluster, name: 'lonely' }).allowRead('orders');
    expect(user.resource.toJson().spec.template).toBeUndefined();
    expect(cluster.kafka.toJson().spec.kafka.template.clusterCaCert).toBeUndefined();
  });
});
