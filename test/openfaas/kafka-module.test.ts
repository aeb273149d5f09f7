import { parseAllDocuments } from 'yaml';
import { KafkaConnector } from '../../lib/k8s/openfaas/kafka-connector';
import { KafkaConnectorCredentials } from '../../lib/k8s/openfaas/kafka-connector-credentials';
import { OpenFaaSInstall } from '../../lib/k8s/openfaas/openfaas-install';
import { referenceCopy, synthEnv, type SynthesizedEnv } from '../support/synth';
import { chartValues, describeWithUpstream, unknownValuePaths } from '../support/upstream';
import { validateAll } from '../support/validate';
import { testChart } from './support';
import { specErrorOf } from '../support/errors';

/** The reference stack plus an OpenFaaS function consuming `orders` through the kafka-connector. */
function specWithOpenFaaSConsumer(): any {
  const spec = referenceCopy();
  // The kafka-connector is OpenFaaS Pro: every environment runs Pro here.
  spec.openfaas = { ...spec.openfaas, edition: 'pro' };
  spec.functions.push({
    name: 'order-audit',
    tenant: 'shop',
    target: 'openfaas',
    image: 'ghcr.io/acme/order-audit:1.0.0',
    triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'order-audit' }],
  });
  return spec;
}

const aclsOf = (u: any) => u.spec.authorization.acls.map((a: any) => `${a.type} ${a.resource.type}:${a.resource.name}(${a.resource.patternType}) ${a.operations.join('+')}`);
const reflectedTo = (annotations: Record<string, string> | undefined) => (annotations?.['reflector.v1.k8s.emberstack.com/reflection-auto-namespaces'] ?? '').split(',').filter(Boolean).sort();

