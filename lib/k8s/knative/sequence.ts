import { Construct } from 'constructs';
import { Sequence as SequenceL1 } from '../../imports/knative-sequence-flows.knative.dev';
import { fail } from '../../core/errors';
import { DeadLetterSink } from './dead-letter-sink';
import { renderDelivery, renderDestination, type DeliveryOptions, type Destination, type IEventDestination, type KReference } from './destination';
import { DNS_1035_LABEL } from '../../core/naming';

/** Channel kinds: the in-memory one every KnativeEventing ships, and eventing-kafka-broker's (KnativeEventingInstall `kafka.channel`). */
export const CHANNEL_KINDS = ['InMemoryChannel', 'KafkaChannel'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Topic settings of the KafkaChannels a flow creates (its `channelTemplate.spec`). */
export interface KafkaChannelSettings {
  /** @default 1 (the channel's default) */
  readonly numPartitions?: number;
  /** @default 1 (the channel's default): set it to the cluster's replication factor */
  readonly replicationFactor?: number;
  /** ISO-8601 duration, e.g. 'P7D'. @default the channel's (7 days) */
  readonly retentionDuration?: string;
}

/** The `channelTemplate` of a Sequence or Parallel. */
export function channelTemplate(where: string, channel: ChannelKind, kafka: KafkaChannelSettings | undefined): { apiVersion: string; kind: string; spec?: Record<string, unknown> } {
  if (!(CHANNEL_KINDS as readonly string[]).includes(channel)) fail(`${where}.channel`, channel, `must be one of ${CHANNEL_KINDS.join(', ')}`);
  if (channel === 'InMemoryChannel') {
    if (kafka) fail(`${where}.kafkaChannel`, kafka, 'applies to channel "KafkaChannel" only');
    return { apiVersion: 'messaging.knative.dev/v1', kind: channel };
  }
  const k = kafka ?? {};
  for (const f of ['numPartitions', 'replicationFactor'] as const) {
    const v = k[f];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) fail(`${where}.kafkaChannel.${f}`, v, 'must be a whole number ≥ 1');
  }
  if (k.retentionDuration !== undefined && !/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(k.retentionDuration)) {
    fail(`${where}.kafkaChannel.retentionDuration`, k.retentionDuration, 'must be an ISO-8601 duration such as "P7D" or "PT12H"');
  }
  const spec = {
    ...(k.numPartitions && { numPartitions: k.numPartitions }),
    ...(k.replicationFactor && { replicationFactor: k.replicationFactor }),
    ...(k.retentionDuration && { retentionDuration: k.retentionDuration }),
  };
  // v1beta1 is the KafkaChannel CRD's storage version (v1 is served too).
  return { apiVersion: 'messaging.knative.dev/v1beta1', kind: channel, ...(Object.keys(spec).length > 0 && { spec }) };
}

/** One step: a destination, optionally with its own delivery settings. */
export interface SequenceStep {
  readonly destination: Destination;
  /** @default the sequence's delivery */
  readonly delivery?: DeliveryOptions;
}

export interface SequenceProps {
  readonly name: string;
  readonly namespace: string;
  /** Called in order, each with the previous step's reply. */
  readonly steps: readonly (Destination | SequenceStep)[];
  /** Where the last step's reply goes. @default dropped */
  readonly reply?: Destination;
  /**
   * Channel between the steps. InMemoryChannel is what the Operator's KnativeEventing
   * ships; its events do not survive a dispatcher restart. A KafkaChannel keeps them in a
   * topic (needs eventing-kafka-broker's channel installed).
   * @default 'InMemoryChannel'
   */
  readonly channel?: ChannelKind;
  /** KafkaChannel topic settings. @default the channel's defaults */
  readonly kafkaChannel?: KafkaChannelSettings;
  /** Retries and dead letters of every step. @default 3 retries, exponential from PT1S, the namespace's DeadLetterSink */
  readonly delivery?: DeliveryOptions;
}

function isStep(s: Destination | SequenceStep): s is SequenceStep {
  return (s as SequenceStep).destination !== undefined;
}

/** A Sequence (`flows.knative.dev/v1`): steps called in order, the reply forwarded. */
export class Sequence extends Construct implements IEventDestination {
  readonly name: string;
  readonly namespace: string;
  /** Number of steps (each a channel subscription). */
  readonly steps: number;
  readonly apiObject: SequenceL1;

  constructor(scope: Construct, id: string, props: SequenceProps) {
    super(scope, id);
    const where = `Sequence(${props.namespace}/${props.name})`;
    if (!DNS_1035_LABEL.test(props.name)) fail(`${where}.name`, props.name, 'must be a DNS-1123 label');
    if (props.steps.length === 0) fail(`${where}.steps`, [], 'must have at least one step');
    const template = channelTemplate(where, props.channel ?? 'InMemoryChannel', props.kafkaChannel);
    this.name = props.name;
    this.namespace = props.namespace;
    this.steps = props.steps.length;
    const dls = () => DeadLetterSink.of(this, props.namespace);
    this.apiObject = new SequenceL1(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        channelTemplate: template,
        steps: props.steps.map((s, i) => {
          const step = isStep(s) ? s : { destination: s };
          return {
            ...renderDestination(`${where}.steps[${i}]`, step.destination, props.namespace),
            delivery: renderDelivery(`${where}.steps[${i}].delivery`, step.delivery ?? props.delivery, props.namespace, dls),
          };
        }),
        ...(props.reply && { reply: renderDestination(`${where}.reply`, props.reply, props.namespace) }),
      },
    });
  }

  get ref(): KReference {
    return { apiVersion: 'flows.knative.dev/v1', kind: 'Sequence', name: this.name, namespace: this.namespace };
  }
}
