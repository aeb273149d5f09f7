import { Construct } from 'constructs';
import { Sequence as SequenceL1 } from '../../imports/knative-sequence-flows.knative.dev';
import { fail } from '../../core/errors';
import { DeadLetterSink } from './dead-letter-sink';
import { renderDelivery, renderDestination, type DeliveryOptions, type Destination, type IEventDestination, type KReference } from './destination';
import { DNS_1035_LABEL } from '../../core/naming';

/** Channel kinds the platform's KnativeEventing installs. */
export const CHANNEL_KINDS = ['InMemoryChannel'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

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
   * ships; its events do not survive a dispatcher restart, which the retries and dead letters
   * of each step bound (a KafkaChannel needs eventing-kafka installed).
   * @default 'InMemoryChannel'
   */
  readonly channel?: ChannelKind;
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
  readonly apiObject: SequenceL1;

  constructor(scope: Construct, id: string, props: SequenceProps) {
    super(scope, id);
    const where = `Sequence(${props.namespace}/${props.name})`;
    if (!DNS_1035_LABEL.test(props.name)) fail(`${where}.name`, props.name, 'must be a DNS-1123 label');
    if (props.steps.length === 0) fail(`${where}.steps`, [], 'must have at least one step');
    const channel = props.channel ?? 'InMemoryChannel';
    if (!(CHANNEL_KINDS as readonly string[]).includes(channel)) fail(`${where}.channel`, channel, `must be one of ${CHANNEL_KINDS.join(', ')}`);
    this.name = props.name;
    this.namespace = props.namespace;
    const dls = () => DeadLetterSink.of(this, props.namespace);
    this.apiObject = new SequenceL1(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        channelTemplate: { apiVersion: 'messaging.knative.dev/v1', kind: channel },
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
