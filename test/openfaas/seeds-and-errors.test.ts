import { OpenFaaSFunction } from '../../lib/k8s/openfaas/openfaas-function';
import { OpenFaaSInstall } from '../../lib/k8s/openfaas/openfaas-install';
import { KafkaConnector } from '../../lib/k8s/openfaas/kafka-connector';
import { synthEnv } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { baseSpec, testChart } from './support';
import { specErrorOf, parseErrorOf } from '../support/errors';

const SIZE = { replicas: 1, resources: { requests: { cpu: '50m', memory: '64Mi' } } };

/** Seed 002's hello-python.yml (faas-cli stack file), as written in the article. */
const SEED_002_HELLO_PYTHON = {
  image: 'your-docker-username/hello-python:latest',
  environment: { write_timeout: '10s', read_timeout: '10s', exec_timeout: '10s' },
  limits: { memory: '128Mi', cpu: '100m' },
  requests: { memory: '64Mi', cpu: '50m' },
  labels: { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '10', 'com.openfaas.scale.target': '5', 'com.openfaas.scale.type': 'rps' },
  secrets: ['db-password'],
};

const SEED_002_PINNED_IMAGE = SEED_002_HELLO_PYTHON.image.replace(/:latest$/, ':1.0.0');

describe('seed stack files rebuilt', () => {
  test('seed 002 hello-python.yml from the spec: same image, limits, requests, scale labels, secret', () => {
    const { find, get } = synthEnv(
      'dev',
      baseSpec([
        {
          name: 'hello-python',
          tenant: 'shop',
          target: 'openfaas',
          // The seed's ":latest" is refused by the spec (it moves): the same image at a version tag.
          image: SEED_002_PINNED_IMAGE,
          timeoutSeconds: 10,
          resources: { limits: { memory: '128Mi', cpu: '100m' }, requests: { memory: '64Mi', cpu: '50m' } },
          scaling: { min: 1, max: 10, target: 5, metric: 'rps' },
          secrets: [{ env: 'DB_PASSWORD', secret: 'db-password', key: 'db-password' }],
          triggers: [{ type: 'http' }],
        },
      ]),
    );
    const spec = get('Function', 'hello-python', 'openfaas-fn').spec;
    expect(spec.image).toBe(SEED_002_PINNED_IMAGE);
    expect(spec.limits).toEqual(SEED_002_HELLO_PYTHON.limits);
    expect(spec.requests).toEqual(SEED_002_HELLO_PYTHON.requests);
    expect(spec.labels).toMatchObject(SEED_002_HELLO_PYTHON.labels);
    expect(spec.secrets).toEqual(SEED_002_HELLO_PYTHON.secrets);
    // Differences, on purpose: the watchdog's HTTP server outlives the handler by 5 s (the seed
    // sets all three to 10s, so a 10 s handler's response could be cut), and the secret's file
    // path is handed to the code, since OpenFaaS mounts secrets as files.
    expect(spec.environment).toEqual({ exec_timeout: '10s', read_timeout: '15s', write_timeout: '15s', DB_PASSWORD_FILE: '/var/openfaas/secrets/db-password' });
    // the seed's `--set generateBasicAuth=true` install, typed
    expect(get('HelmRelease', 'openfaas').spec.values).toMatchObject({ functionNamespace: 'openfaas-fn', generateBasicAuth: true });
    expect(
      find('HelmRelease')
        .filter((r) => r.metadata.namespace === 'openfaas')
        .map((r) => r.metadata.name),
    ).toEqual(['openfaas']);
  });

  test('seed 002 cron examples (backup-job daily 02:00, report-generator Mondays 09:00) as Functions the cron-connector reads', () => {
    const { chart, synth } = testChart();
    new OpenFaaSFunction(chart, 'backup', { name: 'backup-job', image: 'ghcr.io/acme/backup-job:1.0.0' }).addSchedule('0 2 * * *');
    new OpenFaaSFunction(chart, 'report', { name: 'report-generator', image: 'ghcr.io/acme/report-generator:1.0.0' }).addSchedule('0 9 * * 1');
    const objs = synth();
    expect(objs.map((o) => [o.spec.name, o.spec.annotations])).toEqual([
      ['backup-job', { topic: 'cron-function', schedule: '0 2 * * *' }],
      ['report-generator', { topic: 'cron-function', schedule: '0 9 * * 1' }],
    ]);
  });

  test('seed 002 KafkaConnector (topics orders, payments; group openfaas-group) as one kafka-connector per topic', () => {
    const { chart, synth } = testChart();
    const of = new OpenFaaSInstall(chart, 'of', { edition: 'pro', gateway: SIZE, queueWorker: SIZE });
    for (const topic of ['orders', 'payments']) {
      new KafkaConnector(chart, topic, {
        openfaas: of,
        topic,
        brokerHosts: 'events-kafka-bootstrap.kafka:9093',
        group: 'openfaas-group',
        partitions: 6,
        replicas: 3,
        auth: { mechanism: 'tls', caSecret: 'events-cluster-ca-cert', certSecret: 'openfaas-kafka', keySecret: 'openfaas-kafka' },
      });
    }
    new OpenFaaSFunction(chart, 'fn', { name: 'order-handler', image: 'ghcr.io/acme/order-handler:1.0.0' }).addKafkaTopic('orders').addKafkaTopic('payments');
    const objs = synth();
    const connectors = objs.filter((o) => o.kind === 'HelmRelease' && o.spec.chart.spec.chart === 'kafka-connector');
    expect(connectors.map((c) => [c.metadata.name, c.spec.values.topics, c.spec.values.group, c.spec.values.replicas])).toEqual([
      ['kafka-connector-orders', 'orders', 'openfaas-group', 3],
      ['kafka-connector-payments', 'payments', 'openfaas-group', 3],
    ]);
    expect(connectors[0].spec.values).toMatchObject({ tls: true, saslAuth: false, caSecret: 'events-cluster-ca-cert', certSecret: 'openfaas-kafka', asyncInvocation: true, initialOffset: 'oldest' });
    // the licence, and the broker Secrets under the key names the chart reads
    expect(connectors[0].metadata.annotations['hybrid-serverless.io/requires-secrets']).toBe(
      'openfaas/openfaas-license (key license), openfaas/events-cluster-ca-cert (key broker-ca), openfaas/openfaas-kafka (key broker-cert), openfaas/openfaas-kafka (key broker-key)',
    );
    expect(objs.find((o) => o.kind === 'Function').spec.annotations.topic).toBe('orders,payments');
  });

  test('seed 003 mvnw.yml (faas-cli deploy into openfaas-fn; "one pod per function, up to 20 under load")', () => {
    const { chart, synth } = testChart();
    new OpenFaaSFunction(chart, 'mvnw', { name: 'mvnw', image: 'hishamhasan/mvnw:latest' });
    const [fn] = synth();
    expect(fn).toMatchObject({ apiVersion: 'openfaas.com/v1', kind: 'Function', metadata: { name: 'mvnw', namespace: 'openfaas-fn' } });
    expect(fn.spec).toMatchObject({ name: 'mvnw', image: 'hishamhasan/mvnw:latest', readOnlyRootFilesystem: true });
    expect(fn.spec.labels).toMatchObject({ 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '20' });
  });

  describeWithUpstream('validation', () => {
    test('constructed connectors, functions and installs validate', () => {
      const { chart, synth } = testChart();
      const of = new OpenFaaSInstall(chart, 'of', {
        edition: 'pro',
        gateway: { ...SIZE, replicas: 2 },
        queueWorker: { ...SIZE, replicas: 2 },
        podDisruptionBudgets: true,
        basicAuth: { existingSecret: 'basic-auth' },
      });
      new KafkaConnector(chart, 'k', { openfaas: of, topic: 'orders', brokerHosts: 'b:9093', group: 'g', auth: { mechanism: 'tls', caSecret: 'ca', certSecret: 'c', keySecret: 'c' } });
      new OpenFaaSFunction(chart, 'f', { name: 'f', image: 'ghcr.io/a/f:1', retries: { attempts: 5, minWait: '2s', maxWait: '1m' } }).addKafkaTopic('orders');
      const objs = synth();
      expect(validateAll(objs)).toEqual([]);
      const release = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'openfaas');
      expect(release.spec.values.generateBasicAuth).toBe(false);
      expect(release.metadata.annotations['hybrid-serverless.io/requires-secrets']).toBe('openfaas/openfaas-license (key license), openfaas/basic-auth (keys basic-auth-user, basic-auth-password)');
    });
  });
});

