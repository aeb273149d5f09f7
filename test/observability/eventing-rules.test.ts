import {
  deadLetterTopicGroup,
  deliveryAlertGroup,
  deliveryAlerts,
  EVENTING_DATA_PLANE,
  eventingDataPlaneGroup,
  flowConsumerGroupPattern,
  kafkaTriggerConsumerGroup,
  type MonitoredDelivery,
} from '../../lib/k8s/observability/eventing-rules';
import { kafkaLagGroup } from '../../lib/k8s/observability/platform-rules';
import { annotationsOf, describeWithTool, promtoolTest } from './tools';

const delivery = (over: Partial<MonitoredDelivery> = {}): MonitoredDelivery => ({
  function: 'ship',
  tenant: 'shop',
  namespace: 'shop',
  triggers: ['ship-event-0'],
  kafkaSources: [],
  ...over,
});

describe('eventing rules', () => {
  test('per-function delivery alerts select the function’s Triggers and KafkaSources by their names', () => {
    const both = deliveryAlerts(delivery({ triggers: ['ship-event-0', 'ship-schedule-2'], kafkaSources: ['ship-kafka-1'] }));
    expect(both.map((a) => [a.alert, a.labels])).toEqual([
      ['FunctionDeadLetters', { severity: 'critical', tenant: 'shop', function: 'ship' }],
      ['FunctionEventDeliveriesFailing', { severity: 'warning', tenant: 'shop', function: 'ship' }],
    ]);
    expect(both[0].expr).toContain('kn_trigger_namespace="shop",kn_trigger_name=~"ship-event-0|ship-schedule-2",http_response_status_code!~"2.."');
    expect(both[0].expr).toContain('kn_kafkasource_namespace="shop",kn_kafkasource_name=~"ship-kafka-1",http_response_status_code!~"2.."');
    expect(both[1].expr).toContain('messaging_destination_name=~"trigger:ship-event-0\\\\.shop|trigger:ship-schedule-2\\\\.shop"');
    // only KafkaSources: no channel-based broker in the path
    expect(deliveryAlerts(delivery({ triggers: [], kafkaSources: ['ship-kafka-0'] })).map((a) => a.alert)).toEqual(['FunctionDeadLetters']);
    expect(deliveryAlerts(delivery({ triggers: [], kafkaSources: [] }))).toEqual([]);
    // without a dead-letter sink the description says the events are dropped
    expect(deliveryAlerts(delivery({ deadLetter: false }))[0].annotations.description).toContain('dropped (delivery.deadLetter is false)');
    expect(deliveryAlertGroup('iot', [delivery()]).rules).toEqual([]);
  });

  test('Eventing’s consumer group names follow eventing-kafka-broker 1.23', () => {
    expect(kafkaTriggerConsumerGroup('shop', 'ship-event-0')).toBe('knative-trigger-shop-ship-event-0');
    const re = new RegExp(`^${flowConsumerGroupPattern('shop', 'order-pipeline')}$`);
    expect(re.test('kafka.shop.order-pipeline-kn-sequence-0.6f1c3d2e-0000-4000-8000-000000000000')).toBe(true);
    expect(re.test('kafka.shop.order-pipeline-kn-parallel.6f1c3d2e')).toBe(true);
    expect(re.test('kafka.shop.order-pipeline-kn-parallel-3.6f1c3d2e')).toBe(true);
    // another tenant's flow of the same name, and a longer flow name, are not this flow
    expect(re.test('kafka.iot.order-pipeline-kn-sequence-0.6f1c3d2e')).toBe(false);
    expect(re.test('kafka.shop.order-pipeline-2-kn-sequence-0.6f1c3d2e')).toBe(false);
  });
});

