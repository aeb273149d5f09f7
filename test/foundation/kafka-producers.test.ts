import { parseSpec } from '../../lib/spec/parse';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { specErrorOf } from '../support/errors';
import { referenceCopy, synthEnv } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';

describe('Kafka producers get their client settings, credentials by reference', () => {
  const dev = synthEnv('dev');

  test('a Knative producer (payment → payments): plain settings as values, password and CA from the mirrored Secrets in its namespace', () => {
    const env = dev.get('Service', 'payment', 'shop').spec.template.spec.containers[0].env;
    const byName = Object.fromEntries(env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(byName).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: 'events-kafka-bootstrap.kafka.svc:9093',
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_USERNAME: 'kafka-payment',
      KAFKA_PASSWORD: { secretKeyRef: { name: 'kafka-payment', key: 'password' } },
      KAFKA_CA_CERT: { secretKeyRef: { name: 'events-cluster-ca-cert', key: 'ca.crt' } },
    });
    // the Secrets it reads are mirrored into exactly its namespace, and its user may write only payments
    const user = dev.get('KafkaUser', 'kafka-payment', 'kafka');
    expect(user.spec.template.secret.metadata.annotations['reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces']).toBe('shop');
    expect(user.spec.authorization.acls.filter((a: any) => a.operations.includes('Write')).map((a: any) => a.resource.name)).toEqual(['payments']);
  });

  test('an OpenFaaS producer (promo-discount → payments): Secrets mounted as files, the variables point at them', () => {
    const s = referenceCopy();
    s.kafka.topics.find((t: any) => t.name === 'payments').producers.push('promo-discount');
    const f = synthEnv('prod', s).get('Function', 'promo-discount', 'openfaas-fn');
    expect(f.spec.secrets).toEqual(['events-cluster-ca-cert', 'kafka-promo-discount']);
    expect(f.spec.environment).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: 'events-kafka-bootstrap.kafka.svc:9093',
      KAFKA_USERNAME: 'kafka-promo-discount',
      KAFKA_PASSWORD_FILE: '/var/openfaas/secrets/password',
      KAFKA_CA_CERT_FILE: '/var/openfaas/secrets/ca.crt',
    });
    expect(JSON.stringify(f)).not.toMatch(/BEGIN CERTIFICATE|"password":"[^/]/);

    // OpenFaaS CE (dev): the Deployment mounts the same keys where faas-netes would, read-only.
    const pod = synthEnv('dev', s).get('Deployment', 'promo-discount', 'openfaas-fn').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'promo-discount-projected-secrets').projected.sources).toEqual([
      { secret: { name: 'events-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { secret: { name: 'kafka-promo-discount', items: [{ key: 'password', path: 'password' }] } },
    ]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'promo-discount-projected-secrets', mountPath: '/var/openfaas/secrets', readOnly: true });
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'KAFKA_PASSWORD_FILE', value: '/var/openfaas/secrets/password' }]));
    expect(JSON.stringify(pod)).not.toMatch(/BEGIN CERTIFICATE|"password":"[^/]/);
  });

  test('functions that do not produce get nothing', () => {
    const env = dev.get('Service', 'ship', 'shop').spec.template.spec.containers[0].env ?? [];
    expect(env.filter((e: any) => e.name.startsWith('KAFKA_'))).toEqual([]);
  });

  test('a producer that sets a KAFKA_ variable itself is told, not silently overridden', () => {
    const s = referenceCopy();
    s.functions.find((f: any) => f.name === 'payment').env = { KAFKA_USERNAME: 'me' };
    const e = specErrorOf(() => new HybridPlatform(parseSpec(s), 'dev'));
    expect(e.message).toContain('functions[1].env.KAFKA_USERNAME: is set by the platform for Kafka producers (topics payments); remove it from the function\'s env/secrets (got "KAFKA_USERNAME")');
  });
});

describeWithUpstream('producer wiring validates', () => {
  test('dev objects', () => {
    expect(validateAll(synthEnv('dev').objects)).toEqual([]);
  });
});
