/**
 * `hybrid-serverless/pulumi`: the bridge from a cdk8s App to @pulumi/kubernetes, the Pulumi
 * program of a platform stack and its offline plan.
 */
export { deployCluster, chartInstallArgs, chartInstallsOf, ClusterLayer, type DeployClusterOptions } from './bridge';
export { runProgram, readConfig, CONFIG_NAMESPACE, type ProgramConfig } from './program';
export { planProgram, formatPlan, stackConfig, type Plan, type PlannedResource } from './plan';
