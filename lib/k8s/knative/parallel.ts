import { Construct } from 'constructs';
import { Parallel as ParallelL1 } from '../../imports/knative-parallel-flows.knative.dev';
import { fail } from '../../core/errors';
import { DeadLetterSink } from './dead-letter-sink';
import { renderDelivery, renderDestination, type DeliveryOptions, type Destination, type IEventDestination, type KReference } from './destination';
import { channelTemplate, type ChannelKind, type KafkaChannelSettings } from './sequence';
import { DNS_1035_LABEL } from '../../core/naming';

export interface ParallelBranch {
  /** Called first; the branch gets the event only if the filter replies. @default every event */
  readonly filter?: Destination;
  readonly subscriber: Destination;
  /** @default the parallel's reply */
  readonly reply?: Destination;
  /** @default the parallel's delivery */
  readonly delivery?: DeliveryOptions;
}

export interface ParallelProps {
  readonly name: string;
  readonly namespace: string;
  readonly branches: readonly ParallelBranch[];
  /** Where branch replies go. @default dropped */
  readonly reply?: Destination;
  /** @default 'InMemoryChannel' */
  readonly channel?: ChannelKind;
  /** KafkaChannel topic settings. @default the channel's defaults */
  readonly kafkaChannel?: KafkaChannelSettings;
  /** Retries and dead letters of every subscriber. @default 3 retries, exponential from PT1S, the namespace's DeadLetterSink */
  readonly delivery?: DeliveryOptions;
}

/** A Parallel (`flows.knative.dev/v1`): every event to each branch whose filter accepts it. */
export class Parallel extends Construct implements IEventDestination {
  readonly name: string;
  readonly namespace: string;
  /** Number of branches (each a filter and a subscriber subscription). */
  readonly branches: number;
  readonly apiObject: ParallelL1;

  constructor(scope: Construct, id: string, props: ParallelProps) {
    super(scope, id);
    const where = `Parallel(${props.namespace}/${props.name})`;
    if (!DNS_1035_LABEL.test(props.name)) fail(`${where}.name`, props.name, 'must be a DNS-1123 label');
    if (props.branches.length === 0) fail(`${where}.branches`, [], 'must have at least one branch');
    const template = channelTemplate(where, props.channel ?? 'InMemoryChannel', props.kafkaChannel);
    this.name = props.name;
    this.namespace = props.namespace;
    this.branches = props.branches.length;
    const ns = props.namespace;
    const dls = () => DeadLetterSink.of(this, ns);
    this.apiObject = new ParallelL1(this, 'Resource', {
      metadata: { name: props.name, namespace: ns },
      spec: {
        channelTemplate: template,
        branches: props.branches.map((b, i) => ({
          ...(b.filter && { filter: renderDestination(`${where}.branches[${i}].filter`, b.filter, ns) }),
          subscriber: renderDestination(`${where}.branches[${i}].subscriber`, b.subscriber, ns),
          ...(b.reply && { reply: renderDestination(`${where}.branches[${i}].reply`, b.reply, ns) }),
          delivery: renderDelivery(`${where}.branches[${i}].delivery`, b.delivery ?? props.delivery, ns, dls),
        })),
        ...(props.reply && { reply: renderDestination(`${where}.reply`, props.reply, ns) }),
      },
    });
  }

  get ref(): KReference {
    return { apiVersion: 'flows.knative.dev/v1', kind: 'Parallel', name: this.name, namespace: this.namespace };
  }
}
