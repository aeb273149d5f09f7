import { JsonPatch } from 'cdk8s';
import { Broker, DeadLetterSink, KafkaSource, KnativeService, Parallel, PingSource, Sequence, Trigger } from '../../lib/k8s/knative';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { chart, objects, one } from './helpers';
import { specErrorMessage } from '../support/errors';

const svc = (c = chart(), props: Partial<ConstructorParameters<typeof KnativeService>[2]> = {}) =>
  new KnativeService(c, props.name ?? 'fn', { name: 'fn', namespace: 'shop', image: 'ghcr.io/acme/fn:1.0.0', ...props });

describe('KnativeService: rejected where the Knative webhook rejects', () => {
  test.each([
    [{ minScale: 5, maxScale: 2 }, 'KnativeService(shop/fn).autoscaling.minScale: must be ≤ maxScale (2): Knative rejects min-scale above max-scale (got 5)'],
    [{ window: '5s' }, 'autoscaling.window: must be between 6s and 1h (got "5s")'],
    [{ window: '2h' }, 'autoscaling.window: must be between 6s and 1h (got "2h")'],
    [{ window: '6500ms' }, 'autoscaling.window: must be given with at most second precision (got "6500ms")'],
    [{ window: 'soon' }, 'autoscaling.window: must be a duration such as "60s", "2m" or "1h" (got "soon")'],
    [{ class: 'kpa', metric: 'cpu' }, 'autoscaling.metric: the KPA autoscaler scales on concurrency or rps; "cpu" needs class "hpa" (got "cpu")'],
    [{ class: 'hpa', metric: 'rps', minScale: 1 }, 'autoscaling.metric: the HPA autoscaler scales on cpu or memory here (no custom-metrics adapter); "rps" needs class "kpa" (got "rps")'],
    [{ metric: 'cpu', minScale: 0 }, 'autoscaling.minScale: the HPA autoscaler cannot scale to zero: use minScale ≥ 1 or class "kpa" (got 0)'],
    [{ metric: 'memory', minScale: 1, window: '60s' }, 'autoscaling.window: only applies to the KPA autoscaler; remove it or use class "kpa" (got "60s")'],
    [{ target: 0 }, 'autoscaling.target: must be at least 0.01 (got 0)'],
    [{ targetUtilizationPercentage: 120 }, 'autoscaling.targetUtilizationPercentage: must be between 1 and 100 (got 120)'],
    [{ panicThresholdPercentage: 100 }, 'autoscaling.panicThresholdPercentage: must be between 110 and 1000 (got 100)'],
    [{ panicWindowPercentage: 0 }, 'autoscaling.panicWindowPercentage: must be between 1 and 100 (got 0)'],
    [{ targetBurstCapacity: -2 }, 'autoscaling.targetBurstCapacity: must be ≥ 0, or -1 for "always keep the activator in the path" (got -2)'],
    [{ scaleDownDelay: '2h' }, 'autoscaling.scaleDownDelay: must be between 0s and 1h (got "2h")'],
    [{ initialScale: 20, maxScale: 10 }, 'autoscaling.initialScale: must be ≤ maxScale (10) (got 20)'],
    [{ minScale: -1 }, 'autoscaling.minScale: must be a whole number ≥ 0 (got -1)'],
    [{ activationScale: 0 }, 'autoscaling.activationScale: must be a whole number ≥ 1 (got 0)'],
  ] as const)('autoscaling %j', (autoscaling, message) => {
    expect(specErrorMessage(() => svc(chart(), { autoscaling: autoscaling as never }))).toContain(message);
  });

  test('every autoscaling problem is reported at once', () => {
    const msg = specErrorMessage(() => svc(chart(), { autoscaling: { minScale: 5, maxScale: 2, window: '1s' } }));
    expect(msg).toContain('2 problems');
  });

  test('max-scale 0 means unlimited, so min-scale above it is fine', () => {
    const c = chart();
    svc(c, { autoscaling: { minScale: 3, maxScale: 0 } });
    expect(one(c, 'Service').spec.template.metadata.annotations).toEqual({ 'autoscaling.knative.dev/min-scale': '3', 'autoscaling.knative.dev/max-scale': '0' });
  });

  test('cpu metric renders the HPA class explicitly', () => {
    const c = chart();
    svc(c, { autoscaling: { metric: 'cpu', target: 70, minScale: 1, maxScale: 5 } });
    expect(one(c, 'Service').spec.template.metadata.annotations['autoscaling.knative.dev/class']).toBe('hpa.autoscaling.knative.dev');
  });

  test.each([
    [{ port: 8012 }, "KnativeService(shop/fn).port: is reserved by Knative's queue-proxy (8008, 8012, 8013, 8022, 9090, 9091); use another port such as 8080 (got 8012)"],
    [{ env: { K_SERVICE: 'x' } }, 'KnativeService(shop/fn).env.K_SERVICE: is set by Knative itself (PORT, K_SERVICE, K_CONFIGURATION, K_REVISION) (got "K_SERVICE")'],
    [{ timeoutSeconds: 900 }, 'KnativeService(shop/fn).timeoutSeconds: must be from 1 to 600 (max-revision-timeout-seconds) (got 900)'],
    [{ containerConcurrency: 1001 }, 'containerConcurrency: must be a whole number from 0 (unlimited) to 1000 (got 1001)'],
    [{ revisionName: 'other-v1' }, 'KnativeService(shop/fn).revisionName: must be "fn-<suffix>" (a DNS label): Knative names revisions after their service (got "other-v1")'],
    [{ name: 'Fn' }, 'KnativeService(shop/Fn).name: must be a DNS-1123 label of at most 63 characters (got "Fn")'],
  ] as const)('props %j', (props, message) => {
    expect(specErrorMessage(() => svc(chart(), props as never))).toContain(message);
  });

  test.each([
    [
      [
        { revisionName: 'fn-v1', percent: 50 },
        { revisionName: 'fn-v2', percent: 40 },
      ],
      'KnativeService(shop/fn).traffic: percents sum to 90; they must sum to 100 (got [50,40])',
    ],
    [
      [
        { revisionName: 'fn-v1', percent: 50, tag: 'a' },
        { revisionName: 'fn-v2', percent: 50, tag: 'a' },
      ],
      'traffic[1].tag: is already used by traffic[0]; tags must be unique (got "a")',
    ],
    [[{ revisionName: 'other-v1', percent: 100 }], 'traffic[0].revisionName: must start with "fn-": Knative names a service\'s revisions after it (got "other-v1")'],
    [[{ percent: 100 }], 'traffic[0].revisionName: is required unless latestRevision is true (got nothing)'],
    [[{ revisionName: 'fn-v1', latestRevision: true, percent: 100 }], 'traffic[0].latestRevision: must be false (or absent) when revisionName is set'],
    [[{ latestRevision: true, percent: 101 }], 'traffic[0].percent: must be a whole number from 0 to 100 (got 101)'],
  ] as const)('traffic %j', (traffic, message) => {
    expect(specErrorMessage(() => svc(chart(), { traffic: traffic as never }))).toContain(message);
  });

  test('canary(): splits from the revision getting 100%, keeps latest reachable by tag; needs a stable revision', () => {
    const c = chart();
    const s = svc(c, { traffic: [{ revisionName: 'fn-v1', percent: 100 }] }).canary('fn-v2', 20);
    expect(one(c, 'Service').spec.traffic).toEqual([
      { revisionName: 'fn-v1', percent: 80, tag: 'stable' },
      { revisionName: 'fn-v2', percent: 20, tag: 'canary' },
      { latestRevision: true, percent: 0, tag: 'latest' },
    ]);
    expect(s.traffic).toHaveLength(3);
    expect(specErrorMessage(() => svc(chart()).canary('fn-v2', 10))).toContain('KnativeService(shop/fn).canary: needs a stable revision');
    expect(specErrorMessage(() => svc(chart(), { traffic: [{ revisionName: 'fn-v1', percent: 100 }] }).canary('fn-v2', 120))).toContain(
      'canary.percent: must be a whole number from 0 to 100 (got 120)',
    );
  });

  test('without traffic, none is rendered (Knative routes 100% to the latest revision)', () => {
    const c = chart();
    svc(c);
    expect(one(c, 'Service').spec.traffic).toBeUndefined();
  });

  test('secure by default: restricted container, the tenant function account, secrets by reference, cluster-local label', () => {
    const c = chart();
    svc(c, { secretEnv: [{ name: 'KEY', secret: 'api', key: 'k' }], clusterLocal: true });
    const s = one(c, 'Service');
    const container = s.spec.template.spec.containers[0];
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(s.spec.template.spec.serviceAccountName).toBe('functions');
    expect(container.env).toEqual([{ name: 'KEY', valueFrom: { secretKeyRef: { name: 'api', key: 'k' } } }]);
    expect(s.metadata.labels).toEqual({ 'networking.knative.dev/visibility': 'cluster-local' });
  });
});