describeWithTool('promtool', 'eventing alerts under promtool', () => {
  test('DeadLettersArriving: fires while records arrive in the tenant’s topic, not on a flat one or another tenant’s', () => {
    const groups = [
      deadLetterTopicGroup([
        { tenant: 'shop', topic: 'shop-dead-letters' },
        { tenant: 'iot', topic: 'iot-dead-letters' },
      ]),
    ];
    const labels = { alertname: 'DeadLettersArriving', severity: 'critical', tenant: 'shop', topic: 'shop-dead-letters' };
    const offset = (topic: string, partition: string, values: string) => ({ series: `kafka_topic_partition_current_offset{topic="${topic}",partition="${partition}",namespace="kafka"}`, values });
    const res = promtoolTest(groups, [
      {
        name: 'one dead letter at minute 10',
        interval: '1m',
        input_series: [offset('shop-dead-letters', '0', '4x9 5x20'), offset('shop-dead-letters', '1', '7x30'), offset('iot-dead-letters', '0', '0x30'), offset('orders', '0', '0+100x30')],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'DeadLettersArriving', exp_alerts: [] },
          {
            eval_time: '12m',
            alertname: 'DeadLettersArriving',
            exp_alerts: [{ exp_labels: labels, exp_annotations: annotationsOf(groups, 'DeadLettersArriving', labels, (l) => l.tenant === 'shop') }],
          },
          // nothing new for more than 5 minutes: resolved
          { eval_time: '20m', alertname: 'DeadLettersArriving', exp_alerts: [] },
        ],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('FunctionDeadLetters: the Kafka dispatcher’s final non-2xx for the function’s Trigger or KafkaSource, a first failure included', () => {
    const groups = [deliveryAlertGroup('shop', [delivery({ kafkaSources: ['ship-kafka-1'] })])];
    const labels = { alertname: 'FunctionDeadLetters', severity: 'critical', tenant: 'shop', function: 'ship' };
    const expected = [{ exp_labels: labels, exp_annotations: annotationsOf(groups, 'FunctionDeadLetters', labels) }];
    const trigger = (name: string, code: string, values: string) => ({
      series: `kn_eventing_dispatch_latency_milliseconds_count{kn_trigger_namespace="shop",kn_trigger_name="${name}",messaging_consumer_group_name="${name}",http_response_status_code="${code}",cloudevents_type="com.acme.payment.completed",pod="kafka-broker-dispatcher-0"}`,
      values,
    });
    const source = (code: string, values: string) => ({
      series: `kn_eventing_dispatch_latency_milliseconds_count{kn_kafkasource_namespace="shop",kn_kafkasource_name="ship-kafka-1",http_response_status_code="${code}",pod="kafka-source-dispatcher-0"}`,
      values,
    });
    const res = promtoolTest(groups, [
      {
        name: 'the first 500 ever creates its series at 1',
        interval: '1m',
        // `_x9`: no sample for 9 minutes; the series starts at 1 at minute 9
        input_series: [trigger('ship-event-0', '202', '0+10x30'), trigger('ship-event-0', '500', '_x9 1x20')],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'FunctionDeadLetters', exp_alerts: [] },
          { eval_time: '11m', alertname: 'FunctionDeadLetters', exp_alerts: expected },
          { eval_time: '20m', alertname: 'FunctionDeadLetters', exp_alerts: [] },
        ],
      },
      {
        name: 'an existing failure series grows; successes only never fire',
        interval: '1m',
        input_series: [source('202', '0+10x30'), source('503', '2x14 3x15')],
        alert_rule_test: [
          { eval_time: '12m', alertname: 'FunctionDeadLetters', exp_alerts: [] },
          { eval_time: '16m', alertname: 'FunctionDeadLetters', exp_alerts: expected },
          { eval_time: '25m', alertname: 'FunctionDeadLetters', exp_alerts: [] },
        ],
      },
      {
        name: 'another function’s Trigger, another namespace',
        interval: '1m',
        input_series: [
          trigger('payment-event-0', '500', '_x9 1+1x20'),
          {
            series: 'kn_eventing_dispatch_latency_milliseconds_count{kn_trigger_namespace="iot",kn_trigger_name="ship-event-0",http_response_status_code="500",pod="kafka-broker-dispatcher-0"}',
            values: '_x9 1+1x20',
          },
        ],
        alert_rule_test: [{ eval_time: '15m', alertname: 'FunctionDeadLetters', exp_alerts: [] }],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('FunctionEventDeliveriesFailing: mt-broker-filter’s failed attempts to the function’s Trigger, connection errors (code 0) included', () => {
    const groups = [deliveryAlertGroup('shop', [delivery()])];
    const labels = { alertname: 'FunctionEventDeliveriesFailing', severity: 'warning', tenant: 'shop', function: 'ship' };
    const filter = (destination: string, code: string, values: string) => ({
      series: `kn_eventing_dispatch_duration_seconds_count{messaging_destination_name="${destination}",kn_broker_name="default",kn_broker_namespace="shop",http_response_status_code="${code}"}`,
      values,
    });
    const res = promtoolTest(groups, [
      {
        name: 'refused connections to ship',
        interval: '1m',
        input_series: [filter('trigger:ship-event-0.shop', '200', '0+5x30'), filter('trigger:ship-event-0.shop', '0', '_x5 1+2x20'), filter('trigger:validate-order-event-1.shop', '500', '0+5x30')],
        alert_rule_test: [
          { eval_time: '4m', alertname: 'FunctionEventDeliveriesFailing', exp_alerts: [] },
          { eval_time: '10m', alertname: 'FunctionEventDeliveriesFailing', exp_alerts: [{ exp_labels: labels, exp_annotations: annotationsOf(groups, 'FunctionEventDeliveriesFailing', labels) }] },
        ],
      },
      {
        name: 'only successes and another trigger’s failures',
        interval: '1m',
        input_series: [filter('trigger:ship-event-0.shop', '202', '0+5x30'), filter('trigger:ship-event-0.iot', '500', '0+5x30'), filter('trigger:ship-event-00.shop', '500', '0+5x30')],
        alert_rule_test: [{ eval_time: '15m', alertname: 'FunctionEventDeliveriesFailing', exp_alerts: [] }],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('EventingDataPlaneDown: a receiver or dispatcher that should run has no ready replica for 5 minutes', () => {
    const groups = [eventingDataPlaneGroup('knative-eventing')];
    const ksm = (metric: string, kind: 'deployment' | 'statefulset', name: string, values: string, namespace = 'knative-eventing') => ({
      series: `${metric}{namespace="${namespace}",${kind}="${name}",job="kube-state-metrics"}`,
      values,
    });
    const receiver = {
      alertname: 'EventingDataPlaneDown',
      severity: 'critical',
      component: 'kafka-broker-receiver',
      namespace: 'knative-eventing',
      deployment: 'kafka-broker-receiver',
      job: 'kube-state-metrics',
    };
    const dispatcher = {
      alertname: 'EventingDataPlaneDown',
      severity: 'critical',
      component: 'kafka-broker-dispatcher',
      namespace: 'knative-eventing',
      statefulset: 'kafka-broker-dispatcher',
      job: 'kube-state-metrics',
    };
    expect(EVENTING_DATA_PLANE.deployments).toContain('imc-dispatcher');
    const res = promtoolTest(groups, [
      {
        name: 'the Kafka receiver and dispatcher stop; a scaled-to-zero one and another namespace do not count',
        interval: '1m',
        input_series: [
          ksm('kube_deployment_status_replicas_available', 'deployment', 'kafka-broker-receiver', '2x5 0x25'),
          ksm('kube_deployment_spec_replicas', 'deployment', 'kafka-broker-receiver', '2x30'),
          ksm('kube_statefulset_status_replicas_ready', 'statefulset', 'kafka-broker-dispatcher', '1x10 0x20'),
          ksm('kube_statefulset_replicas', 'statefulset', 'kafka-broker-dispatcher', '1x30'),
          // the source dispatcher without KafkaSources: 0 of 0
          ksm('kube_statefulset_status_replicas_ready', 'statefulset', 'kafka-source-dispatcher', '0x30'),
          ksm('kube_statefulset_replicas', 'statefulset', 'kafka-source-dispatcher', '0x30'),
          ksm('kube_deployment_status_replicas_available', 'deployment', 'imc-dispatcher', '1x30'),
          ksm('kube_deployment_spec_replicas', 'deployment', 'imc-dispatcher', '1x30'),
          ksm('kube_deployment_status_replicas_available', 'deployment', 'kafka-broker-receiver', '0x30', 'elsewhere'),
          ksm('kube_deployment_spec_replicas', 'deployment', 'kafka-broker-receiver', '1x30', 'elsewhere'),
        ],
        alert_rule_test: [
          { eval_time: '9m', alertname: 'EventingDataPlaneDown', exp_alerts: [] },
          { eval_time: '12m', alertname: 'EventingDataPlaneDown', exp_alerts: [{ exp_labels: receiver, exp_annotations: annotationsOf(groups, 'EventingDataPlaneDown', receiver) }] },
          {
            eval_time: '20m',
            alertname: 'EventingDataPlaneDown',
            exp_alerts: [
              { exp_labels: receiver, exp_annotations: annotationsOf(groups, 'EventingDataPlaneDown', receiver) },
              { exp_labels: dispatcher, exp_annotations: annotationsOf(groups, 'EventingDataPlaneDown', dispatcher) },
            ],
          },
        ],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('KafkaConsumerLagHigh on Eventing’s groups: a Kafka Broker Trigger’s (any topic) and a flow’s channel subscriptions (by pattern)', () => {
    const groups = [
      kafkaLagGroup(
        [
          { group: kafkaTriggerConsumerGroup('shop', 'ship-event-0'), function: 'ship', tenant: 'shop', what: 'Trigger shop/ship-event-0' },
          { group: flowConsumerGroupPattern('shop', 'order-pipeline'), groupPattern: true, flow: 'order-pipeline', tenant: 'shop', what: 'The subscription {{ $labels.consumergroup }}' },
        ],
        1000,
      ),
    ];
    const trigger = {
      alertname: 'KafkaConsumerLagHigh',
      severity: 'warning',
      tenant: 'shop',
      function: 'ship',
      consumergroup: 'knative-trigger-shop-ship-event-0',
      topic: 'knative-broker-shop-default',
    };
    const flow = {
      alertname: 'KafkaConsumerLagHigh',
      severity: 'warning',
      tenant: 'shop',
      flow: 'order-pipeline',
      consumergroup: 'kafka.shop.order-pipeline-kn-sequence-1.2b7e',
      topic: 'knative-messaging-kafka.shop.order-pipeline-kn-sequence-1',
    };
    const lag = (group: string, topic: string, partition: string, values: string) => ({
      series: `kafka_consumergroup_lag{consumergroup="${group}",topic="${topic}",partition="${partition}"}`,
      values,
    });
    const res = promtoolTest(groups, [
      {
        name: 'the trigger and the second step fall behind; the first step keeps up',
        interval: '1m',
        input_series: [
          lag(trigger.consumergroup, trigger.topic, '0', '0+100x30'),
          lag(trigger.consumergroup, trigger.topic, '1', '0+100x30'),
          lag(flow.consumergroup, flow.topic, '0', '0+200x30'),
          lag('kafka.shop.order-pipeline-kn-sequence-0.9a1c', 'knative-messaging-kafka.shop.order-pipeline-kn-sequence-0', '0', '5x30'),
          lag('kafka.iot.order-pipeline-kn-sequence-0.77aa', 'knative-messaging-kafka.iot.order-pipeline-kn-sequence-0', '0', '0+500x30'),
        ],
        alert_rule_test: [
          { eval_time: '5m', alertname: 'KafkaConsumerLagHigh', exp_alerts: [] },
          {
            eval_time: '25m',
            alertname: 'KafkaConsumerLagHigh',
            exp_alerts: [
              { exp_labels: trigger, exp_annotations: annotationsOf(groups, 'KafkaConsumerLagHigh', trigger, (l) => l.function === 'ship') },
              { exp_labels: flow, exp_annotations: annotationsOf(groups, 'KafkaConsumerLagHigh', flow, (l) => l.flow === 'order-pipeline') },
            ],
          },
        ],
      },
    ]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });
});
