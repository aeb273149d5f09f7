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
