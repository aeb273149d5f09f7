import { Construct } from 'constructs';
import { KafkaSink, KafkaSinkSpecContentMode } from '../../imports/knative-kafkasink-eventing.knative.dev';
import { fail } from '../../core/errors';
import { DNS_1123_LABEL } from '../../core/naming';
import { LABELS } from '../common/labels';
import { findInApp, type IEventDestination, type KReference } from './destination';
import { KnativeService, type ResourceAmounts } from './knative-service';

/** Knative's CloudEvents logger at the installed Eventing release (ko images run as non-root). */
export const EVENT_DISPLAY_IMAGE = 'gcr.io/knative-releases/knative.dev/eventing/cmd/event_display:v1.23.0';

/** Where a DeadLetterSink keeps what it receives: a Kafka topic behind a KafkaSink. */
export interface DeadLetterKafkaStore {
  /** An existing topic (the sink neither creates nor deletes it). */
  readonly topic: string;
  /** `host:port` of the listener the credentials are for. */
  readonly bootstrapServers: readonly string[];
  /** Secret in the sink's namespace with eventing-kafka-broker's keys (`protocol`, `sasl.mechanism`, `user`, `password`, `ca.crt`, or `user.crt`/`user.key`). */
  readonly authSecret: string;
}

export interface DeadLetterSinkProps {
  /** Namespace (tenant) whose undeliverable events it receives. */
  readonly namespace: string;
  /** Object name. @default 'dead-letter-sink' (a Knative Service), 'dead-letters' (a KafkaSink) */
  readonly name?: string;
  /**
   * Keep dead letters in Kafka: a `KafkaSink` (eventing-kafka-broker) writes each one to the
   * topic as a binary-mode CloudEvent — attributes, the `knativeerrordest`, `knativeerrorcode`
   * and `knativeerrordata` extensions as `ce_` headers, the body as the value — so they can be
   * read, counted and replayed. @default none: event_display logs them (kept only as long as the logs)
   */
  readonly kafka?: DeadLetterKafkaStore;
  /**
   * Without `kafka`: a CloudEvents receiver. @default Knative's event_display, which logs each
   * event with its attributes, including the `knativeerror*` extensions eventing adds to dead
   * letters — so the logs say what failed where.
   */
  readonly image?: string;
  /** Without `kafka`: @default requests 10m/32Mi, limits 200m/64Mi */
  readonly resources?: { readonly requests?: ResourceAmounts; readonly limits?: ResourceAmounts };
}

/**
 * The dead-letter destination of one namespace, which every Broker, Trigger, KafkaSource,
 * Sequence and Parallel of the namespace sends undeliverable events to by default:
 * - with `kafka`, a KafkaSink onto the tenant's dead-letter topic (durable, replayable);
 * - otherwise a cluster-local Knative Service running event_display. It scales to zero (the
 *   activator buffers the rare dead letter) and is capped at 3 replicas so a failure storm
 *   cannot eat the tenant's quota.
 */
export class DeadLetterSink extends Construct implements IEventDestination {
  /** The sink of a namespace in this App, if one was created. */
  static of(scope: Construct, namespace: string): DeadLetterSink | undefined {
    return findInApp(scope, DeadLetterSink).find((s) => s.namespace === namespace);
  }

  readonly namespace: string;
  readonly name: string;
  /** The logging receiver (without `kafka`). */
  readonly service?: KnativeService;
  /** The KafkaSink (with `kafka`). */
  readonly kafkaSink?: KafkaSink;
  /** The topic dead letters are kept in (with `kafka`). */
  readonly topic?: string;

  constructor(scope: Construct, id: string, props: DeadLetterSinkProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const where = `DeadLetterSink(${props.namespace})`;
    if (!props.kafka) {
      this.name = props.name ?? 'dead-letter-sink';
      this.service = new KnativeService(this, 'Service', {
        name: this.name,
        namespace: props.namespace,
        image: props.image ?? EVENT_DISPLAY_IMAGE,
        clusterLocal: true,
        containerConcurrency: 0,
        autoscaling: { minScale: 0, maxScale: 3 },
        resources: props.resources ?? { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        labels: { [LABELS.component]: 'dead-letter-sink' },
      });
      return;
    }
    if (props.image !== undefined || props.resources !== undefined)
      fail(`${where}.image`, props.image ?? props.resources, 'applies to the logging sink only; a Kafka dead-letter store runs no pod of its own');
    const k = props.kafka;
    this.name = props.name ?? 'dead-letters';
    if (!DNS_1123_LABEL.test(this.name)) fail(`${where}.name`, this.name, 'must be a DNS label');
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(k.topic)) fail(`${where}.kafka.topic`, k.topic, 'must be a Kafka topic name');
    if (k.bootstrapServers.length === 0) fail(`${where}.kafka.bootstrapServers`, k.bootstrapServers, 'must list at least one host:port');
    if (!DNS_1123_LABEL.test(k.authSecret)) fail(`${where}.kafka.authSecret`, k.authSecret, 'must be a Secret name');
    this.topic = k.topic;
    this.kafkaSink = new KafkaSink(this, 'KafkaSink', {
      metadata: { name: this.name, namespace: props.namespace, labels: { [LABELS.component]: 'dead-letter-sink' } },
      // No numPartitions/replicationFactor: the topic exists (the sink only checks it).
      spec: { topic: k.topic, bootstrapServers: [...k.bootstrapServers], contentMode: KafkaSinkSpecContentMode.BINARY, auth: { secret: { ref: { name: k.authSecret } } } },
    });
  }

  /** Whether dead letters outlive a restart (kept in Kafka) rather than only in logs. */
  get durable(): boolean {
    return this.kafkaSink !== undefined;
  }

  get ref(): KReference {
    if (this.service) return this.service.ref;
    return { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', name: this.name, namespace: this.namespace };
  }
}
