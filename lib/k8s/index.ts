/**
 * `hybrid-serverless/k8s`: the cdk8s constructs (L2), one folder per upstream system. Loads
 * cdk8s, cdk8s-plus and the spec's helpers, never Pulumi: a cluster-only project imports this
 * entry point instead of the package root.
 *
 *   import { KnativeService, KongRoute } from 'hybrid-serverless/k8s';
 */
export * from './common';
export * from './gitops';
export * from './tenancy';
export * from './knative';
export * from './openfaas';
export * from './kong';
export * from './kafka';
export * from './observability';
