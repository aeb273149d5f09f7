import type { KafkaBinding, KafkaClientAuth } from '../../lib/platform/bindings';
import type { ModuleContext } from '../../lib/platform/modules/context';
import type { PlatformSpecInput } from '../../lib/spec/platform';
import type { Manifest } from '../support/synth';

/**
 * A small spec with every kind of Kafka client: Knative consumers, a Knative consumer that
 * also produces, a Knative producer, an OpenFaaS consumer and an OpenFaaS producer.
 */
type KafkaInput = NonNullable<PlatformSpecInput['kafka']>;
export type KafkaTestSpec = PlatformSpecInput & {
  kafka: KafkaInput & { topics: NonNullable<KafkaInput['topics']> };
  functions: NonNullable<PlatformSpecInput['functions']>;
};

export function kafkaSpec(): KafkaTestSpec {
  return {
    name: 'acme',
    aws: { region: 'eu-west-1', accountId: '123456789012' },
    environments: {
      dev: { domain: 'dev.acme.example' },
      staging: { domain: 'staging.acme.example' },
      prod: { domain: 'acme.example' },
      edge: { domain: 'edge.acme.example' },
    },
    tenants: [{ name: 'shop' }, { name: 'iot' }],
    // payment-audit consumes through the kafka-connector, which is OpenFaaS Pro
    openfaas: { edition: 'pro' },
    functions: [
      { name: 'validate-order', tenant: 'shop', target: 'knative', image: 'ghcr.io/acme/validate-order:1.4.2', triggers: [{ type: 'http' }] },
      { name: 'payment', tenant: 'shop', target: 'knative', image: 'ghcr.io/acme/payment:2.0.1', triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'payment' }] },
      { name: 'temperature-alert', tenant: 'iot', target: 'knative', image: 'ghcr.io/acme/temperature-alert:0.3.0', triggers: [{ type: 'kafka', topic: 'telemetry' }] },
      { name: 'payment-audit', tenant: 'shop', target: 'openfaas', image: 'ghcr.io/acme/payment-audit:1.0.0', triggers: [{ type: 'kafka', topic: 'payments', consumerGroup: 'audit' }] },
      { name: 'promo-discount', tenant: 'shop', target: 'openfaas', image: 'ghcr.io/acme/promo-discount:0.9.0', triggers: [{ type: 'http' }] },
    ],
    kafka: {
      clusterName: 'events',
      topics: [
        { name: 'orders', partitions: 6, retentionHours: 168, producers: ['validate-order'] },
        { name: 'payments', partitions: 6, retentionHours: 336, producers: ['payment', 'promo-discount'] },
        { name: 'telemetry', partitions: 12, retentionHours: 24, cleanupPolicy: 'delete' },
      ],
    },
  };
}

/** The Kafka objects of a synthesized environment (what the kafka module writes). */
export function kafkaObjects(objects: readonly Manifest[]): Manifest[] {
  return objects.filter(
    (o) =>
      o.apiVersion.startsWith('kafka.strimzi.io/') ||
      (o.kind === 'Secret' && o.metadata.labels?.['app.kubernetes.io/component'] === 'kafka-client') ||
      (o.metadata.namespace === 'kafka' && /^Helm(Release|Repository)$/.test(o.kind)) ||
      (o.kind === 'Namespace' && o.metadata.name === 'kafka'),
  );
}

/** Calls recorded by the test backend. */
export const clientCalls: { fn: string; auth: KafkaClientAuth }[] = [];

/**
 * A stand-in backend that asks the Kafka binding for each kafka trigger, as the knative and
 * openfaas modules do, so the binding's answers can be asserted in isolation.
 */
export function testBackend(ctx: ModuleContext, deps: { readonly kafka?: KafkaBinding }): { endpoints: []; secretReferences: ReadonlyMap<string, readonly string[]> } {
  clientCalls.length = 0;
  for (const fn of ctx.spec.functions) {
    for (const t of fn.triggers ?? []) {
      if (t.type !== 'kafka' || !deps.kafka) continue;
      clientCalls.push({ fn: fn.name, auth: deps.kafka.client(fn, { read: [t.topic], group: t.consumerGroup ?? fn.name }) });
    }
  }
  return { endpoints: [], secretReferences: new Map() };
}

/**
 * The platform's modules for `jest.mock` of lib/platform/modules with only what is under test:
 * the real kafka module, and the stand-in backend in place of knative; every other module
 * builds nothing.
 */
export function onlyKafkaModules(): Record<string, unknown> {
  const actual = jest.requireActual('../../lib/platform/modules');
  return {
    ...actual,
    planTenancy: () => ({ tenants: [], namespaces: [] }),
    buildTenants: () => new Map(),
    buildKnative: testBackend,
    buildOpenFaaS: () => undefined,
    buildLambda: () => ({ endpoints: [] }),
    buildKong: () => undefined,
    buildObservability: () => undefined,
    buildPlatformOperators: () => undefined,
  };
}