describe.each(['dev', 'prod'] as const)('an OpenFaaS kafka trigger through the platform modules (%s)', (env) => {
  let s: SynthesizedEnv;
  beforeAll(() => {
    s = synthEnv(env, specWithOpenFaaSConsumer());
  });

  test('one kafka-connector for the topic: bootstrap of the mTLS listener from platform.kafka, the topic, the group, TLS secrets by reference', () => {
    const release = s.get('HelmRelease', 'kafka-connector-orders', 'openfaas');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'kafka-connector', version: '0.7.15' });
    const auth = s.platform.kafka!.client(
      s.platform.spec.functions.find((f) => f.name === 'order-audit')!,
      { read: ['orders'], group: 'order-audit', namespace: 'openfaas' },
    );
    expect(auth).toMatchObject({ user: 'kafka-order-audit', mechanism: 'tls', bootstrapServers: 'events-kafka-bootstrap.kafka.svc:9094' });
    const v = release.spec.values;
    expect(v.brokerHosts).toBe(auth.bootstrapServers);
    expect(v).toMatchObject({ topics: 'orders', group: 'order-audit', tls: true, saslAuth: false, gatewayURL: 'http://gateway.openfaas:8080', basic_auth: true, asyncInvocation: true });
    // the three Secret names the chart reads, all one Secret holding broker-ca / broker-cert / broker-key
    expect([v.caSecret, v.certSecret, v.keySecret]).toEqual(['kafka-order-audit-broker', 'kafka-order-audit-broker', 'kafka-order-audit-broker']);
    expect(v.brokerUsernameSecret).toBeUndefined();
    expect(v.brokerPasswordSecret).toBeUndefined();
    expect(release.metadata.annotations?.['hybrid-serverless.io/requires-secrets']).toBe(
      'openfaas/openfaas-license (key license), openfaas/kafka-order-audit-broker (key broker-ca), openfaas/kafka-order-audit-broker (key broker-cert), openfaas/kafka-order-audit-broker (key broker-key)',
    );
    // one consumer per partition at most: prod (HA) runs 3 of the topic's 6, dev one
    expect(v.replicas).toBe(env === 'prod' ? 3 : 1);
    expect(release.spec.dependsOn).toEqual([{ name: 'openfaas', namespace: 'openfaas' }]);
    // the function subscribes by annotation
    expect(s.get('Function', 'order-audit', 'openfaas-fn').spec.annotations.topic).toBe('orders');
  });

  test("the consumer's KafkaUser: a client certificate (the connector cannot do SCRAM), Read on the topic and its group only", () => {
    const user = s.get('KafkaUser', 'kafka-order-audit', 'kafka');
    expect(user.spec.authentication).toEqual({ type: 'tls' });
    expect(aclsOf(user)).toEqual(['allow topic:orders(literal) Read', 'allow group:order-audit(literal) Read']);
    // other users keep the cluster's default
    expect(s.get('KafkaUser', 'kafka-payment', 'kafka').spec.authentication).toEqual({ type: 'scram-sha-512' });
  });

  test("credentials reach the connector's namespace: Reflector mirrors, then a copy under the chart's key names", () => {
    expect(reflectedTo(s.get('KafkaUser', 'kafka-order-audit', 'kafka').spec.template.secret.metadata.annotations)).toEqual(['openfaas']);
    expect(reflectedTo(s.get('Kafka', 'events', 'kafka').spec.kafka.template.clusterCaCert.metadata.annotations)).toContain('openfaas');
    expect(s.get('Secret', 'kafka-order-audit-connection', 'openfaas').stringData).toEqual({
      user: 'kafka-order-audit',
      'security.protocol': 'SSL',
      'bootstrap.servers': 'events-kafka-bootstrap.kafka.svc:9094',
    });

    // the target Secret exists empty; only the job writes its data
    const target = s.get('Secret', 'kafka-order-audit-broker', 'openfaas');
    expect(target.data).toBeUndefined();
    expect(target.stringData).toBeUndefined();

    const cron = s.get('CronJob', 'kafka-order-audit-broker-copy', 'openfaas');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const work = pod.volumes.find((v: any) => v.name === 'work').projected.sources;
    expect(work).toEqual([
      { configMap: { name: 'kafka-order-audit-broker-copy', items: [{ key: 'kustomization.yaml', path: 'kustomization.yaml' }] } },
      { secret: { name: 'events-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'broker-ca' }] } },
      { secret: { name: 'kafka-order-audit', items: [{ key: 'user.crt', path: 'broker-cert' }] } },
      { secret: { name: 'kafka-order-audit', items: [{ key: 'user.key', path: 'broker-key' }] } },
    ]);
    expect(pod.containers[0].args).toEqual(['apply', '--server-side', '--field-manager=hybrid-serverless-kafka-credentials', '--force-conflicts', '-k', '/work']);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'work', mountPath: '/work', readOnly: true });

    // the kustomization generates exactly the target Secret from the three files
    const [k] = parseAllDocuments(s.get('ConfigMap', 'kafka-order-audit-broker-copy', 'openfaas').data['kustomization.yaml']).map((d) => d.toJS());
    expect(k).toMatchObject({ kind: 'Kustomization', namespace: 'openfaas', generatorOptions: { disableNameSuffixHash: true } });
    expect(k.secretGenerator).toEqual([{ name: 'kafka-order-audit-broker', type: 'Opaque', files: ['broker-ca', 'broker-cert', 'broker-key'] }]);

    // least privilege: get/patch on that one Secret, nothing else
    expect(s.get('Role', 'kafka-order-audit-broker-copy', 'openfaas').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['kafka-order-audit-broker'], verbs: ['get', 'patch'] },
    ]);
    expect(s.get('RoleBinding', 'kafka-order-audit-broker-copy', 'openfaas').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kafka-order-audit-broker-copy', namespace: 'openfaas' }]);
    expect(pod.serviceAccountName).toBe('kafka-order-audit-broker-copy');

    // restricted pod security
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('no credential is written anywhere in the output', () => {
    const text = JSON.stringify(s.objects);
    expect(text).not.toMatch(/BEGIN (CERTIFICATE|PRIVATE KEY|RSA PRIVATE KEY)/);
    for (const sec of s.find('Secret').filter((x) => x.metadata.namespace === 'openfaas')) {
      expect(sec.data).toBeUndefined();
      expect(Object.keys(sec.stringData ?? {}).every((key) => ['user', 'security.protocol', 'sasl.mechanism', 'bootstrap.servers'].includes(key))).toBe(true);
    }
  });

  test('every object validates', () => {
    expect(validateAll(s.objects)).toEqual([]);
  });
});

test('two topics consumed by the same function share one credentials copy', () => {
  const spec = specWithOpenFaaSConsumer();
  spec.functions.find((f: any) => f.name === 'order-audit').triggers.push({ type: 'kafka', topic: 'payments', consumerGroup: 'order-audit' });
  const s = synthEnv('dev', spec);
  expect(
    s
      .find('HelmRelease')
      .filter((r) => r.spec.chart.spec.chart === 'kafka-connector')
      .map((r) => [r.metadata.name, r.spec.values.topics, r.spec.values.caSecret]),
  ).toEqual([
    ['kafka-connector-orders', 'orders', 'kafka-order-audit-broker'],
    ['kafka-connector-payments', 'payments', 'kafka-order-audit-broker'],
  ]);
  expect(s.find('CronJob').map((c) => c.metadata.name)).toEqual(['kafka-order-audit-broker-copy']);
  expect(aclsOf(s.get('KafkaUser', 'kafka-order-audit'))).toEqual(['allow topic:orders(literal) Read', 'allow topic:payments(literal) Read', 'allow group:order-audit(literal) Read']);
});

