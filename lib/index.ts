/**
 * hybrid-serverless: typed constructs for a hybrid serverless platform.
 *
 *   import { parseSpec, HybridPlatform, KnativeService, OpenFaaSFunction, KongRoute, LambdaFunction } from 'hybrid-serverless';
 *
 * The root is the curated front door: the spec's entry points, every construct and the
 * platform's entry points. It loads Pulumi (the AWS components and the bridge). Each layer
 * has its own entry point with everything it offers:
 *
 *   hybrid-serverless/spec      the platform model: parseSpec, schema, types, profiles
 *   hybrid-serverless/k8s       cdk8s constructs (never loads Pulumi)
 *   hybrid-serverless/aws       Pulumi components for AWS
 *   hybrid-serverless/platform  HybridPlatform, synthesis, spec loading
 *   hybrid-serverless/pulumi    the cdk8s → @pulumi/kubernetes bridge, the program, the plan
 */

// the platform model
export { parseSpec, SpecError, platformSchema, platformJsonSchema, resolveEnvironment, PROFILES, PROFILE_NAMES } from './spec';
export type {
  SpecIssue,
  PlatformSpec,
  PlatformSpecInput,
  EnvironmentSpec,
  FunctionSpec,
  TriggerSpec,
  RouteSpec,
  GatewaySpec,
  TenantSpec,
  KafkaSpec,
  TopicSpec,
  ObservabilitySpec,
  BudgetSpec,
  Profile,
  ProfileName,
  ResolvedEnvironment,
} from './spec';

// cluster constructs (cdk8s)
export { SystemNamespace, NamespaceNetworkPolicies, type SystemNamespaceProps, type NamespaceNetworkPoliciesProps, type NamespacePeer } from './k8s/common';
export { HelmChartInstall, FluxLayers, ArgoCdLayers, type HelmChartInstallProps, type HelmChartRef, type FluxLayersProps, type ArgoCdLayersProps } from './k8s/gitops';
export {
  Tenant,
  TenantQuota,
  TenantRoles,
  TenantNetworkPolicies,
  PlatformOperatorRole,
  SharedFunctionReader,
  type TenantProps,
  type TenantQuotaProps,
  type TenantRolesProps,
  type TenantNetworkPoliciesProps,
  type PlatformOperatorRoleProps,
  type SharedFunctionReaderProps,
} from './k8s/tenancy';
export {
  KnativeOperatorInstall,
  KnativeServingInstall,
  KnativeEventingInstall,
  KnativeService,
  Broker,
  Trigger,
  DeadLetterSink,
  PingSource,
  KafkaSource,
  Sequence,
  Parallel,
  type KnativeOperatorInstallProps,
  type KnativeServingInstallProps,
  type KnativeEventingInstallProps,
  type KnativeServiceProps,
  type BrokerProps,
  type TriggerProps,
  type DeadLetterSinkProps,
  type PingSourceProps,
  type KafkaSourceProps,
  type SequenceProps,
  type ParallelProps,
  type Destination,
  type DeliveryOptions,
} from './k8s/knative';
export {
  OpenFaaSInstall,
  OpenFaaSFunction,
  OpenFaaSFunctionDeployment,
  FunctionSecurityProfile,
  CronConnector,
  KafkaConnector,
  GatewayMonitor,
  type OpenFaaSInstallProps,
  type OpenFaaSFunctionProps,
  type OpenFaaSFunctionDeploymentProps,
  type FunctionSecurityProfileProps,
  type CronConnectorProps,
  type KafkaConnectorProps,
  type GatewayMonitorProps,
} from './k8s/openfaas';
export {
  KongInstall,
  KongRoute,
  KongBackend,
  ApiConsumer,
  GlobalPlugin,
  RoutePlugin,
  type KongInstallProps,
  type KongRouteProps,
  type KongBackendProps,
  type ApiConsumerProps,
  type GlobalPluginProps,
  type RoutePluginProps,
} from './k8s/kong';
export {
  StrimziOperator,
  KafkaCluster,
  KafkaClusterTopic,
  KafkaClientUser,
  SecretReflector,
  type StrimziOperatorProps,
  type KafkaClusterProps,
  type KafkaClusterTopicProps,
  type KafkaClientUserProps,
  type SecretReflectorProps,
} from './k8s/kafka';
export {
  KubePrometheusStack,
  MonitoringRules,
  AlertRouting,
  GrafanaDashboard,
  ScrapeTarget,
  type KubePrometheusStackProps,
  type MonitoringRulesProps,
  type AlertRoutingProps,
  type GrafanaDashboardProps,
  type ScrapeTargetProps,
} from './k8s/observability';

// cloud components (Pulumi)
export {
  LambdaFunction,
  S3EventSource,
  SqsEventSource,
  KafkaEventSource,
  ScheduleEventSource,
  LambdaAlarms,
  TenantAlertTopic,
  BudgetAlarm,
  KongInvokeRole,
  BucketNotifications,
  bundleCode,
  type LambdaFunctionArgs,
  type IEventSource,
  type LambdaAlarmsArgs,
  type TenantAlertTopicArgs,
  type BudgetAlarmArgs,
  type KongInvokeRoleArgs,
  type BucketNotificationsArgs,
  type CodeBundle,
} from './aws';

// the platform: one spec → charts per environment, GitOps output
export { HybridPlatform, Footprint, LAYERS, synthAll, renderAll, renderEnvironment, writeOutputs, loadSpecFile } from './platform';
export type { HybridPlatformOptions, FunctionEndpoint, Layer, SynthOptions, EnvironmentOutput } from './platform';

// the Pulumi side: bridge, program, offline plan
export {
  deployCluster,
  chartInstallArgs,
  chartInstallsOf,
  ClusterLayer,
  runProgram,
  readConfig,
  planProgram,
  formatPlan,
  stackConfig,
  type DeployClusterOptions,
  type ProgramConfig,
  type Plan,
  type PlannedResource,
} from './pulumi';
