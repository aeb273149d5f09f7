import { Broker, DeadLetterSink, KafkaSource, KnativeService, PingSource, Sequence, Trigger } from '../../lib/k8s/knative';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { chart, extraPaths, objects, one, seedDifferences } from './helpers';

/**
 * The Knative YAML of seed 002 (lines ~160–340; the seed lost its indentation, so each
 * example is transcribed here as the object it describes), plus the Knative snippets of
 * seeds 000 and 004, rebuilt with the constructs and compared field by field: every field
 * the seed sets is in the generated object with the same value. What the constructs add is
 * listed per example — the secure defaults (restricted security context, the tenant's
 * service account) and dead-lettering.
 */

const RESTRICTED = [
  '.securityContext.allowPrivilegeEscalation',
  '.securityContext.capabilities.drop[0]',
  '.securityContext.readOnlyRootFilesystem',
  '.securityContext.runAsNonRoot',
  '.securityContext.seccompProfile.type',
].map((p) => `.spec.template.spec.containers[0]${p}`);
const POD_DEFAULTS = ['.spec.template.spec.serviceAccountName', ...RESTRICTED];
const DELIVERY = [
  '.spec.delivery.backoffDelay',
  '.spec.delivery.backoffPolicy',
  '.spec.delivery.deadLetterSink.ref.apiVersion',
  '.spec.delivery.deadLetterSink.ref.kind',
  '.spec.delivery.deadLetterSink.ref.name',
  '.spec.delivery.deadLetterSink.ref.namespace',
  '.spec.delivery.retry',
];

describe('seed 002: Knative Serving examples', () => {
  test('hello_world_service: autoscaling annotations, env, resources', () => {
    const seed = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: 'default' },
      spec: {
        template: {
          metadata: { annotations: { 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/minScale': '0', 'autoscaling.knative.dev/maxScale': '10' } },
          spec: {
            containers: [
              {
                image: 'gcr.io/knative-samples/helloworld-go',
                ports: [{ containerPort: 8080 }],
                env: [{ name: 'TARGET', value: 'World' }],
                resources: { requests: { memory: '128Mi', cpu: '100m' }, limits: { memory: '256Mi', cpu: '200m' } },
              },
            ],
          },
        },
      },
    };
    const c = chart();
    new KnativeService(c, 'hello', {
      name: 'hello',
      namespace: 'default',
      image: 'gcr.io/knative-samples/helloworld-go',
      env: { TARGET: 'World' },
      resources: { requests: { memory: '128Mi', cpu: '100m' }, limits: { memory: '256Mi', cpu: '200m' } },
      autoscaling: { target: 10, minScale: 0, maxScale: 10 },
    });
    const ours = one(c, 'Service', 'hello');
    // the seed's camelCase minScale/maxScale are Knative's legacy aliases of min-scale/max-scale
    expect(ours.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/target': '10',
      'autoscaling.knative.dev/min-scale': '0',
      'autoscaling.knative.dev/max-scale': '10',
    });
    expect(seedDifferences(seed, ours)).toEqual([]);
    expect(extraPaths(seed, ours).sort()).toEqual(POD_DEFAULTS.sort());
  });

  test('traffic_splitting: 90/10 canary with a tagged latest revision, via service.canary()', () => {
    const seed = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'my-service' },
      spec: {
        traffic: [
          { revisionName: 'my-service-v1', percent: 90, tag: 'stable' },
          { revisionName: 'my-service-v2', percent: 10, tag: 'canary' },
          { latestRevision: true, percent: 0, tag: 'latest' },
        ],
      },
    };
    const c = chart();
    // The seed applies traffic alone (a partial update); a Service the API server accepts
    // also needs its template, so ours carries one.
    new KnativeService(c, 'svc', { name: 'my-service', namespace: 'default', image: 'ghcr.io/acme/my-service:2.0.0', revisionName: 'my-service-v2' }).canary('my-service-v2', 10, {
      stable: 'my-service-v1',
    });
    const ours = one(c, 'Service', 'my-service');
    expect(seedDifferences(seed, ours)).toEqual([]);
    expect(ours.spec.traffic).toEqual(seed.spec.traffic);
    expect(ours.spec.template.metadata.name).toBe('my-service-v2');
  });

  test('autoscaling_config: class, metric, target, window, scale-down delay, scales, burst capacity', () => {
    const seed = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'autoscale-app' },
      spec: {
        template: {
          metadata: {
            annotations: {
              'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
              'autoscaling.knative.dev/metric': 'concurrency',
              'autoscaling.knative.dev/target': '100',
              'autoscaling.knative.dev/window': '60s',
              'autoscaling.knative.dev/scale-down-delay': '30s',
              'autoscaling.knative.dev/initial-scale': '1',
              'autoscaling.knative.dev/min-scale': '1',
              'autoscaling.knative.dev/max-scale': '100',
              'autoscaling.knative.dev/target-burst-capacity': '200',
            },
          },
          spec: { containers: [{ image: 'myapp:v1.0', ports: [{ containerPort: 8080 }] }] },
        },
      },
    };
    const c = chart();
    new KnativeService(c, 'app', {
      name: 'autoscale-app',
      namespace: 'default',
      image: 'myapp:v1.0',
      autoscaling: { class: 'kpa', metric: 'concurrency', target: 100, window: '60s', scaleDownDelay: '30s', initialScale: 1, minScale: 1, maxScale: 100, targetBurstCapacity: 200 },
    });
    const ours = one(c, 'Service', 'autoscale-app');
    expect(seedDifferences(seed, ours)).toEqual([]);
    expect(ours.spec.template.metadata.annotations).toEqual(seed.spec.template.metadata.annotations);
    expect(extraPaths(seed, ours).sort()).toEqual(['.metadata.namespace', ...POD_DEFAULTS].sort());
  });
});