test('an OpenFaaS function that consumes and produces keeps one certificate user for both', () => {
  const spec = specWithOpenFaaSConsumer();
  spec.kafka.topics.find((t: any) => t.name === 'payments').producers.push('order-audit');
  const s = synthEnv('dev', spec);
  const user = s.get('KafkaUser', 'kafka-order-audit');
  expect(user.spec.authentication).toEqual({ type: 'tls' });
  expect(aclsOf(user)).toEqual(['allow topic:orders(literal) Read', 'allow topic:payments(literal) Write', 'allow group:order-audit(literal) Read']);
  expect(reflectedTo(user.spec.template.secret.metadata.annotations)).toEqual(['openfaas', 'openfaas-fn']);
  expect(s.get('Secret', 'kafka-order-audit-connection', 'openfaas-fn').stringData['security.protocol']).toBe('SSL');
});

describe('bad input', () => {
  test('a SASL connector is refused with the reason', () => {
    const { chart } = testChart();
    const of = new OpenFaaSInstall(chart, 'of', { edition: 'pro', gateway: { replicas: 1, resources: {} }, queueWorker: { replicas: 1, resources: {} } });
    const err = specErrorOf(
      () =>
        new KafkaConnector(chart, 'k', {
          openfaas: of,
          topic: 'orders',
          brokerHosts: 'b:9093',
          group: 'g',
          auth: { mechanism: 'scram-sha-512', caSecret: 'a', usernameSecret: 'u', passwordSecret: 'p' } as any,
        }),
    );
    expect(err.message).toContain(
      'KafkaConnector(orders).auth.mechanism: must be "tls": chart kafka-connector 0.7.15 cannot choose a SASL mechanism and the connector offers SASL/PLAIN, which Strimzi does not accept (got "scram-sha-512")',
    );
  });

  test('credentials copy: names, keys and schedule are checked', () => {
    const { chart, synth } = testChart();
    const ok = { namespace: 'openfaas', name: 'x-broker', ca: { name: 'ca', key: 'ca.crt' }, certificate: { name: 'u', key: 'user.crt' }, key: { name: 'u', key: 'user.key' } };
    expect(specErrorOf(() => new KafkaConnectorCredentials(chart, 'a', { ...ok, name: 'X_Broker' })).message).toContain(
      'KafkaConnectorCredentials(X_Broker).name: must be a DNS label of at most 47 characters (got "X_Broker")',
    );
    expect(specErrorOf(() => new KafkaConnectorCredentials(chart, 'b', { ...ok, key: { name: 'u', key: 'user key' } })).message).toContain(
      'KafkaConnectorCredentials(x-broker).key.key: must be a Secret key (letters, digits, "-", "_", ".") (got "user key")',
    );
    expect(specErrorOf(() => new KafkaConnectorCredentials(chart, 'c', { ...ok, schedule: 'hourly' })).message).toContain(
      'KafkaConnectorCredentials(x-broker).schedule: must be a five-field cron expression (got "hourly")',
    );
    expect(synth()).toEqual([]); // nothing written by the rejected constructs
  });

  test('an OpenFaaS kafka trigger without a kafka section is a SpecError naming the trigger', () => {
    const spec = specWithOpenFaaSConsumer();
    delete spec.kafka;
    spec.functions = spec.functions.filter((f: any) => f.target === 'openfaas' || !(f.triggers ?? []).some((t: any) => t.type === 'kafka'));
    const err = specErrorOf(() => synthEnv('dev', spec));
    expect(err.message).toMatch(/functions\[\d+\]\.triggers.*orders/);
  });
});

describeWithUpstream('kafka-connector values against the chart', () => {
  test('every key the module sets exists in values.yaml 0.7.15, including the secret-name keys', () => {
    const v = synthEnv('prod', specWithOpenFaaSConsumer()).get('HelmRelease', 'kafka-connector-orders').spec.values;
    const chart = chartValues('kafka-connector');
    expect(unknownValuePaths(v, chart, ['resources'])).toEqual([]);
    for (const k of ['caSecret', 'certSecret', 'keySecret', 'saslAuth', 'tls']) expect(chart).toHaveProperty(k);
  });
});
