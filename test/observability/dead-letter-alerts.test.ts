import { stringify } from 'yaml';
import { deadLetterTopicName } from '../../lib/k8s/knative/dead-letter-names';
import { KAFKA_DATA_PLANE_APPS } from '../../lib/k8s/observability/eventing-rules';
import { referenceCopy, synthEnv } from '../support/synth';
import { describeWithTool, run } from './tools';

/**
 * Alerts for lost events follow what the environment has: where the knative module keeps dead
 * letters in Kafka (staging and prod of the reference stack), their topics and the consumer
 * groups of Kafka broker Triggers and KafkaChannels are watched; in memory (dev, edge) only the
 * deliveries and the data plane's health are.
 */
type Group = { name: string; rules: any[] };
const groupsOf = (find: ReturnType<typeof synthEnv>['find']): Group[] => find('PrometheusRule', undefined, 'monitoring').flatMap((r) => r.spec.groups as Group[]);
const alerts = (groups: Group[]) => groups.flatMap((g) => g.rules).filter((r) => r.alert);

describe('alerts for lost events, by what the environment has', () => {
  test.each(['dev', 'edge'] as const)('%s keeps events in memory: no dead-letter topic alert and no Kafka eventing lag alert', (env) => {
    const { find, platform } = synthEnv(env);
    const all = alerts(groupsOf(find));
    expect(all.filter((a) => a.alert === 'DeadLettersArriving')).toEqual([]);
    expect(all.filter((a) => a.alert === 'KafkaConsumerLagHigh' && /knative-trigger-|kafka\\\\./.test(a.expr))).toEqual([]);
    // the delivery alerts and the data plane's health do not depend on the store
    expect(all.some((a) => a.alert === 'FunctionDeadLetters')).toBe(true);
    expect(all.filter((a) => a.alert === 'EventingDataPlaneDown')).toHaveLength(1);
    expect(platform.spec.kafka).toBeDefined();
  });

  test.each(['staging', 'prod'] as const)("%s keeps dead letters in Kafka: each tenant's topic, its Triggers' and flows' consumer groups are watched", (env) => {
    const { find, platform } = synthEnv(env);
    const groups = groupsOf(find);
    const dead = alerts(groups).filter((a) => a.alert === 'DeadLettersArriving');
    expect(dead.map((a) => [a.labels, a.expr])).toEqual(
      ['iot', 'shop'].map((t) => [{ severity: 'critical', tenant: t }, `sum by (topic) (delta(kafka_topic_partition_current_offset{topic="${deadLetterTopicName(t)}"}[5m])) > 0`]),
    );
    // the topics alerted on are the ones the KafkaSinks write to
    expect(
      find('KafkaSink')
        .map((k) => k.spec.topic)
        .sort(),
    ).toEqual(['iot-dead-letters', 'shop-dead-letters']);
    // in the platform's rule, beside the data plane's health
    const platformGroups = (find('PrometheusRule', 'acme-platform', 'monitoring')[0].spec.groups as Group[]).map((g) => g.name);
    expect(platformGroups).toEqual(expect.arrayContaining(['hybrid-serverless.eventing', 'hybrid-serverless.dead-letters', 'hybrid-serverless.kafka']));

    // shop's event triggers: validate-order (trigger 1) and ship (trigger 0); its sequence order-pipeline
    const lag = alerts(groups).filter((a) => a.alert === 'KafkaConsumerLagHigh');
    const exprs = lag.map((a) => a.expr);
    expect(exprs).toEqual(
      expect.arrayContaining([
        'sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup="knative-trigger-shop-validate-order-event-1"}) > 1000',
        'sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup="knative-trigger-shop-ship-event-0"}) > 1000',
        'sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup=~"kafka\\\\.shop\\\\.order-pipeline-kn-(sequence|parallel)(-[0-9]+)?\\\\..+"}) > 1000',
      ]),
    );
    expect(lag.find((a) => a.expr.includes('knative-trigger-shop-ship-event-0')).labels).toEqual({ severity: 'warning', tenant: 'shop', function: 'ship' });
    expect(lag.find((a) => a.expr.includes('order-pipeline')).labels).toEqual({ severity: 'warning', tenant: 'shop', flow: 'order-pipeline' });
    // a function's Trigger lag sits in its tenant's rule, with its other alerts
    const shopRule = find('PrometheusRule', 'acme-functions-shop-1', 'monitoring')[0];
    expect(JSON.stringify(shopRule.spec.groups)).toContain('knative-trigger-shop-ship-event-0');
    // iot has KafkaSources only: no broker triggers or channels to watch
    expect(exprs.some((e) => e.includes('knative-trigger-iot') || e.includes('kafka\\\\.iot'))).toBe(false);
    expect(platform.spec.functions.some((f) => f.tenant === 'iot')).toBe(true);
  });

  test('without a Kafka cluster nothing Kafka is watched', () => {
    const spec = referenceCopy();
    delete spec.kafka;
    spec.functions = spec.functions.map((f: any) => ({ ...f, triggers: f.triggers?.filter((t: any) => t.type !== 'kafka') })).filter((f: any) => f.triggers?.length);
    spec.knative.sequences = [];
    spec.knative.eventing = { backend: 'in-memory', inMemoryReason: 'this test has no Kafka to keep events in' };
    const { find } = synthEnv('prod', spec);
    const all = alerts(groupsOf(find));
    expect(all.filter((a) => a.alert === 'DeadLettersArriving' || a.alert === 'KafkaConsumerLagHigh')).toEqual([]);
    expect(find('PodMonitor', 'knative-kafka-data-plane')).toEqual([]);
  });

  test('the Kafka data plane is scraped on its metrics port where Eventing and Kafka run', () => {
    const { get } = synthEnv('staging');
    const pm = get('PodMonitor', 'knative-kafka-data-plane', 'monitoring');
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['knative-eventing'] });
    expect(pm.spec.selector).toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: [...KAFKA_DATA_PLANE_APPS] }] });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http-metrics', path: '/metrics' });
  });
});

describeWithTool('promtool', 'promtool on the wired rules', () => {
  test('the rule files with a durable store pass `promtool check rules`', () => {
    const { find } = synthEnv('prod');
    for (const r of find('PrometheusRule', undefined, 'monitoring')) {
      const res = run('promtool', ['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify({ groups: r.spec.groups }) });
      expect({ rule: r.metadata.name, out: res.out }).toMatchObject({ out: expect.stringMatching(/SUCCESS: \d+ rules found/) });
    }
  });
});
