import { SYSTEM_NAMESPACES } from '../common/namespaces';
import { KAFKA_DATA_PLANE_APPS } from './eventing-rules';
import type { ScrapeTargetProps } from './scrape-target';

/** Which upstream systems the platform runs, and where their user-facing parts live. */
export interface PlatformPresence {
  /** Namespaces with Knative functions (their queue-proxies are scraped). Empty: no Knative. */
  readonly knativeNamespaces: readonly string[];
  /** Whether Knative Eventing runs (event, kafka or schedule triggers on Knative). */
  readonly knativeEventing: boolean;
  /** Whether brokers carry events (event and schedule triggers). */
  readonly knativeBrokers: boolean;
  /**
   * Whether Knative's Kafka data plane may run (Eventing and a Kafka cluster): its receivers
   * and dispatchers are scraped for the dispatch metrics the delivery alerts read.
   * @default false
   */
  readonly knativeKafkaDataPlane?: boolean;
  /** Kong's pods (labels of its proxy pods); absent: no Kong. */
  readonly kong?: { readonly podLabels: Record<string, string> };
  /** The Strimzi Kafka cluster, when there is one. */
  readonly kafka?: { readonly clusterName: string; readonly namespace: string };
}

/**
 * What to scrape for each upstream system, by the labels and ports the upstream releases
 * give their pods and Services:
 * - Knative Serving/Eventing 1.23: control-plane Services labelled `app=<component>` with port
 *   `http-metrics` (9090); Eventing's controller pod port `metrics`; broker ingress/filter
 *   Services labelled `eventing.knative.dev/brokerRole`; every revision pod's queue-proxy
 *   serves request metrics on port `http-usermetric` (9091).
 * - eventing-kafka-broker 1.23 (`data-plane/config/<plane>/500-<workload>.yaml`): the Kafka receivers and
 *   dispatchers' pods are labelled `app=<workload>` with container port `http-metrics` (9090).
 * - Kong (chart 3.4.1, controller in the proxy pod): the status listener (container port
 *   `status`, 8100) serves the Prometheus plugin's metrics; the ingress controller's
 *   `cmetrics` port its own.
 * - Strimzi: Kafka and Kafka Exporter pods carry `strimzi.io/kind=Kafka` and
 *   `strimzi.io/name=<cluster>-kafka` / `<cluster>-kafka-exporter`, metrics on
 *   `tcp-prometheus` (9404); the cluster operator `strimzi.io/kind=cluster-operator`, port `http`.
 */
export function platformTargets(p: PlatformPresence): ScrapeTargetProps[] {
  const out: ScrapeTargetProps[] = [];
  if (p.knativeNamespaces.length) {
    for (const app of ['activator', 'autoscaler', 'controller', 'webhook']) {
      out.push({ component: `knative-${app}`, via: 'service', namespaces: [SYSTEM_NAMESPACES.knativeServing], selector: { matchLabels: { app } }, port: 'http-metrics', honorLabels: true });
    }
    out.push({
      component: 'knative-queue-proxy',
      via: 'pod',
      namespaces: p.knativeNamespaces,
      selector: { matchExpressions: [{ key: 'serving.knative.dev/revision', operator: 'Exists' }] },
      port: 'http-usermetric',
      honorLabels: true,
      alwaysUp: false,
      tenantFromNamespace: true,
    });
    if (p.knativeBrokers) {
      for (const role of ['ingress', 'filter']) {
        out.push({
          component: `knative-broker-${role}`,
          via: 'service',
          namespaces: [SYSTEM_NAMESPACES.knativeEventing],
          selector: { matchLabels: { 'eventing.knative.dev/brokerRole': role } },
          port: 'http-metrics',
          honorLabels: true,
        });
      }
    }
    if (p.knativeEventing) {
      out.push({
        component: 'knative-eventing-controller',
        via: 'pod',
        namespaces: [SYSTEM_NAMESPACES.knativeEventing],
        selector: { matchLabels: { app: 'eventing-controller' } },
        port: 'metrics',
        honorLabels: true,
      });
      if (p.knativeKafkaDataPlane) {
        out.push({
          component: 'knative-kafka-data-plane',
          via: 'pod',
          namespaces: [SYSTEM_NAMESPACES.knativeEventing],
          selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [...KAFKA_DATA_PLANE_APPS] }] },
          port: 'http-metrics',
          honorLabels: true,
          // Which of them run depends on the resources (a source dispatcher only with KafkaSources):
          // EventingDataPlaneDown watches the workloads instead.
          alwaysUp: false,
        });
      }
    }
  }
  // The OpenFaaS gateway is scraped by the openfaas module's own PodMonitor (its metrics
  // port 8082 is undeclared, so that monitor rewrites the address); see discovered monitors.
  if (p.kong) {
    const selector = { matchLabels: { ...p.kong.podLabels } };
    out.push({ component: 'kong-gateway', via: 'pod', namespaces: [SYSTEM_NAMESPACES.kong], selector, port: 'status' });
    out.push({ component: 'kong-controller', via: 'pod', namespaces: [SYSTEM_NAMESPACES.kong], selector, port: 'cmetrics' });
  }
  if (p.kafka) {
    const { clusterName, namespace } = p.kafka;
    out.push({
      component: 'kafka-broker',
      via: 'pod',
      namespaces: [namespace],
      selector: { matchLabels: { 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${clusterName}-kafka` } },
      port: 'tcp-prometheus',
    });
    out.push({
      component: 'kafka-exporter',
      via: 'pod',
      namespaces: [namespace],
      selector: { matchLabels: { 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${clusterName}-kafka-exporter` } },
      port: 'tcp-prometheus',
    });
    out.push({ component: 'strimzi-operator', via: 'pod', namespaces: [namespace], selector: { matchLabels: { 'strimzi.io/kind': 'cluster-operator' } }, port: 'http' });
  }
  return out;
}
