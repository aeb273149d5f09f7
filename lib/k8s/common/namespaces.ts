/** Namespaces of the platform components: one place, so network policies and monitors agree. */
export const SYSTEM_NAMESPACES = {
  knativeOperator: 'knative-operator',
  knativeServing: 'knative-serving',
  knativeEventing: 'knative-eventing',
  kourier: 'kourier-system',
  openfaas: 'openfaas',
  openfaasFunctions: 'openfaas-fn',
  kong: 'kong',
  kafka: 'kafka',
  monitoring: 'monitoring',
} as const;
