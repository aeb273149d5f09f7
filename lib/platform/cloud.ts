import * as ssm from '@pulumi/aws/ssm';
import * as pulumi from '@pulumi/pulumi';
import { BudgetAlarm } from '../aws/budgets/budget-alarm';
import { LambdaAlarms } from '../aws/cloudwatch/lambda-alarms';
import type { AwsEnvironment } from '../aws/context';
import { KongInvokeRole } from '../aws/iam/kong-invoke-role';
import { LambdaFunction, type S3NotificationTarget } from '../aws/lambda/lambda-function';
import { environmentProvider } from '../aws/provider';
import { BucketNotifications } from '../aws/s3/bucket-notifications';
import { TenantAlertTopic } from '../aws/sns/tenant-alert-topic';
import { SYSTEM_NAMESPACES } from '../k8s/common/namespaces';
import { KONG_SERVICE_ACCOUNT } from '../k8s/kong/kong-install';
import { naming } from '../core/naming';
import type { PlatformSpec } from '../spec/platform';
import type { HybridPlatform } from './hybrid-platform';
import { lambdaFunctionArgs } from './lambda-args';

/** What the cloud side exports from the Pulumi program (function ARNs, topic ARN, budget name…): resource outputs. */
export type CloudOutputs = Record<string, unknown>;

/**
 * The SSM parameter that says which stack owns an environment's cloud side. Every AWS
 * resource of the environment waits for it, and SSM refuses to create a parameter that
 * exists: a second stack deploying the same environment into the same account stops at this
 * first resource (ParameterAlreadyExists), before it could take over roles, queues or a
 * bucket's notification configuration. Deleted with the stack.
 */
export const ownerParameterName = (platform: string, env: string): string => `/hybrid-serverless/${platform}/${env}/cloud-owner`;

/**
 * Severity of lost-event alarms (dead letters waiting, asynchronous events dropped): the
 * severity of the cluster's dead-letter alerts, so one receiver gets both.
 */
export const LOST_EVENT_SEVERITY = 'critical';

/**
 * The addresses of a tenant's alert receivers for lost events: every receiver routed this
 * tenant (its `tenants` lists it, or it lists none) and the lost-event severity (its
 * `severities` list it, or it lists none), as Alertmanager routes the cluster's alerts.
 * Sorted, each once.
 */
export function tenantAlertEmails(spec: Pick<PlatformSpec, 'observability'>, tenant: string): string[] {
  const emails = spec.observability.receivers
    .filter((r) => (!r.tenants?.length || r.tenants.includes(tenant)) && (!r.severities?.length || r.severities.includes(LOST_EVENT_SEVERITY)))
    .flatMap((r) => r.emails ?? []);
  return [...new Set(emails)].sort();
}

export interface DeployCloudOptions {
  /** Root that functions' `code.path` is relative to. @default process.cwd() */
  readonly codeRoot?: string;
}

/**
 * The cloud side of an environment (AWS Lambda functions, triggers, IAM, budgets and alarms),
 * built from the same spec as the cluster side. lib/pulumi/program.ts calls it next to the
 * cluster bridge. The AWS components live in lib/aws.
 */