describe('eventing: references are checked, dead letters on by default', () => {
  test('KnativeService.lookup: a subscriber that does not exist is a SpecError', () => {
    const c = chart();
    svc(c, { name: 'exists' });
    expect(specErrorMessage(() => KnativeService.lookup(c, 'shop', 'missing', 'Trigger(shop/t).subscriber'))).toContain(
      'Trigger(shop/t).subscriber: no Knative Service "missing" in namespace "shop"; services there: exists (got "shop/missing")',
    );
    expect(KnativeService.lookup(c, 'shop', 'exists', 'x').name).toBe('exists');
    expect(specErrorMessage(() => Broker.lookup(c, 'shop', 'orders', 'Trigger(shop/t).broker'))).toContain('no Broker "orders" in namespace "shop"; brokers there: (none)');
  });

  test('a destination in another namespace is rejected', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'shop' });
    const other = svc(c, { namespace: 'iot' });
    const broker = new Broker(c, 'b', { namespace: 'shop' });
    expect(specErrorMessage(() => new Trigger(c, 't', { name: 't', broker, subscriber: other }))).toContain(
      'Trigger(shop/t).subscriber.ref: is in namespace "iot", but the referring object is in "shop": Knative does not link across namespaces (got "iot/fn")',
    );
  });

  test('without a dead-letter sink in the namespace, the construct says how to get one', () => {
    const c = chart();
    expect(specErrorMessage(() => new Broker(c, 'b', { namespace: 'shop' }))).toContain(
      'Broker(shop/default).delivery.deadLetterSink: is required: create a DeadLetterSink in namespace "shop", pass a destination, or set deadLetterSink: false to drop undeliverable events on purpose',
    );
    new Broker(c, 'b2', { name: 'lossy', namespace: 'shop', delivery: { deadLetterSink: false } });
    expect(one(c, 'Broker').spec.delivery).toEqual({ retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT1S' });
  });

  test('delivery settings are checked', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'shop' });
    expect(specErrorMessage(() => new Broker(c, 'b1', { namespace: 'shop', delivery: { backoffDelay: '1s' } }))).toContain(
      'delivery.backoffDelay: must be an ISO-8601 duration such as "PT1S" or "PT0.5S" (got "1s")',
    );
    expect(specErrorMessage(() => new Broker(c, 'b2', { namespace: 'shop', delivery: { retries: -1 } }))).toContain('delivery.retries: must be a whole number from 0 to 100 (got -1)');
    expect(specErrorMessage(() => new Broker(c, 'b3', { namespace: 'shop', delivery: { deadLetterSink: { uri: 'not a url' } } }))).toContain(
      'delivery.deadLetterSink.uri: must be an absolute http:// or https:// URL',
    );
  });

  test('Trigger filters use CloudEvents attribute names', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'shop' });
    const broker = new Broker(c, 'b', { namespace: 'shop' });
    expect(specErrorMessage(() => broker.addTrigger('t', { name: 't', filter: { eventType: 'x' }, subscriber: svc(c) }))).toContain(
      'Trigger(shop/t).filter.eventType: CloudEvent attribute names are 1–20 lowercase letters or digits',
    );
  });

  test('PingSource: cron checked with a cron parser, time zone and JSON data checked', () => {
    const c = chart();
    const sink = svc(c);
    expect(specErrorMessage(() => new PingSource(c, 'p0', { name: 'p', namespace: 'shop', schedule: '* * * *', sink }))).toContain('schedule: must be a 5-field cron expression');
    expect(specErrorMessage(() => new PingSource(c, 'p1', { name: 'p', namespace: 'shop', schedule: '61 * * * *', sink }))).toContain('PingSource(shop/p).schedule: is not a valid cron expression');
    expect(specErrorMessage(() => new PingSource(c, 'p2', { name: 'p', namespace: 'shop', schedule: '0 * * * *', timezone: 'Mars/Olympus', sink }))).toContain('timezone: is not an IANA time zone');
    expect(specErrorMessage(() => new PingSource(c, 'p3', { name: 'p', namespace: 'shop', schedule: '0 * * * *', contentType: 'application/json', data: '{oops', sink }))).toContain(
      'PingSource(shop/p).data: is not valid JSON, but contentType is "application/json"',
    );
  });

  test('KafkaSource: bootstrap servers, topics and consumer group are checked; credentials are secret references', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'shop' });
    const sink = svc(c);
    const base = { name: 'k', namespace: 'shop', consumerGroup: 'g', topics: ['orders'], bootstrapServers: ['kafka:9093'], sink };
    expect(specErrorMessage(() => new KafkaSource(c, 'k1', { ...base, bootstrapServers: ['kafka'] }))).toContain('KafkaSource(shop/k).bootstrapServers[0]: must be "host:port" (got "kafka")');
    expect(specErrorMessage(() => new KafkaSource(c, 'k2', { ...base, topics: [] }))).toContain('topics: must list at least one topic');
    expect(specErrorMessage(() => new KafkaSource(c, 'k3', { ...base, consumerGroup: 'a b' }))).toContain('consumerGroup: must be letters, digits, ".", "_" or "-"');
    new KafkaSource(c, 'ok', {
      ...base,
      net: {
        sasl: { user: { name: 'conn', key: 'user' }, password: { name: 'cred', key: 'password' }, type: { name: 'conn', key: 'sasl.mechanism' } },
        tls: { caCert: { name: 'ca', key: 'ca.crt' } },
      },
    });
    expect(one(c, 'KafkaSource').spec.net).toEqual({
      sasl: {
        enable: true,
        user: { secretKeyRef: { name: 'conn', key: 'user' } },
        password: { secretKeyRef: { name: 'cred', key: 'password' } },
        type: { secretKeyRef: { name: 'conn', key: 'sasl.mechanism' } },
      },
      tls: { enable: true, caCert: { secretKeyRef: { name: 'ca', key: 'ca.crt' } } },
    });
  });

  test('Sequence and Parallel need steps/branches and deliver with retries and dead letters per step', () => {
    const c = chart();
    new DeadLetterSink(c, 'dls', { namespace: 'shop' });
    const a = svc(c, { name: 'a' });
    const b = svc(c, { name: 'b' });
    expect(specErrorMessage(() => new Sequence(c, 's0', { name: 's', namespace: 'shop', steps: [] }))).toContain('Sequence(shop/s).steps: must have at least one step');
    expect(specErrorMessage(() => new Parallel(c, 'p0', { name: 'p', namespace: 'shop', branches: [] }))).toContain('Parallel(shop/p).branches: must have at least one branch');
    new Sequence(c, 's', { name: 's', namespace: 'shop', steps: [a, { destination: b, delivery: { retries: 10, backoffPolicy: 'linear' } }] });
    const steps = one(c, 'Sequence').spec.steps;
    expect(steps[0].delivery).toMatchObject({ retry: 3, backoffPolicy: 'exponential' });
    expect(steps[1].delivery).toMatchObject({ retry: 10, backoffPolicy: 'linear', deadLetterSink: { ref: { name: 'dead-letter-sink' } } });
    new Parallel(c, 'p', { name: 'p', namespace: 'shop', branches: [{ filter: a, subscriber: b }] });
    expect(one(c, 'Parallel').spec.branches[0]).toMatchObject({ filter: { ref: { name: 'a' } }, subscriber: { ref: { name: 'b' } }, delivery: { retry: 3 } });
  });
});

describeWithUpstream('schema validation catches what the constructs do not', () => {
  test('an object the constructs made valid passes; the same object with a wrongly typed field fails', () => {
    const c = chart();
    const s = svc(c);
    expect(validateAll(objects(c) as never)).toEqual([]);
    s.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containerConcurrency', 'lots'));
    expect(validateAll(objects(c) as never).join('\n')).toMatch(/containerConcurrency must be integer/);
  });
});
