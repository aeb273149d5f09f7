import { Construct } from 'constructs';
import { LABELS } from '../common/labels';
import { findInApp, type IEventDestination, type KReference } from './destination';
import { KnativeService, type ResourceAmounts } from './knative-service';

/** Knative's CloudEvents logger at the installed Eventing release (ko images run as non-root). */
export const EVENT_DISPLAY_IMAGE = 'gcr.io/knative-releases/knative.dev/eventing/cmd/event_display:v1.23.0';

export interface DeadLetterSinkProps {
  /** Namespace (tenant) whose undeliverable events it receives. */
  readonly namespace: string;
  /** Service name. @default 'dead-letter-sink' */
  readonly name?: string;
  /**
   * A CloudEvents receiver. @default Knative's event_display, which logs each event with its
   * attributes, including the `knativeerrordest`, `knativeerrorcode` and `knativeerrordata`
   * extensions eventing adds to dead letters — so the logs say what failed where.
   */
  readonly image?: string;
  /** @default requests 10m/32Mi, limits 200m/64Mi */
  readonly resources?: { readonly requests?: ResourceAmounts; readonly limits?: ResourceAmounts };
}

/**
 * The dead-letter destination of one namespace: a cluster-local Knative Service that every
 * Broker, Trigger, KafkaSource, Sequence and Parallel of the namespace sends undeliverable
 * events to by default. It scales to zero (the activator buffers the rare dead letter) and
 * is capped at 3 replicas so a failure storm cannot eat the tenant's quota.
 */
export class DeadLetterSink extends Construct implements IEventDestination {
  /** The sink of a namespace in this App, if one was created. */
  static of(scope: Construct, namespace: string): DeadLetterSink | undefined {
    return findInApp(scope, DeadLetterSink).find((s) => s.service.namespace === namespace);
  }

  readonly service: KnativeService;

  constructor(scope: Construct, id: string, props: DeadLetterSinkProps) {
    super(scope, id);
    this.service = new KnativeService(this, 'Service', {
      name: props.name ?? 'dead-letter-sink',
      namespace: props.namespace,
      image: props.image ?? EVENT_DISPLAY_IMAGE,
      clusterLocal: true,
      containerConcurrency: 0,
      autoscaling: { minScale: 0, maxScale: 3 },
      resources: props.resources ?? { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
      labels: { [LABELS.component]: 'dead-letter-sink' },
    });
  }

  get ref(): KReference {
    return this.service.ref;
  }
}
