/**
 * The per-system modules HybridPlatform composes. Each is a `build…(ctx, deps)` function: it
 * takes the narrow ModuleContext and the outputs of the modules it depends on, and returns
 * what it offers the others.
 */
export type { ModuleContext } from './context';
export { planTenancy, buildTenants, buildPlatformOperators, type TenancyPlan, type PlannedTenant } from './tenancy';
export { buildKafka } from './kafka';
export { buildKnative, type KnativeOutputs } from './knative';
export { buildOpenFaaS, type OpenFaaSOutputs } from './openfaas';
export { buildLambda, type LambdaOutputs } from './lambda';
export { buildKong } from './kong';
export { buildObservability, type ObservabilityDeps } from './observability';
