import { Construct } from 'constructs';
import { Broker as BrokerL1 } from '../../imports/knative-broker-eventing.knative.dev';
import { fail } from '../../core/errors';
import { DeadLetterSink } from './dead-letter-sink';
import { findInApp, renderDelivery, type DeliveryOptions, type IEventDestination, type KReference } from './destination';
import { Trigger, type IBroker, type TriggerProps } from './trigger';
import { DNS_1035_LABEL } from '../../core/naming';

export const BROKER_CLASSES = ['MTChannelBasedBroker', 'Kafka'] as const;
/** Annotation of a Kafka broker that names an existing topic (eventing-kafka-broker 1.23 `ExternalTopicAnnotation`): the broker neither creates nor deletes it. */
export const KAFKA_EXTERNAL_TOPIC_ANNOTATION = 'kafka.eventing.knative.dev/external.topic';
export type BrokerClass = (typeof BROKER_CLASSES)[number];

export interface BrokerProps {
  /** Broker name. @default 'default' */
  readonly name?: string;
  readonly namespace: string;
  /**
   * Broker implementation. Only the channel-based broker ships with the Knative Operator's
   * KnativeEventing; a Kafka broker needs eventing-kafka-broker's data plane installed on top
   * (KnativeEventingInstall's `kafka.broker`) and a `config` ConfigMap with `bootstrap.servers`.
   * @default 'MTChannelBasedBroker'
   */
  readonly brokerClass?: BrokerClass;
  /** ConfigMap with the broker's settings (channel template, or Kafka bootstrap servers and credentials). @default the cluster default */
  readonly config?: { readonly name: string; readonly namespace: string };
  /** Kafka brokers: an existing topic to use (created elsewhere, e.g. a Strimzi KafkaTopic with the platform's replication). @default the broker creates its own */
  readonly externalTopic?: string;
  /** Retries and dead letters for events no trigger could deliver. @default 3 retries, exponential from PT1S, the namespace's DeadLetterSink */
  readonly delivery?: DeliveryOptions;
}

/** An eventing Broker (`eventing.knative.dev/v1`), dead letters on by default. */
export class Broker extends Construct implements IEventDestination, IBroker {
  /** The Broker of that name and namespace in this App, or a SpecError naming what exists. */
  static lookup(scope: Construct, namespace: string, name: string, where: string): Broker {
    const all = findInApp(scope, Broker);
    const found = all.find((b) => b.namespace === namespace && b.name === name);
    if (!found) {
      const known = all.filter((b) => b.namespace === namespace).map((b) => b.name);
      fail(where, `${namespace}/${name}`, `no Broker "${name}" in namespace "${namespace}"; brokers there: ${known.join(', ') || '(none)'}`);
    }
    return found;
  }

  readonly name: string;
  readonly namespace: string;
  readonly brokerClass: BrokerClass;
  readonly apiObject: BrokerL1;

  constructor(scope: Construct, id: string, props: BrokerProps) {
    super(scope, id);
    this.name = props.name ?? 'default';
    this.namespace = props.namespace;
    const where = `Broker(${props.namespace}/${this.name})`;
    if (!DNS_1035_LABEL.test(this.name)) fail(`${where}.name`, this.name, 'must be a DNS-1123 label');
    const brokerClass = props.brokerClass ?? 'MTChannelBasedBroker';
    if (!(BROKER_CLASSES as readonly string[]).includes(brokerClass)) fail(`${where}.brokerClass`, brokerClass, `must be one of ${BROKER_CLASSES.join(', ')}`);
    if (brokerClass === 'Kafka' && !props.config) fail(`${where}.config`, undefined, 'is required for a Kafka broker: a ConfigMap with bootstrap.servers (and auth.secret.ref.name)');
    if (props.externalTopic !== undefined && brokerClass !== 'Kafka') fail(`${where}.externalTopic`, props.externalTopic, 'applies to Kafka brokers only');
    if (props.externalTopic !== undefined && !/^[a-zA-Z0-9._-]{1,249}$/.test(props.externalTopic))
      fail(`${where}.externalTopic`, props.externalTopic, 'must be a Kafka topic name (letters, digits, ".", "_", "-"; at most 249)');
    this.brokerClass = brokerClass;
    const delivery = renderDelivery(`${where}.delivery`, props.delivery, props.namespace, () => DeadLetterSink.of(this, props.namespace));
    this.apiObject = new BrokerL1(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        annotations: { 'eventing.knative.dev/broker.class': brokerClass, ...(props.externalTopic && { [KAFKA_EXTERNAL_TOPIC_ANNOTATION]: props.externalTopic }) },
      },
      spec: {
        ...(props.config && { config: { apiVersion: 'v1', kind: 'ConfigMap', name: props.config.name, namespace: props.config.namespace } }),
        delivery,
      },
    });
  }

  get ref(): KReference {
    return { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: this.name, namespace: this.namespace };
  }

  /** A Trigger on this broker. */
  addTrigger(id: string, props: Omit<TriggerProps, 'broker' | 'namespace'>): Trigger {
    return new Trigger(this, id, { ...props, broker: this, namespace: this.namespace });
  }
}
