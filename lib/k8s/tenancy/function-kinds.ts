/**
 * The API resources through which tenants run functions, per backend, with the plural
 * names of the pinned CRDs (../shared/upstream/crds; a test checks each one exists).
 * `manage`: tenants create and change them; `read`: owned by a controller (a Knative
 * Service owns its Configuration, Revisions and Route), so editing them would fight it.
 */
export interface FunctionApiResources {
  readonly apiGroup: string;
  readonly resources: readonly string[];
  readonly access: 'manage' | 'read';
}

export const KNATIVE_SERVING_KINDS: readonly FunctionApiResources[] = [
  { apiGroup: 'serving.knative.dev', resources: ['services'], access: 'manage' },
  { apiGroup: 'serving.knative.dev', resources: ['configurations', 'revisions', 'routes'], access: 'read' },
];

export const KNATIVE_EVENTING_KINDS: readonly FunctionApiResources[] = [
  { apiGroup: 'eventing.knative.dev', resources: ['brokers', 'triggers'], access: 'manage' },
  { apiGroup: 'sources.knative.dev', resources: ['pingsources', 'sinkbindings'], access: 'manage' },
  { apiGroup: 'flows.knative.dev', resources: ['parallels', 'sequences'], access: 'manage' },
];

/** Installed only when a Knative function has a Kafka trigger (eventing-kafka source). */
export const KNATIVE_KAFKA_KINDS: readonly FunctionApiResources[] = [{ apiGroup: 'sources.knative.dev', resources: ['kafkasources'], access: 'manage' }];

/** OpenFaaS Pro functions (the operator's Function): one shared namespace, so tenants are granted them by name. */
export const OPENFAAS_FUNCTION = { apiGroup: 'openfaas.com', resource: 'functions' } as const;
/** OpenFaaS CE functions: the Deployment and Service faas-netes serves, named after the function. */
export const OPENFAAS_CE_FUNCTION = [
  { apiGroup: 'apps', resource: 'deployments' },
  { apiGroup: '', resource: 'services' },
] as const;