describe('seed 002: Knative Eventing examples', () => {
  test('simple_event_source: PingSource every minute into a service', () => {
    const seed = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'PingSource',
      metadata: { name: 'ping-source' },
      spec: {
        schedule: '*/1 * * * *',
        contentType: 'application/json',
        data: '{"message": "Hello from PingSource"}',
        sink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'event-consumer' } },
      },
    };
    const c = chart();
    const consumer = new KnativeService(c, 'consumer', { name: 'event-consumer', namespace: 'default', image: 'ghcr.io/acme/event-consumer:1.0.0' });
    new PingSource(c, 'ping', { name: 'ping-source', namespace: 'default', schedule: '*/1 * * * *', contentType: 'application/json', data: '{"message": "Hello from PingSource"}', sink: consumer });
    const ours = one(c, 'PingSource');
    expect(seedDifferences(seed, ours)).toEqual([]);
    // the only addition: the sink's namespace, spelled out
    expect(extraPaths(seed, ours)).toEqual(['.metadata.namespace', '.spec.sink.ref.namespace']);
  });

  test('broker_trigger: Broker and a Trigger filtering on type and source', () => {
    const seedBroker = { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'event-example' } };
    const seedTrigger = {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'order-trigger', namespace: 'event-example' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: 'com.example.order.created', source: 'order-service' } },
        subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'order-processor' } },
      },
    };
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'event-example' });
    const processor = new KnativeService(c, 'processor', { name: 'order-processor', namespace: 'event-example', image: 'ghcr.io/acme/order-processor:1.0.0' });
    const broker = new Broker(c, 'broker', { namespace: 'event-example' });
    broker.addTrigger('order', { name: 'order-trigger', filter: { type: 'com.example.order.created', source: 'order-service' }, subscriber: processor });
    const b = one(c, 'Broker');
    const t = one(c, 'Trigger');
    expect(seedDifferences(seedBroker, b)).toEqual([]);
    expect(seedDifferences(seedTrigger, t)).toEqual([]);
    // added: the broker class made explicit, and retries + dead letters on both
    expect(extraPaths(seedBroker, b).sort()).toEqual(['.metadata.annotations.eventing.knative.dev/broker.class', ...DELIVERY].sort());
    expect(extraPaths(seedTrigger, t).sort()).toEqual(['.spec.subscriber.ref.namespace', ...DELIVERY].sort());
    expect(t.spec.delivery.deadLetterSink.ref).toEqual({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'dead-letter-sink', namespace: 'event-example' });
  });

  test('kafka_source: two topics into a service', () => {
    const seed = {
      apiVersion: 'sources.knative.dev/v1beta1',
      kind: 'KafkaSource',
      metadata: { name: 'kafka-source' },
      spec: {
        consumerGroup: 'knative-group',
        bootstrapServers: ['kafka-broker:9092'],
        topics: ['orders', 'payments'],
        sink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'event-handler' } },
      },
    };
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'default' });
    const handler = new KnativeService(c, 'handler', { name: 'event-handler', namespace: 'default', image: 'ghcr.io/acme/event-handler:1.0.0' });
    new KafkaSource(c, 'kafka', { name: 'kafka-source', namespace: 'default', consumerGroup: 'knative-group', bootstrapServers: ['kafka-broker:9092'], topics: ['orders', 'payments'], sink: handler });
    const ours = one(c, 'KafkaSource');
    // v1 is served next to the v1beta1 storage version (SOURCES.md); the spec is the same
    expect(ours.apiVersion).toBe('sources.knative.dev/v1');
    expect(seedDifferences(seed.spec, ours.spec)).toEqual([]);
    expect(extraPaths(seed.spec, ours.spec).sort()).toEqual(['.sink.ref.namespace', ...DELIVERY.map((p) => p.replace('.spec', ''))].sort());
  });

  test('sequence_pattern: validate → payment → ship with a reply, over InMemoryChannel', () => {
    const ref = (name: string) => ({ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name } });
    const seed = {
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Sequence',
      metadata: { name: 'order-processing-sequence' },
      spec: {
        channelTemplate: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' },
        steps: [ref('validate-order'), ref('process-payment'), ref('ship-order')],
        reply: ref('order-completed'),
      },
    };
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'default' });
    const svc = (name: string) => new KnativeService(c, name, { name, namespace: 'default', image: `ghcr.io/acme/${name}:1.0.0` });
    const [v, p, s, done] = ['validate-order', 'process-payment', 'ship-order', 'order-completed'].map(svc);
    new Sequence(c, 'seq', { name: 'order-processing-sequence', namespace: 'default', steps: [v, p, s], reply: done });
    const ours = one(c, 'Sequence');
    expect(seedDifferences(seed, ours)).toEqual([]);
    const extras = extraPaths(seed, ours);
    // namespaces of the refs, and retries + dead letters on every step
    expect(extras.filter((e) => !/\.delivery\./.test(e)).sort()).toEqual([
      '.metadata.namespace',
      '.spec.reply.ref.namespace',
      '.spec.steps[0].ref.namespace',
      '.spec.steps[1].ref.namespace',
      '.spec.steps[2].ref.namespace',
    ]);
    for (const step of ours.spec.steps) expect(step.delivery).toMatchObject({ retry: 3, backoffPolicy: 'exponential', deadLetterSink: { ref: { name: 'dead-letter-sink' } } });
  });
});

