/** Namespaces of the platform components: one place, so network policies and monitors agree. */
export const SYSTEM_NAMESPACES = {
  knativeOperator: 'knative-operator',
  /** Also where the Knative Operator runs Kourier's gateway (it does not use kourier-system). */
  knativeServing: 'knative-serving',
  knativeEventing: 'knative-eventing',
  openfaas: 'openfaas',
  openfaasFunctions: 'openfaas-fn',
  kong: 'kong',
  kafka: 'kafka',
  monitoring: 'monitoring',
} as const;

/**
 * Pod labels and ports of platform components that network policies select, as the pinned
 * charts and operators set them (selector labels stay stable across releases).
 */
export const SYSTEM_PODS = {
  /** Prometheus pods the Prometheus Operator runs. */
  prometheus: { 'app.kubernetes.io/name': 'prometheus' },
  /** Kong's proxy (and its ingress controller, in the same pod): the chart's selector label. */
  kong: { 'app.kubernetes.io/name': 'kong' },
  /** Kourier's gateway, which the Knative Operator runs in knative-serving. */
  kourierGateway: { app: '3scale-kourier-gateway' },
  /** The OpenFaaS gateway (with faas-netes or the operator beside it). */
  openfaasGateway: { app: 'gateway' },
  /** The OpenFaaS queue worker (asynchronous invocations). */
  openfaasQueueWorker: { app: 'queue-worker' },
} as const;

/** Ports those components are reached on. */
export const SYSTEM_PORTS = {
  /** Kong's proxy container ports (HTTP, HTTPS). */
  kongProxy: [8000, 8443],
  /** Kourier gateway container ports: external HTTP, internal (the `kourier-internal` Service), HTTPS. */
  kourierGateway: [8080, 8081, 8443],
  /** The OpenFaaS gateway's HTTP port. */
  openfaasGateway: [8080],
  /** Port of every OpenFaaS function's watchdog. */
  openfaasFunction: [8080],
  /** Knative queue-proxy: HTTP/1, h2c, admin (probes from the activator), autoscaling metrics (the autoscaler). */
  queueProxy: [8012, 8013, 8022, 9090],
  /** Knative Eventing ingresses (broker ingress, channel dispatchers) behind their Services' port 80. */
  eventingIngress: [8080],
  /** Admission webhooks of Knative (serving, eventing, operator). */
  knativeWebhook: [8443],
} as const;
