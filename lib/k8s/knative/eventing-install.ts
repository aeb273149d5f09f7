import { Construct } from 'constructs';
import {
  KnativeEventing,
  KnativeEventingSpecWorkloadsResourcesLimits as Limits,
  KnativeEventingSpecWorkloadsResourcesRequests as Requests,
} from '../../imports/knative-operator-eventing-operator.knative.dev';
import { fail } from '../../spec/errors';
import { KNATIVE_VERSION } from './operator-install';
import type { ComponentSizing } from './serving-install';

/** Eventing 1.23 Deployments and their main container. */
export const EVENTING_WORKLOADS = [
  { name: 'eventing-controller', container: 'eventing-controller' },
  { name: 'eventing-webhook', container: 'eventing-webhook' },
  { name: 'imc-controller', container: 'controller' },
  { name: 'imc-dispatcher', container: 'dispatcher' },
  { name: 'mt-broker-controller', container: 'mt-broker-controller' },
  { name: 'mt-broker-filter', container: 'filter' },
  { name: 'mt-broker-ingress', container: 'ingress' },
] as const;

export interface KnativeEventingInstallProps {
  /** Namespace of Eventing (the CR goes there; must exist). */
  readonly namespace: string;
  /** Eventing control and data plane. */
  readonly eventing: ComponentSizing;
  /** Install the KafkaSource controller (eventing-kafka). @default false */
  readonly kafkaSource?: boolean;
}

/**
 * The KnativeEventing CR: the channel-based broker as default class (the only one the
 * operator ships without extra manifests), the Kafka source when Kafka triggers exist, and
 * profile-sized workloads.
 */
export class KnativeEventingInstall extends Construct {
  readonly apiObject: KnativeEventing;

  constructor(scope: Construct, id: string, props: KnativeEventingInstallProps) {
    super(scope, id);
    const s = props.eventing;
    if (!Number.isInteger(s.replicas) || s.replicas < 1) fail('KnativeEventingInstall.eventing.replicas', s.replicas, 'must be a whole number ≥ 1');
    const off = { enabled: false };
    this.apiObject = new KnativeEventing(this, 'Resource', {
      metadata: { name: 'knative-eventing', namespace: props.namespace },
      spec: {
        version: KNATIVE_VERSION,
        defaultBrokerClass: 'MTChannelBasedBroker',
        // Metrics are off by default since 1.19; the platform's Prometheus scrapes brokers and controllers.
        config: { observability: { 'metrics-protocol': 'prometheus' } },
        // The CRD requires every source switch to be present.
        source: { ceph: off, github: off, gitlab: off, kafka: { enabled: props.kafkaSource ?? false }, rabbitmq: off, redis: off },
        ...(s.replicas > 1 && { highAvailability: { replicas: s.replicas } }),
        workloads: EVENTING_WORKLOADS.map((w) => ({
          name: w.name,
          replicas: s.replicas,
          resources: [
            {
              container: w.container,
              requests: { cpu: Requests.fromString(String(s.resources.requests.cpu)), memory: Requests.fromString(String(s.resources.requests.memory)) },
              limits: { cpu: Limits.fromString(String(s.resources.limits.cpu)), memory: Limits.fromString(String(s.resources.limits.memory)) },
            },
          ],
        })),
      },
    });
  }
}