const fn = (over: Record<string, unknown> = {}) => ({ name: 'report', tenant: 'shop', target: 'openfaas', image: 'ghcr.io/acme/report:1.0.0', ...over });

describe('bad inputs are SpecErrors naming field, value and what is valid', () => {
  test('scale min > max', () => {
    expect(parseErrorOf(baseSpec([fn({ scaling: { min: 12, max: 4 } })])).message).toContain('functions[0].scaling.min: must be ≤ scaling.max (4) (got 12)');
    const { chart } = testChart();
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'x', { name: 'x', image: 'a/b:1', scaling: { min: 5, max: 2 } })).message).toContain(
      'OpenFaaSFunction(x).scaling.min: must be ≤ scaling.max (2) (got 5)',
    );
  });

  test('a function timeout above the explicit gateway timeout', () => {
    const e = parseErrorOf(baseSpec([fn({ timeoutSeconds: 600 })], { openfaas: { gateway: { upstreamTimeout: '1m' } } }));
    expect(e.message).toContain(
      'functions[0].timeoutSeconds: is more than openfaas.gateway.upstreamTimeout "1m" allows: that setting would cut requests to function "report" (timeout 600s, watchdog write_timeout 10m5s); use at least "10m5s" or leave it unset to derive it (got 600)',
    );
    const { chart } = testChart();
    expect(
      specErrorOf(
        () =>
          new OpenFaaSInstall(chart, 'of', {
            edition: 'pro',
            gateway: SIZE,
            queueWorker: SIZE,
            functions: [{ name: 'slow', timeoutSeconds: 120, async: false }],
            timeouts: { gatewayUpstream: '90s' },
          }),
      ).message,
    ).toContain('OpenFaaSInstall.timeouts.gatewayUpstream: would cut requests to function "slow" (timeout 120s, watchdog write_timeout 2m5s)');
  });

  test('gateway read/write not above upstream, ack_wait below an async function', () => {
    const e = parseErrorOf(
      baseSpec([fn({ timeoutSeconds: 300, triggers: [{ type: 'schedule', cron: '0 6 * * 1' }] })], { openfaas: { gateway: { readTimeout: '1m' }, queueWorker: { ackWait: '2m' } } }),
    );
    expect(e.message).toContain('openfaas.gateway.readTimeout: must be longer than the gateway upstream timeout (5m5s)');
    expect(e.message).toContain('functions[0].timeoutSeconds: is more than openfaas.queueWorker.ackWait "2m" allows: that setting is shorter than async function "report" may run');
  });

  test('invalid cron', () => {
    const e = parseErrorOf(baseSpec([fn({ triggers: [{ type: 'schedule', cron: '0 25 * * *' }] }), fn({ name: 'other', triggers: [{ type: 'schedule', cron: '* * *' }] })]));
    expect(e.message).toMatch(/functions\[0\]\.triggers\[0\]\.cron: is not a valid cron expression: .*23/);
    expect(e.message).toContain('functions[1].triggers[0].cron: must be a 5-field cron expression "min hour day month weekday" (has 3 fields)');
    const { chart } = testChart();
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'x', { name: 'x', image: 'a/b:1' }).addSchedule('61 * * * *')).message).toMatch(
      /OpenFaaSFunction\(x\)\.schedule: is not a valid cron expression/,
    );
  });

  test('what the connectors and the autoscaler cannot express', () => {
    const e = parseErrorOf(
      baseSpec([
        fn({ scaling: { metric: 'memory', target: 2.5 } }),
        fn({
          name: 'two',
          triggers: [
            { type: 'schedule', cron: '0 1 * * *' },
            { type: 'schedule', cron: '0 2 * * *', timezone: 'Europe/Paris', data: '{}' },
          ],
        }),
        fn({
          name: 'both',
          triggers: [
            { type: 'schedule', cron: '0 1 * * *' },
            { type: 'kafka', topic: 'orders' },
          ],
        }),
        fn({ name: 'envs', env: { exec_timeout: '5s' }, openfaas: { annotations: { topic: 'x' } } }),
      ]),
    );
    expect(e.message).toContain('functions[0].scaling.metric: OpenFaaS scales on concurrency, rps, cpu (com.openfaas.scale.type capacity/rps/cpu) (got "memory")');
    expect(e.message).toContain('functions[0].scaling.target: OpenFaaS takes a whole number for com.openfaas.scale.target (got 2.5)');
    expect(e.message).toContain('functions[1].triggers[1]: an OpenFaaS function takes one schedule');
    expect(e.message).toContain('functions[1].triggers[1].timezone: the OpenFaaS cron-connector evaluates schedules in UTC');
    expect(e.message).toContain('functions[1].triggers[1].data: the OpenFaaS cron-connector invokes with an empty body');
    expect(e.message).toContain('functions[2].triggers[1]: an OpenFaaS function cannot have both schedule and kafka triggers');
    expect(e.message).toContain("functions[2].triggers[1].topic: needs the platform's Kafka");
    expect(e.message).toContain('functions[3].env.exec_timeout: is set from timeoutSeconds');
    expect(e.message).toContain('functions[3].openfaas.annotations.topic: is managed by the toolkit');
  });

  test('construct-level checks as OpenFaaS and Kubernetes make them', () => {
    const { chart } = testChart();
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'a', { name: 'Hello_Py', image: 'a/b:1' })).message).toContain('OpenFaaSFunction(Hello_Py).name: must be a DNS-1123 label');
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'b', { name: 'b', image: 'a/b:1', labels: { team: 'x'.repeat(64) } })).message).toContain(
      'OpenFaaSFunction(b).labels.team: label values must be ≤ 63 characters',
    );
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'c', { name: 'c', image: 'a/b:1', scaling: { min: 0 } })).message).toContain('use scaling.zero to scale to zero');
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'd', { name: 'd', image: 'a/b:1' }).addSchedule('0 1 * * *').addKafkaTopic('orders')).message).toContain(
      'both connectors read the "topic" annotation',
    );
    expect(specErrorOf(() => new OpenFaaSInstall(chart, 'of', { edition: 'pro', gateway: SIZE, queueWorker: SIZE, basicAuth: { existingSecret: 'my-creds' } })).message).toContain(
      'OpenFaaSInstall.basicAuth.existingSecret: the chart reads the gateway credentials from Secret "basic-auth"',
    );
    const of = new OpenFaaSInstall(chart, 'of2', { edition: 'pro', gateway: SIZE, queueWorker: SIZE });
    expect(
      specErrorOf(
        () =>
          new KafkaConnector(chart, 'k', {
            openfaas: of,
            topic: 'orders',
            brokerHosts: 'b:9093',
            group: 'g',
            partitions: 2,
            replicas: 3,
            auth: { mechanism: 'tls', caSecret: 'a', certSecret: 'b', keySecret: 'b' },
          }),
      ).message,
    ).toContain("KafkaConnector(orders).replicas: must not exceed the topic's 2 partitions");
  });

  test('nothing is built for a spec without OpenFaaS functions', () => {
    const { find } = synthEnv('dev', baseSpec([]));
    expect(find('HelmRelease', 'openfaas')).toEqual([]);
    expect(find('Namespace', 'openfaas-fn')).toEqual([]);
  });
});
