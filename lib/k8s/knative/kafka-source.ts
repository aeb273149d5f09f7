import { Construct } from 'constructs';
import { KafkaSourceV1 } from '../../imports/knative-kafkasource-sources.knative.dev';
import { fail } from '../../core/errors';
import { DNS_LABEL_MAX, DNS_1035_LABEL } from '../../core/naming';
import { DeadLetterSink } from './dead-letter-sink';
import { renderDelivery, renderDestination, type DeliveryOptions, type Destination } from './destination';

/** A key of a Secret in the source's namespace: credentials are references, never values. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface KafkaSourceNet {
  /** SASL: each part read from a secret (Knative takes the mechanism from a secret too). @default none */
  readonly sasl?: { readonly user: SecretKeyRef; readonly password: SecretKeyRef; readonly type: SecretKeyRef };
  /** TLS: the cluster CA, and a client certificate for mTLS. @default none (plaintext) */
  readonly tls?: { readonly caCert?: SecretKeyRef; readonly cert?: SecretKeyRef; readonly key?: SecretKeyRef };
}

export interface KafkaSourceProps {
  readonly name: string;
  readonly namespace: string;
  /** `host:port` of the brokers. */
  readonly bootstrapServers: readonly string[];
  readonly topics: readonly string[];
  /** Consumer group id: offsets are kept per group. */
  readonly consumerGroup: string;
  readonly sink: Destination;
  /** Where a new group starts reading. @default 'latest' (Knative's) */
  readonly initialOffset?: 'earliest' | 'latest';
  /** Consumers in the group. @default 1 */
  readonly consumers?: number;
  /** TLS and SASL settings (credentials by Secret reference). @default plaintext, no authentication */
  readonly net?: KafkaSourceNet;
  /** Retries and dead letters. @default 3 retries, exponential from PT1S, the namespace's DeadLetterSink */
  readonly delivery?: DeliveryOptions;
}

const HOST_PORT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}$/;

/** A KafkaSource (`sources.knative.dev/v1`): topic records as CloudEvents to a sink. */
export class KafkaSource extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly apiObject: KafkaSourceV1;
  /** Consumers as written (undefined: Knative's default of 1). */
  readonly consumers?: number;
  /** Secrets the source's dispatcher reads (SASL and TLS), by name, sorted. */
  readonly secretNames: readonly string[];

  constructor(scope: Construct, id: string, props: KafkaSourceProps) {
    super(scope, id);
    const where = `KafkaSource(${props.namespace}/${props.name})`;
    if (!DNS_1035_LABEL.test(props.name) || props.name.length > DNS_LABEL_MAX)
      fail(`${where}.name`, props.name, `must be a DNS-1123 label of at most ${DNS_LABEL_MAX} characters (Knative copies source names into label values)`);
    if (props.bootstrapServers.length === 0) fail(`${where}.bootstrapServers`, props.bootstrapServers, 'must list at least one "host:port"');
    props.bootstrapServers.forEach((b, i) => {
      if (!HOST_PORT.test(b)) fail(`${where}.bootstrapServers[${i}]`, b, 'must be "host:port"');
    });
    if (props.topics.length === 0) fail(`${where}.topics`, props.topics, 'must list at least one topic');
    props.topics.forEach((t, i) => {
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(t)) fail(`${where}.topics[${i}]`, t, 'must be a Kafka topic name (letters, digits, ".", "_", "-")');
    });
    if (!/^[A-Za-z0-9._-]+$/.test(props.consumerGroup)) fail(`${where}.consumerGroup`, props.consumerGroup, 'must be letters, digits, ".", "_" or "-"');
    if (props.consumers !== undefined && (!Number.isInteger(props.consumers) || props.consumers < 1)) fail(`${where}.consumers`, props.consumers, 'must be a whole number ≥ 1');
    if (props.initialOffset !== undefined && props.initialOffset !== 'earliest' && props.initialOffset !== 'latest') {
      fail(`${where}.initialOffset`, props.initialOffset, 'must be "earliest" or "latest"');
    }
    this.name = props.name;
    this.consumers = props.consumers;
    const refs = [...Object.values(props.net?.sasl ?? {}), ...Object.values(props.net?.tls ?? {})] as (SecretKeyRef | undefined)[];
    this.secretNames = [...new Set(refs.flatMap((r) => (r ? [r.name] : [])))].sort();
    this.namespace = props.namespace;
    const ref = (r: SecretKeyRef) => ({ secretKeyRef: { name: r.name, key: r.key } });
    const net = props.net;
    this.apiObject = new KafkaSourceV1(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        consumerGroup: props.consumerGroup,
        bootstrapServers: [...props.bootstrapServers],
        topics: [...props.topics],
        ...(props.initialOffset && { initialOffset: props.initialOffset }),
        ...(props.consumers !== undefined && { consumers: props.consumers }),
        ...(net && {
          net: {
            ...(net.sasl && { sasl: { enable: true, user: ref(net.sasl.user), password: ref(net.sasl.password), type: ref(net.sasl.type) } }),
            ...(net.tls && {
              tls: {
                enable: true,
                ...(net.tls.caCert && { caCert: ref(net.tls.caCert) }),
                ...(net.tls.cert && { cert: ref(net.tls.cert) }),
                ...(net.tls.key && { key: ref(net.tls.key) }),
              },
            }),
          },
        }),
        sink: renderDestination(`${where}.sink`, props.sink, props.namespace),
        delivery: renderDelivery(`${where}.delivery`, props.delivery, props.namespace, () => DeadLetterSink.of(this, props.namespace)),
      },
    });
  }
}
