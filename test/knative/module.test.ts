import { parseSpec } from '../../lib/spec/parse';
import { PROFILES } from '../../lib/spec/profiles';
import { EVENTING_WORKLOADS } from '../../lib/k8s/knative/eventing-install';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { referenceCopy, synthEnv } from '../support/synth';
import { chartValues, describeWithUpstream, unknownValuePaths } from '../support/upstream';
import { validateAll } from '../support/validate';
import { parseErrorMessage } from '../support/errors';

/** The reference stack without parts other issues own that are still in flux. */
function spec(): any {
  const s = referenceCopy();
  delete s.observability;
  return s;
}

const KNATIVE_KINDS = /^(serving|eventing|sources|flows|messaging|operator)\.knative\.dev\//;

describe('knative module on the reference stack', () => {
  const dev = synthEnv('dev', spec());

  test('operator chart in platform, KnativeServing/KnativeEventing in config, functions and events in apps', () => {
    const layerOf = (kind: string, name: string) => Object.entries(dev.byLayer).find(([, objs]) => objs.some((o) => o.kind === kind && o.metadata.name === name))?.[0];
    expect(layerOf('HelmRelease', 'knative-operator')).toBe('platform');
    expect(layerOf('KnativeServing', 'knative-serving')).toBe('config');
    expect(layerOf('KnativeEventing', 'knative-eventing')).toBe('config');
    for (const [kind, name] of [
      ['Service', 'validate-order'],
      ['Broker', 'default'],
      ['Sequence', 'order-pipeline'],
      ['PingSource', 'heartbeat'],
      ['KafkaSource', 'payment-kafka-0'],
    ])
      expect(layerOf(kind, name)).toBe('apps');
    const rel = dev.get('HelmRelease', 'knative-operator', 'knative-operator');
    expect(rel.spec.chart.spec).toMatchObject({ chart: 'knative-operator', version: 'v1.23.0', sourceRef: { name: 'knative-operator' } });
    expect(dev.get('HelmRepository', 'knative-operator', 'knative-operator').spec.url).toBe('https://knative.github.io/operator');
  });

  test('functions: tenant namespace, function service account, cold-start presets, resources from the profile', () => {
    const pay = dev.get('Service', 'payment', 'shop');
    const ann = pay.spec.template.metadata.annotations;
    // prewarmed with 2 instances: min 2 and initial 2
    expect(ann).toMatchObject({
      'autoscaling.knative.dev/min-scale': '2',
      'autoscaling.knative.dev/initial-scale': '2',
      'autoscaling.knative.dev/max-scale': '10',
      'autoscaling.knative.dev/target': '20',
    });
    expect(dev.get('Service', 'validate-order', 'shop').spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('1'); // warm
    expect(dev.get('Service', 'ship', 'shop').spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('0'); // scale-to-zero
    expect(pay.spec.template.spec.serviceAccountName).toBe('functions');
    expect(pay.spec.template.spec.timeoutSeconds).toBe(60);
    expect(pay.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    const env = pay.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'PAYMENT_API_KEY', valueFrom: { secretKeyRef: { name: 'payment-api', key: 'api-key' } } });
    // payment produces to `payments`: its Kafka client settings come from the kafka module (test/foundation/kafka-producers.test.ts)
    expect(env.map((e: any) => e.name).sort()).toEqual([
      'KAFKA_BOOTSTRAP_SERVERS',
      'KAFKA_CA_CERT',
      'KAFKA_PASSWORD',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SECURITY_PROTOCOL',
      'KAFKA_USERNAME',
      'PAYMENT_API_KEY',
    ]);
  });

  test('every knative function gets an endpoint: the Kourier local gateway with its cluster-local host', () => {
    const ep = dev.platform.endpoints.get('validate-order')!;
    expect(ep).toMatchObject({ target: 'knative', service: { namespace: 'knative-serving', name: 'kourier-internal', port: 80 }, hostHeader: 'validate-order.shop.svc.cluster.local' });
    expect(
      [...dev.platform.endpoints.values()]
        .filter((e) => e.target === 'knative')
        .map((e) => e.function.name)
        .sort(),
    ).toEqual(['payment', 'ship', 'temperature-alert', 'validate-order']);
  });

  test('async paths: retries and the tenant dead-letter sink everywhere', () => {
    const async = dev.objects.filter((o) => ['Trigger', 'KafkaSource', 'Broker'].includes(o.kind));
    expect(async.length).toBeGreaterThanOrEqual(6);
    for (const o of async) {
      expect(o.spec.delivery).toMatchObject({
        retry: 3,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT1S',
        deadLetterSink: { ref: { kind: 'Service', name: 'dead-letter-sink', namespace: o.metadata.namespace } },
      });
    }
    for (const step of dev.get('Sequence', 'order-pipeline', 'shop').spec.steps) expect(step.delivery.deadLetterSink.ref.name).toBe('dead-letter-sink');
    for (const t of ['shop', 'iot']) {
      const dls = dev.get('Service', 'dead-letter-sink', t);
      expect(dls.metadata.labels?.['networking.knative.dev/visibility']).toBe('cluster-local');
    }
  });

  test('event, kafka and flow triggers map to Trigger, KafkaSource and Sequence', () => {
    expect(dev.get('Trigger', 'validate-order-event-1', 'shop').spec).toMatchObject({
      broker: 'default',
      filter: { attributes: { type: 'com.acme.order.created', source: 'shop/orders' } },
      subscriber: { ref: { name: 'validate-order' } },
    });
    const ks = dev.get('KafkaSource', 'temperature-alert-kafka-0', 'iot');
    expect(ks.spec).toMatchObject({ topics: ['telemetry'], consumerGroup: 'temperature-alert', initialOffset: 'earliest', sink: { ref: { name: 'temperature-alert', namespace: 'iot' } } });
    expect(ks.spec.bootstrapServers).toEqual([dev.platform.kafka!.bootstrapServers]);
    expect(ks.spec.net.tls.enable).toBe(true);
    const seq = dev.get('Sequence', 'order-pipeline', 'shop');
    expect(seq.spec.steps.map((s: any) => s.ref.name)).toEqual(['validate-order', 'payment', 'ship']);
    expect(seq.spec.reply).toEqual({ ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default', namespace: 'shop' } });
    expect(dev.get('Trigger', 'order-pipeline-in', 'shop').spec).toMatchObject({
      filter: { attributes: { type: 'com.acme.order.placed' } },
      subscriber: { ref: { kind: 'Sequence', name: 'order-pipeline' } },
    });
    expect(dev.get('PingSource', 'heartbeat', 'shop').spec).toMatchObject({ schedule: '*/1 * * * *', contentType: 'application/json', sink: { ref: { kind: 'Broker', name: 'default' } } });
    // the Kafka source controller is installed because kafka triggers exist
    expect(dev.get('KnativeEventing', 'knative-eventing').spec.source.kafka).toEqual({ enabled: true });
  });

  test('a schedule trigger is a PingSource into the broker plus a Trigger with retries', () => {
    const s = spec();
    s.functions.find((f: any) => f.name === 'ship').triggers.push({ type: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Berlin', data: '{"run":"nightly"}' });
    const env = synthEnv('dev', s);
    const ping = env.get('PingSource', 'ship-schedule-1', 'shop');
    expect(ping.spec).toMatchObject({
      schedule: '0 3 * * *',
      timezone: 'Europe/Berlin',
      data: '{"run":"nightly"}',
      contentType: 'application/json',
      sink: { ref: { kind: 'Broker', name: 'default' } },
    });
    expect(env.get('Trigger', 'ship-schedule-1', 'shop').spec).toMatchObject({
      filter: { attributes: { type: 'dev.knative.sources.ping', source: '/apis/v1/namespaces/shop/pingsources/ship-schedule-1' } },
      subscriber: { ref: { name: 'ship' } },
      delivery: { retry: 3 },
    });
  });

  test('profiles size the control plane; edge stays small', () => {
    const edge = synthEnv('edge', spec());
    const ks = edge.get('KnativeServing', 'knative-serving');
    const e = PROFILES.edge.components;
    expect(ks.spec['high-availability']).toBeUndefined();
    expect(ks.spec.workloads.find((w: any) => w.name === 'activator')).toEqual({ name: 'activator', replicas: 1, resources: [{ container: 'activator', ...e.knativeServing.resources }] });
    expect(ks.spec.workloads.find((w: any) => w.name === '3scale-kourier-gateway').resources[0].requests).toEqual(e.kourier.resources.requests);
    const eventingWorkloads = edge.get('KnativeEventing', 'knative-eventing').spec.workloads.filter((w: any) => EVENTING_WORKLOADS.some((x) => x.name === w.name));
    expect(eventingWorkloads).toHaveLength(EVENTING_WORKLOADS.length);
    expect(eventingWorkloads.every((w: any) => w.replicas === 1 && w.resources[0].requests.cpu === e.knativeEventing.resources.requests.cpu)).toBe(true);
    const prod = synthEnv('prod', spec()).get('KnativeServing', 'knative-serving');
    expect(prod.spec['high-availability']).toEqual({ replicas: PROFILES.prod.components.knativeServing.replicas });
    expect(prod.spec.config.domain).toEqual({ 'acme.example': '' });
    expect(prod.spec.ingress).toEqual({ kourier: { enabled: true, 'service-type': 'ClusterIP' } });
  });

  test('istio is selectable', () => {
    const s = spec();
    s.knative.ingress = 'istio';
    const env = synthEnv('dev', s);
    const ks = env.get('KnativeServing', 'knative-serving');
    expect(ks.spec.ingress).toEqual({ istio: { enabled: true } });
    expect(ks.spec.config.network['ingress-class']).toBe('istio.ingress.networking.knative.dev');
    expect(env.platform.endpoints.get('payment')!.service).toEqual({ namespace: 'istio-system', name: 'knative-local-gateway', port: 80 });
  });

  test('a kafka trigger without the platform Kafka is a SpecError (parse rules first, the module as a backstop)', () => {
    const s = spec();
    delete s.kafka;
    expect(parseErrorMessage(s)).toContain("functions[1].triggers[0]: a kafka trigger needs the platform's Kafka");
    // a spec that skipped the rules still cannot produce a KafkaSource without a Kafka
    const parsed = parseSpec(spec());
    delete (parsed as any).kafka;
    expect(() => new HybridPlatform(parsed, 'dev')).toThrow(/functions\[1\]\.triggers\[0\]: a kafka trigger needs the platform's Kafka/);
  });

  test('no knative functions, no knative install', () => {
    const s = spec();
    s.functions = s.functions.filter((f: any) => f.target !== 'knative');
    s.routes = s.routes.filter((r: any) => r.function !== 'validate-order');
    delete s.knative;
    for (const t of s.kafka.topics) delete t.producers;
    const env = synthEnv('dev', s);
    expect(env.objects.filter((o) => KNATIVE_KINDS.test(o.apiVersion))).toEqual([]);
  });
});

describe('spec rules: rejected as Knative would, with paths into the spec', () => {
  const fnIndex = (s: any, name: string) => s.functions.findIndex((f: any) => f.name === name);

  test.each([
    ['knative.autoscaling.window', { autoscaling: { window: '2s' } }, 'knative.autoscaling.window: must be between 6s and 1h (got "2s")'],
    ['knative.autoscaling.panicThresholdPercentage', { autoscaling: { panicThresholdPercentage: 50 } }, 'knative.autoscaling.panicThresholdPercentage: must be between 110 and 1000 (got 50)'],
    [
      'knative.autoscaling.targetBurstCapacity',
      { autoscaling: { targetBurstCapacity: -5 } },
      'knative.autoscaling.targetBurstCapacity: must be ≥ 0, or -1 for "always keep the activator in the path" (got -5)',
    ],
    [
      'knative.traffic',
      {
        traffic: [
          { revisionName: 'payment-v1', percent: 60 },
          { latestRevision: true, percent: 30 },
        ],
      },
      'knative.traffic: percents sum to 90; they must sum to 100 (got [60,30])',
    ],
    ['knative.traffic[0].revisionName', { traffic: [{ revisionName: 'ship-v1', percent: 100 }] }, 'knative.traffic[0].revisionName: must start with "payment-"'],
  ])('%s', (_label, knative, message) => {
    const s = spec();
    const i = fnIndex(s, 'payment');
    s.functions[i].knative = knative;
    expect(parseErrorMessage(s)).toContain(`functions[${i}].${message}`);
  });

  test('HPA class on a function that scales on concurrency', () => {
    const s = spec();
    const i = fnIndex(s, 'validate-order');
    s.functions[i].knative = { autoscaling: { class: 'hpa' } };
    expect(parseErrorMessage(s)).toContain(
      `functions[${i}].scaling.metric: the HPA autoscaler scales on cpu or memory here (no custom-metrics adapter); "concurrency" needs class "kpa" (got "concurrency")`,
    );
  });

  test('cpu metric with KPA class, timeouts above max-revision-timeout-seconds, reserved name', () => {
    const s = spec();
    const i = fnIndex(s, 'ship');
    s.functions[i].scaling = { max: 5, metric: 'cpu' };
    s.functions[i].knative = { autoscaling: { class: 'kpa' } };
    s.functions[i].timeoutSeconds = 900;
    const msg = parseErrorMessage(s);
    expect(msg).toContain(`functions[${i}].scaling.metric: the KPA autoscaler scales on concurrency or rps; "cpu" needs class "hpa" (got "cpu")`);
    expect(msg).toContain(`functions[${i}].timeoutSeconds: Knative rejects revision timeouts above max-revision-timeout-seconds (600) (got 900)`);
    const r = spec();
    r.functions[i].name = 'dead-letter-sink';
    expect(parseErrorMessage(r)).toContain(`functions[${i}].name: is reserved for the tenant's dead-letter sink; choose another name (got "dead-letter-sink")`);
  });

  test('flows: steps must be knative functions of the same tenant; pings checked', () => {
    const s = spec();
    s.knative.sequences[0].steps = ['validate-order', 'promo-discount', 'temperature-alert', 'nope'];
    s.knative.sequences[0].reply = { sequence: 'missing' };
    s.knative.pings[0].timezone = 'Moon/Base';
    s.knative.pings[0].data = 'not json';
    s.knative.parallels = [{ name: 'fanout', tenant: 'nobody', branches: [{ subscriber: 'ship' }] }];
    const msg = parseErrorMessage(s);
    expect(msg).toContain('knative.sequences[0].steps[1]: is a "openfaas" function; Knative flows can only call knative functions (got "promo-discount")');
    expect(msg).toContain('knative.sequences[0].steps[2]: belongs to tenant "iot", not "shop": Knative does not link across namespaces (got "temperature-alert")');
    expect(msg).toContain('knative.sequences[0].steps[3]: no such function; knative functions of tenant "shop": validate-order, payment, ship (got "nope")');
    expect(msg).toContain('knative.sequences[0].reply.sequence: no sequence "missing" in tenant "shop" (got "missing")');
    expect(msg).toContain('knative.pings[0].timezone: is not an IANA time zone such as "UTC" or "Europe/Berlin" (got "Moon/Base")');
    expect(msg).toContain('knative.pings[0].data: is not valid JSON, but contentType is "application/json"');
    expect(msg).toContain('knative.parallels[0].tenant: no such tenant');
    expect(msg).toContain('knative.parallels[0].branches[0].subscriber: belongs to tenant "shop", not "nobody"');
  });

  test('ping cron is checked with the cron parser by the schema', () => {
    const s = spec();
    s.knative.pings[0].cron = '*/1 * * *';
    expect(parseErrorMessage(s)).toContain('knative.pings[0].cron: must be a 5-field cron expression "min hour day month weekday" (has 4 fields)');
  });
});

describeWithUpstream('knative objects against the pinned schemas, chart values against values.yaml', () => {
  test.each(['dev', 'staging', 'prod', 'edge'] as const)('%s: every knative object validates', (env) => {
    const e = synthEnv(env, spec());
    const mine = e.objects.filter((o) => KNATIVE_KINDS.test(o.apiVersion) || (o.metadata.namespace ?? '').startsWith('knative-'));
    expect(mine.length).toBeGreaterThan(15);
    expect(validateAll(mine)).toEqual([]);
  });

  test('operator chart values are paths of the chart values.yaml', () => {
    const values = dev().get('HelmRelease', 'knative-operator', 'knative-operator').spec.values;
    expect(unknownValuePaths(values, chartValues('knative-operator'))).toEqual([]);
    expect(values.knative_operator.knative_operator.tag).toBe('v1.23.0');
  });
  const dev = () => synthEnv('dev', spec());
});

describe('metrics for the platform Prometheus', () => {
  test('KnativeServing and KnativeEventing export Prometheus metrics (off by default since 1.19)', () => {
    const { get } = synthEnv('prod');
    expect(get('KnativeServing', 'knative-serving').spec.config.observability).toEqual({ 'metrics-protocol': 'prometheus', 'request-metrics-protocol': 'prometheus' });
    expect(get('KnativeEventing', 'knative-eventing').spec.config.observability).toEqual({ 'metrics-protocol': 'prometheus' });
  });
});