export function deployCloud(platform: HybridPlatform, options: DeployCloudOptions = {}): CloudOutputs {
  const { spec, env } = platform;
  const aws: AwsEnvironment = { platform: spec.name, env: env.name, region: env.aws.region, accountId: env.aws.accountId };
  const prefix = naming.envPrefix(spec.name, env.name);
  // Environment-wide resources (topic, budget, Kong role, bucket notifications) carry platform/env tags.
  // One provider (one plugin process) for the whole environment; functions add their own tags.
  const provider = environmentProvider(`${prefix}-aws`, aws);
  const owner = `${pulumi.getProject()}/${pulumi.getStack()}`;
  const lock = new ssm.Parameter(
    `${prefix}-cloud-owner`,
    {
      name: ownerParameterName(spec.name, env.name),
      type: 'String',
      value: owner,
      description: `The Pulumi stack that deploys the cloud side of ${spec.name}/${env.name}; a second stack for this environment stops here`,
    },
    { provider },
  );
  const guarded = { provider, dependsOn: [lock] };

  const budget = new BudgetAlarm(`${prefix}-budget`, { environment: aws, budget: env.budget, provider }, guarded);

  // Lost events of a tenant's Lambda functions reach the tenant's receivers: one topic per tenant with Lambda functions.
  const tenantTopics = new Map<string, TenantAlertTopic>();
  for (const tenant of [...new Set(platform.functionsFor('lambda').map((f) => f.tenant))].sort()) {
    tenantTopics.set(tenant, new TenantAlertTopic(`${prefix}-alerts-${tenant}`, { environment: aws, tenant, emails: tenantAlertEmails(spec, tenant), provider }, guarded));
  }

  const functions = platform.functionsFor('lambda').map((fn) => {
    const index = spec.functions.indexOf(fn);
    const args = lambdaFunctionArgs(fn, {
      environment: aws,
      logRetentionDays: env.profile.retention.logsDays,
      msk: spec.kafka?.msk,
      codeRoot: options.codeRoot,
      specPath: `functions[${index}]`,
      provider,
    });
    const lambda = new LambdaFunction(`${prefix}-${fn.name}`, args, guarded);
    new LambdaAlarms(
      `${prefix}-${fn.name}-alarms`,
      {
        functionName: lambda.names.function,
        timeoutSeconds: lambda.timeoutSeconds,
        errorRatioPercent: fn.slo?.errorRatioPercent ?? spec.observability.defaultSlo.errorRatioPercent ?? 5,
        deadLetterQueues: lambda.deadLetterQueueNames,
        topicArn: budget.topicArn,
        lostEventTopicArns: [tenantTopics.get(fn.tenant)!.topicArn],
        provider,
      },
      { provider, dependsOn: [lock, budget, tenantTopics.get(fn.tenant)!] },
    );
    return { fn, lambda };
  });

  // S3 keeps one notification configuration per bucket: gather every function's triggers on it.
  const byBucket = new Map<string, S3NotificationTarget[]>();
  for (const { lambda } of functions) for (const n of lambda.s3Notifications) byBucket.set(n.bucket, [...(byBucket.get(n.bucket) ?? []), n]);
  for (const [bucket, targets] of [...byBucket.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    new BucketNotifications(`${prefix}-s3-${bucket}`, { bucket, targets, provider }, guarded);
  }

  // The functions Kong invokes, by the names the cluster side's lambda module gave the gateway.
  const routed = [...new Set(spec.routes.flatMap((r) => platform.endpoints.get(r.function)?.lambdaName ?? []))];
  let kongRole: KongInvokeRole | undefined;
  if (routed.length > 0 && env.aws.oidcProvider) {
    kongRole = new KongInvokeRole(
      `${prefix}-kong-invoke`,
      { environment: aws, oidcProvider: env.aws.oidcProvider, serviceAccount: { namespace: SYSTEM_NAMESPACES.kong, name: KONG_SERVICE_ACCOUNT }, functions: routed, provider },
      guarded,
    );
  }

  // Outputs come from the resources (known once AWS created them), not from the names the
  // toolkit computed: a stack output never claims something that does not exist.
  const byName = <T>(pick: (l: LambdaFunction) => T) => Object.fromEntries(functions.map(({ fn, lambda }) => [fn.name, pick(lambda)]));
  return {
    lambdaFunctionArns: byName((l) => l.function.arn),
    lambdaAliasArns: byName((l) => l.alias.arn),
    lambdaRoleArns: byName((l) => l.role.arn),
    lambdaDeadLetterQueues: byName((l) => l.deadLetterQueues.map((q) => q.name)),
    lambdaFunctionUrls: Object.fromEntries(functions.flatMap(({ fn, lambda }) => (lambda.functionUrl ? [[fn.name, lambda.functionUrl.functionUrl]] : []))),
    s3EventTopicArns: Object.fromEntries(functions.flatMap(({ lambda }) => Object.entries(lambda.topics).map(([t, topic]) => [t, topic.arn]))),
    alertTopicArn: budget.topic.arn,
    tenantAlertTopicArns: Object.fromEntries([...tenantTopics].map(([tenant, t]) => [tenant, t.topic.arn])),
    budgetName: budget.budget.name,
    cloudOwner: lock.value,
    ...(kongRole && { kongInvokeRoleArn: kongRole.role.arn }),
  };
}
