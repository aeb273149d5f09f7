/**
 * hybrid-serverless: typed constructs for a hybrid serverless platform.
 *
 *   import { parseSpec, HybridPlatform, KnativeService, OpenFaaSFunction, KongRoute, LambdaFunction } from 'hybrid-serverless';
 *
 * The cluster side (lib/k8s) is cdk8s; the cloud side (lib/aws) is Pulumi; lib/platform
 * compiles a PlatformSpec into both; lib/pulumi bridges the cdk8s App into @pulumi/kubernetes.
 */
export * from './spec';
export * from './k8s/common';
export * from './k8s/gitops';
export * from './k8s/tenancy';
export * from './k8s/knative';
export * from './k8s/openfaas';
export * from './k8s/kong';
export * from './k8s/kafka';
export * from './k8s/observability';
export * from './aws';
export * from './platform';
export { deployCluster, helmReleaseArgs, ClusterLayer, type DeployClusterOptions } from './pulumi/bridge';
export { runProgram, readConfig, CONFIG_NAMESPACE, type ProgramConfig } from './pulumi/program';
export { planProgram, formatPlan, stackConfig, type Plan, type PlannedResource } from './pulumi/plan';