describe('seeds 000 and 004: Knative snippets', () => {
  test('000 my-flask-service and 004 prewarmed-function (minScale 2) and liveness probe', () => {
    const c = chart();
    new KnativeService(c, 'flask', { name: 'my-flask-service', namespace: 'default', image: 'my-flask-image:latest' });
    new KnativeService(c, 'prewarmed', {
      name: 'prewarmed-function',
      namespace: 'default',
      image: 'my-function:latest',
      autoscaling: { minScale: 2 },
      livenessProbe: { path: '/healthz', initialDelaySeconds: 5, periodSeconds: 10 },
    });
    const flask = one(c, 'Service', 'my-flask-service');
    expect(seedDifferences({ spec: { template: { spec: { containers: [{ image: 'my-flask-image:latest', ports: [{ containerPort: 8080 }] }] } } } }, flask)).toEqual([]);
    const pre = one(c, 'Service', 'prewarmed-function');
    // 004 writes it as a Configuration; a Service carries the same template
    const seedTemplate = {
      metadata: { annotations: { 'autoscaling.knative.dev/minScale': '2' } },
      spec: { containers: [{ image: 'my-function:latest', livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 10 } }] },
    };
    expect(seedDifferences(seedTemplate, pre.spec.template)).toEqual([]);
  });

  test('004 broker with a config ConfigMap and the http-trigger', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'default' });
    const proc = new KnativeService(c, 'proc', { name: 'http-processor', namespace: 'default', image: 'ghcr.io/acme/http-processor:1.0.0' });
    const broker = new Broker(c, 'b', { namespace: 'default', config: { name: 'config-br-defaults', namespace: 'knative-eventing' } });
    broker.addTrigger('t', { name: 'http-trigger', filter: { type: 'dev.knative.samples.http' }, subscriber: proc });
    expect(seedDifferences({ metadata: { name: 'default' }, spec: { config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'config-br-defaults' } } }, one(c, 'Broker'))).toEqual([]);
    expect(
      seedDifferences(
        {
          metadata: { name: 'http-trigger' },
          spec: {
            broker: 'default',
            filter: { attributes: { type: 'dev.knative.samples.http' } },
            subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'http-processor' } },
          },
        },
        one(c, 'Trigger'),
      ),
    ).toEqual([]);
  });
});

describeWithUpstream('the rebuilt seed objects pass the pinned CRD and catalog schemas', () => {
  test('every object validates', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'default' });
    const s = (name: string) =>
      new KnativeService(c, name, {
        name,
        namespace: 'default',
        image: `ghcr.io/acme/${name}:1.0.0`,
        autoscaling: { minScale: 1, maxScale: 100, window: '60s', targetBurstCapacity: 200 },
        readinessProbe: { path: '/ready' },
      });
    const [a, b] = [s('a'), s('b')];
    b.setTraffic([{ latestRevision: true, percent: 100 }]);
    const broker = new Broker(c, 'broker', { namespace: 'default' });
    new Trigger(c, 't', { name: 't', broker, filter: { type: 'x' }, subscriber: a });
    new PingSource(c, 'p', { name: 'p', namespace: 'default', schedule: '*/1 * * * *', sink: broker });
    new KafkaSource(c, 'k', { name: 'k', namespace: 'default', consumerGroup: 'g', bootstrapServers: ['kafka:9092'], topics: ['t'], sink: a });
    new Sequence(c, 'seq', { name: 'seq', namespace: 'default', steps: [a, b], reply: broker });
    expect(
      objects(c)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['Broker', 'KafkaSource', 'PingSource', 'Sequence', 'Service', 'Service', 'Service', 'Trigger']);
    expect(validateAll(objects(c) as never)).toEqual([]);
  });
});
