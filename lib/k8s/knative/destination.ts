import type { Construct, IConstruct } from 'constructs';
import { fail } from '../../core/errors';

/** A reference to an addressable Kubernetes object (Knative `KReference`). */
export interface KReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/**
 * Something events can be sent to: a KnativeService, Broker, Sequence, Parallel or
 * DeadLetterSink construct (or a reference built from a validated spec).
 */
export interface IEventDestination {
  /** How a Knative `Destination.ref` points at it. */
  readonly ref: KReference;
}

/** An event destination outside the App: an absolute URL. */
export interface UriDestination {
  readonly uri: string;
  /**
   * Allow a cluster-local address (`<service>.<namespace>.svc…`) in another namespace: events
   * would leave the referring object's namespace, which is a tenant's boundary.
   * @default false
   */
  readonly crossNamespace?: boolean;
}

/** The namespace of a cluster-local Service address (`<svc>.<ns>.svc` or `<svc>.<ns>.svc.<cluster domain>`), if it is one. */
function clusterLocalNamespace(host: string): string | undefined {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  return labels.length >= 3 && labels[2] === 'svc' ? labels[1] : undefined;
}

/** Where events go: a construct of this App (checked to exist by construction) or a URL. */
export type Destination = IEventDestination | UriDestination;

/** The `Destination` shape every Knative object uses (`sink`, `subscriber`, `reply`, `deadLetterSink`). */
export interface RenderedDestination {
  readonly ref?: KReference;
  readonly uri?: string;
}

function isUri(d: Destination): d is UriDestination {
  return typeof (d as UriDestination).uri === 'string';
}

/**
 * Renders a destination for an object in `namespace`. Knative's webhook refuses references
 * into another namespace (unless the cross-namespace feature is on), and so does this.
 */
export function renderDestination(where: string, d: Destination, namespace: string): RenderedDestination {
  if (isUri(d)) {
    let url: URL | undefined;
    try {
      url = new URL(d.uri);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) fail(`${where}.uri`, d.uri, 'must be an absolute http:// or https:// URL');
    const target = clusterLocalNamespace(url.hostname);
    if (target !== undefined && target !== namespace && !d.crossNamespace) {
      fail(`${where}.uri`, d.uri, `is a Service in namespace "${target}", but the referring object is in "${namespace}": events stay in their namespace unless crossNamespace is set`);
    }
    return { uri: d.uri };
  }
  if (d.ref.namespace !== namespace) {
    fail(`${where}.ref`, `${d.ref.namespace}/${d.ref.name}`, `is in namespace "${d.ref.namespace}", but the referring object is in "${namespace}": Knative does not link across namespaces`);
  }
  return { ref: d.ref };
}

/**
 * The constructs of a kind in the whole App: references are checked against what is really there.
 * @internal
 */
export function findInApp<T>(scope: Construct, type: abstract new (...args: never[]) => T): T[] {
  return scope.node.root.node.findAll().filter((c): c is T & IConstruct => c instanceof type) as T[];
}

/** Knative's retry/backoff/dead-letter settings (`delivery`). */
export interface DeliveryOptions {
  /** Attempts after the first. @default 3 */
  readonly retries?: number;
  /** @default 'exponential' */
  readonly backoffPolicy?: 'exponential' | 'linear';
  /** ISO-8601 base delay between attempts. @default 'PT1S' */
  readonly backoffDelay?: string;
  /**
   * Where undeliverable events go; `false` drops them (say so explicitly).
   * @default the DeadLetterSink of the object's namespace (an error if there is none)
   */
  readonly deadLetterSink?: Destination | false;
}

export interface RenderedDelivery {
  readonly retry: number;
  readonly backoffPolicy: 'exponential' | 'linear';
  readonly backoffDelay: string;
  readonly deadLetterSink?: RenderedDestination;
}

const ISO_DURATION = /^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$/;

/**
 * Renders `delivery` with dead letters on by default: when no sink is given, the namespace's
 * DeadLetterSink is used, found through `defaultSink`.
 */
export function renderDelivery(where: string, d: DeliveryOptions | undefined, namespace: string, defaultSink: () => Destination | undefined): RenderedDelivery {
  const retry = d?.retries ?? 3;
  if (!Number.isInteger(retry) || retry < 0 || retry > 100) fail(`${where}.retries`, retry, 'must be a whole number from 0 to 100');
  const backoffPolicy = d?.backoffPolicy ?? 'exponential';
  if (backoffPolicy !== 'exponential' && backoffPolicy !== 'linear') fail(`${where}.backoffPolicy`, backoffPolicy, 'must be "exponential" or "linear"');
  const backoffDelay = d?.backoffDelay ?? 'PT1S';
  if (!ISO_DURATION.test(backoffDelay)) fail(`${where}.backoffDelay`, backoffDelay, 'must be an ISO-8601 duration such as "PT1S" or "PT0.5S"');
  let sink: RenderedDestination | undefined;
  if (d?.deadLetterSink !== false) {
    const dest = d?.deadLetterSink ?? defaultSink();
    if (!dest) {
      fail(
        `${where}.deadLetterSink`,
        undefined,
        `is required: create a DeadLetterSink in namespace "${namespace}", pass a destination, or set deadLetterSink: false to drop undeliverable events on purpose`,
      );
    }
    sink = renderDestination(`${where}.deadLetterSink`, dest, namespace);
  }
  return { retry, backoffPolicy, backoffDelay, ...(sink && { deadLetterSink: sink }) };
}
