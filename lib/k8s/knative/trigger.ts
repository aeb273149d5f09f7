import { Construct } from 'constructs';
import { Trigger as TriggerL1 } from '../../imports/knative-trigger-eventing.knative.dev';
import { fail } from '../../core/errors';
import { DNS_LABEL_MAX, derivedNameProblem, DNS_1035_LABEL } from '../../core/naming';
import { DeadLetterSink } from './dead-letter-sink';
import { renderDelivery, renderDestination, type DeliveryOptions, type Destination } from './destination';

/** What a Trigger needs of its broker (Broker implements it). */
export interface IBroker {
  readonly name: string;
  readonly namespace: string;
}

export interface TriggerProps {
  readonly name: string;
  /** @default the broker's namespace */
  readonly namespace?: string;
  /** The broker it subscribes to (`Broker.lookup` finds one by name). */
  readonly broker: IBroker;
  /** Exact-match CloudEvent attribute filters, e.g. `{ type: 'com.acme.order.created' }`. @default every event */
  readonly filter?: Readonly<Record<string, string>>;
  /** Where matching events go. */
  readonly subscriber: Destination;
  /** Retries and dead letters. @default 3 retries, exponential from PT1S, the namespace's DeadLetterSink */
  readonly delivery?: DeliveryOptions;
}

/**
 * Names of the eventing objects the platform makes for functions and flows. The toolkit keeps
 * every eventing object name a DNS label (≤ 63): Knative copies a Trigger's or source's name
 * into label values of the objects it creates for it, and label values are at most 63.
 */
export const EVENTING_NAMES = {
  /** The Trigger of a function's event trigger number `index`. */
  eventTrigger: (fn: string, index: number): string => `${fn}-event-${index}`,
  /** The PingSource of a function's schedule trigger number `index`, and the Trigger that delivers its events. */
  schedule: (fn: string, index: number): string => `${fn}-schedule-${index}`,
  /** The KafkaSource of a function's kafka trigger number `index`. */
  kafkaSource: (fn: string, index: number): string => `${fn}-kafka-${index}`,
  /** The Trigger that feeds a Sequence or Parallel from its broker. */
  flowTrigger: (flow: string): string => `${flow}-in`,
} as const;
export const EVENTING_NAME_MAX = DNS_LABEL_MAX;
/** The eventing webhook's limit on CloudEvent attribute names in a Trigger filter. */
export const CLOUDEVENT_ATTRIBUTE = /^[a-z0-9]{1,20}$/;

/** An eventing Trigger (`eventing.knative.dev/v1`): filter on a broker, deliver to a subscriber. */
export class Trigger extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly apiObject: TriggerL1;

  constructor(scope: Construct, id: string, props: TriggerProps) {
    super(scope, id);
    const namespace = props.namespace ?? props.broker.namespace;
    const where = `Trigger(${namespace}/${props.name})`;
    if (!DNS_1035_LABEL.test(props.name)) fail(`${where}.name`, props.name, 'must be a DNS-1123 label');
    const long = derivedNameProblem(props.name, props.name, 'the Trigger', 'Knative eventing names (label values)', EVENTING_NAME_MAX);
    if (long) fail(`${where}.name`, props.name, long);
    if (props.broker.namespace !== namespace) {
      fail(`${where}.broker`, `${props.broker.namespace}/${props.broker.name}`, `must be in the trigger's namespace "${namespace}"`);
    }
    for (const [attr, value] of Object.entries(props.filter ?? {})) {
      // The eventing webhook's rule for CloudEvents attribute names.
      if (!CLOUDEVENT_ATTRIBUTE.test(attr)) fail(`${where}.filter.${attr}`, attr, 'CloudEvent attribute names are 1–20 lowercase letters or digits (e.g. "type", "source")');
      if (value === '') fail(`${where}.filter.${attr}`, value, 'must not be empty: leave the attribute out to match any value');
    }
    this.name = props.name;
    this.namespace = namespace;
    this.apiObject = new TriggerL1(this, 'Resource', {
      metadata: { name: props.name, namespace },
      spec: {
        broker: props.broker.name,
        ...(props.filter && Object.keys(props.filter).length > 0 && { filter: { attributes: { ...props.filter } } }),
        subscriber: renderDestination(`${where}.subscriber`, props.subscriber, namespace),
        delivery: renderDelivery(`${where}.delivery`, props.delivery, namespace, () => DeadLetterSink.of(this, namespace)),
      },
    });
  }
}
