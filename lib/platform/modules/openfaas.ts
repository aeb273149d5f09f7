import { constructId } from '../../core/naming';
import type { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES, SYSTEM_PODS, SYSTEM_PORTS } from '../../k8s/common/namespaces';
import { CronConnector } from '../../k8s/openfaas/cron-connector';
import { FunctionSecurityProfile, FunctionSpreadProfile } from '../../k8s/openfaas/function-profile';
import { GatewayMonitor } from '../../k8s/openfaas/gateway-monitor';
import { KAFKA_CONNECTOR_AUTHENTICATION, KafkaConnector, type KafkaConnectorAuth } from '../../k8s/openfaas/kafka-connector';
import { KafkaConnectorCredentials } from '../../k8s/openfaas/kafka-connector-credentials';
import { OpenFaaSFunction, type OpenFaaSFunctionProps, type OpenFaaSRetries } from '../../k8s/openfaas/openfaas-function';
import { OpenFaaSFunctionDeployment } from '../../k8s/openfaas/openfaas-function-deployment';
import { k8s } from 'cdk8s-plus-27';
import { LABELS as K8S_LABELS, MANAGED_BY } from '../../k8s/common/labels';
import { OpenFaaSInstall, type ComponentSize } from '../../k8s/openfaas/openfaas-install';
import type { Resources } from '../../k8s/openfaas/chart-values';
import { coldStartScale, type FunctionSpec } from '../../spec/function';
import type { Profile } from '../../spec/profiles';
import { kafkaTriggerProblem } from '../../spec/kafka';
import { goDurationOf } from '../../core/duration';
import { OPENFAAS_SCALE_TYPES } from '../../k8s/openfaas/limits';
import { openfaasInvokedAsync, timedFunction } from '../../spec/targets/openfaas';
import type { FunctionEndpoint, KafkaBinding } from '../bindings';
import { kafkaProducerFor } from '../kafka-producer';
import type { ModuleContext } from './context';

const size = (c: Profile['components'][keyof Profile['components']]): ComponentSize => ({ replicas: c.replicas, resources: resources(c.resources) });

function resources(r: { requests?: { cpu?: string | number; memory?: string | number }; limits?: { cpu?: string | number; memory?: string | number } }): Resources {
  const s = (v?: string | number) => (v === undefined ? undefined : String(v));
  return {
    requests: { cpu: s(r.requests?.cpu), memory: s(r.requests?.memory) },
    limits: { cpu: s(r.limits?.cpu), memory: s(r.limits?.memory) },
  };
}

/** A function's resources: its own, field by field over the profile's function defaults. */
function functionResources(fn: FunctionSpec, defaults: Profile['functionDefaults']): Resources {
  return resources({
    requests: { ...defaults.requests, ...fn.resources?.requests },
    limits: { ...defaults.limits, ...fn.resources?.limits },
  });
}

/** Seconds of an ISO-8601 `PT…` duration. */
function isoSeconds(d: string): number {
  const m = /^PT(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\.[0-9]+)?)S)?$/.exec(d);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : 1;
}

/** Queue-worker retries from the function's delivery settings (exponential back-off). */
function retriesOf(fn: FunctionSpec): OpenFaaSRetries {
  const attempts = fn.delivery?.retries ?? 3;
  const first = Math.max(1, Math.ceil(isoSeconds(fn.delivery?.backoffDelay ?? 'PT1S')));
  // The queue worker doubles the wait up to max_wait: stop doubling at the last attempt, at most 10 minutes.
  const longest = Math.min(600, first * 2 ** Math.max(0, attempts - 1));
  return { attempts, minWait: goDurationOf(first), maxWait: goDurationOf(Math.max(first, longest)) };
}

const CONTROL_PLANE_REASON = 'chart openfaas 15.0.6 does not give every control-plane container (NATS, Prometheus, operator) a restricted security context; audit and warn stay restricted';
const FUNCTIONS_REASON =
  'the OpenFaaS operator does not drop capabilities or set allowPrivilegeEscalation on function containers; the hybrid-serverless-restricted Profile enforces non-root and seccomp RuntimeDefault at pod level';

/** The ServiceAccount a tenant's OpenFaaS CE functions run as, in the shared function namespace. */
export const openfaasTenantServiceAccount = (tenant: string): string => `tenant-${tenant}`;

/** What buildOpenFaaS offers the gateway and observability. */
export interface OpenFaaSOutputs {
  /** How the gateway reaches each function: the OpenFaaS gateway Service and the function's path. */
  readonly endpoints: readonly FunctionEndpoint[];
  /** The namespace every function runs in (OpenFaaS CE has one). */
  readonly functionNamespace: string;
  /** The gateway's PodMonitor, for the platform Prometheus (and its down alert). */
  readonly gatewayMonitor: GatewayMonitor;
  /** Replicas each function runs between (Pro: min 0 when it scales to zero), by function name. */
  readonly scales: ReadonlyMap<string, { readonly min: number; readonly max: number }>;
}

/**
 * OpenFaaS in the environment's edition: the install (basic auth, timeouts derived from the
 * functions), every `target: openfaas` function in the one function namespace (labelled with
 * its tenant) — Pro: operator mode, Function objects, JetStream retries, one kafka-connector
 * per consumed topic (credentials from `kafka`); CE: the Deployment and Service of each
 * function as faas-netes serves them, run as its tenant's ServiceAccount there — the
 * cron-connector, and each function's gateway endpoint. Undefined when no function targets
 * OpenFaaS (nothing is installed).
 */
export function buildOpenFaaS(ctx: ModuleContext, deps: { readonly kafka?: KafkaBinding }): OpenFaaSOutputs | undefined {
  const functions = ctx.functionsFor('openfaas');
  if (functions.length === 0) return undefined;
  const { kafka } = deps;
  const pro = ctx.env.openfaasEdition === 'pro';
  const { install, installChart } = installOpenFaaS(ctx, functions);

  const config = ctx.chart('config', 'openfaas');
  // Pro: the operator applies this Profile to function pods; CE: each Deployment carries its security context.
  const securityProfile = pro ? new FunctionSecurityProfile(config, 'function-profile', { namespace: install.namespace }) : undefined;
  // Functions kept at two or more replicas spread across nodes where the profile asks (Pro: a Profile composed with the security one).
  const ha = ctx.env.profile.ha;
  const spreadProfile =
    pro && ha.antiAffinity && functions.some((f) => replicasAtLeastTwo(f)) ? new FunctionSpreadProfile(config, 'function-spread-profile', { namespace: install.namespace }) : undefined;
  const gatewayMonitor = new GatewayMonitor(config, 'gateway-monitor', { namespace: install.namespace, labels: { [LABELS.partOf]: ctx.spec.name } });
  if (!pro) {
    // The ServiceAccount each tenant's functions run as: pods use one of their own namespace, so here, not the tenant's.
    for (const tenant of [...new Set(functions.map((f) => f.tenant))]) {
      new k8s.KubeServiceAccount(config, `sa-${tenant}`, {
        metadata: { name: openfaasTenantServiceAccount(tenant), namespace: install.functionNamespace, labels: { [K8S_LABELS.managedBy]: MANAGED_BY, [K8S_LABELS.tenant]: tenant } },
        automountServiceAccountToken: false,
      });
    }
  }

  const apps = ctx.chart('apps', 'openfaas-functions');
  const byTopic = new Map<string, FunctionSpec[]>();
  const scales = new Map<string, { min: number; max: number }>();
  let scheduled = false;
  for (const fn of functions) {
    const f = functionObject(ctx, apps, install, securityProfile, fn, kafka, { profile: spreadProfile, spread: ha.antiAffinity });
    scales.set(fn.name, f.scaleBounds);
    if (ha.podDisruptionBudgets && f.scaleBounds.min >= 2) f.addDisruptionBudget();
    for (const t of fn.triggers ?? []) {
      if (t.type === 'schedule') {
        f.addSchedule(t.cron);
        scheduled = true;
      } else if (t.type === 'kafka') {
        if (!pro) continue; // the spec's openfaas rule reports it with the spec path
        f.addKafkaTopic(t.topic);
        byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), fn]);
      }
    }
  }
  if (scheduled) new CronConnector(installChart, 'cron-connector', { openfaas: install });
  kafkaConnectors(ctx, installChart, install, byTopic, kafka);

  recordFootprint(ctx, install, [...installChart.node.findAll(), ...apps.node.findAll()]);
  openfaasNetwork(ctx, install, functions, kafka);
  const endpoints: FunctionEndpoint[] = functions.map((fn) => ({
    function: fn,
    target: 'openfaas',
    service: install.gatewayService,
    path: install.functionPath(fn.name, fn.openfaas?.async === true),
  }));
  return { endpoints, functionNamespace: install.functionNamespace, gatewayMonitor, scales };
}

/**
 * The flows of OpenFaaS' two namespaces (the gateway's from Kong are the kong module's, the
 * scrapes the observability module's). In the shared function namespace nothing may reach a
 * function but the gateway and the queue worker, so one tenant's functions cannot call
 * another's; each function's own egress (its tenant's allow-list) selects it by name.
 */
function openfaasNetwork(ctx: ModuleContext, install: OpenFaaSInstall, functions: readonly FunctionSpec[], kafka: KafkaBinding | undefined): void {
  const control = ctx.network(install.namespace);
  const fnNs = install.functionNamespace;
  const fnNet = ctx.network(fnNs);
  control.allowWithinNamespace('OpenFaaS control plane: gateway, provider or operator, queue worker, NATS, autoscaler or Prometheus and Alertmanager, connectors');
  control.allowApiServer('faas-netes or the OpenFaaS operator managing function Deployments');
  if (install.edition === 'ce') {
    // faas-netes CE refuses to start without reaching the internet (its EULA check).
    control.allowEgressToCidr('internet', '0.0.0.0/0', [443], 'OpenFaaS CE faas-netes checking internet connectivity at start (it does not run offline)', SYSTEM_PODS.openfaasGateway);
  }
  for (const [name, pods] of [
    ['gateway', SYSTEM_PODS.openfaasGateway],
    ['queue-worker', SYSTEM_PODS.openfaasQueueWorker],
  ] as const) {
    const why = name === 'gateway' ? 'the OpenFaaS gateway invoking functions (synchronous calls)' : 'the OpenFaaS queue worker invoking functions (asynchronous calls)';
    control.allowEgressTo({ namespace: fnNs, name, pods, ports: [...SYSTEM_PORTS.openfaasFunction], reason: why });
    fnNet.allowIngressFrom({ namespace: install.namespace, name, podLabels: pods, ports: [...SYSTEM_PORTS.openfaasFunction], reason: why });
  }
  for (const ns of [install.namespace, fnNs]) {
    const ports = kafka?.clients.get(ns);
    if (!kafka || !ports) continue;
    const reason = ns === fnNs ? 'functions producing to Kafka topics (TLS client listener)' : 'the kafka-connector consuming topics for functions (mTLS listener)';
    ctx.network(ns).allowEgressTo({ namespace: kafka.namespace, podLabels: kafka.brokerPods, ports: [...ports], reason });
  }
  const tenants = new Map(ctx.spec.tenants.map((t, i) => [t.name, { t, i }]));
  for (const fn of functions) {
    const tenant = tenants.get(fn.tenant);
    (tenant?.t.egress ?? []).forEach((e, j) =>
      fnNet.allowEgressToCidr(`${fn.name}-${j}`, e.cidr, e.ports ?? [443], `tenants[${tenant!.i}].egress[${j}] in the platform spec, for function ${fn.name}`, { faas_function: fn.name }),
    );
  }
}

/** A function that runs at least two replicas (OpenFaaS keeps at least one). */
const replicasAtLeastTwo = (fn: FunctionSpec) => coldStartScale(fn).min >= 2;

/** The namespaces (platform layer) and the install, its timeouts derived from the functions. */
function installOpenFaaS(ctx: ModuleContext, functions: readonly FunctionSpec[]): { install: OpenFaaSInstall; installChart: Chart } {
  const { profile } = ctx.env;
  const settings = ctx.spec.openfaas;
  for (const c of ['openfaasAutoscaler', 'openfaasNats'] as const) {
    const replicas = profile.components[c].replicas;
    if (replicas !== 1) ctx.issues.add(`environments.${ctx.env.name}.overrides.components.${c}.replicas`, replicas, 'the OpenFaaS chart runs exactly one pod of it: must be 1');
  }
  const pro = ctx.env.openfaasEdition === 'pro';
  const ns = ctx.namespace({ name: SYSTEM_NAMESPACES.openfaas, podSecurity: 'baseline', podSecurityReason: CONTROL_PLANE_REASON });
  // CE function pods are the toolkit's own Deployments, restricted like every tenant's pods.
  if (pro) ctx.namespace({ name: SYSTEM_NAMESPACES.openfaasFunctions, podSecurity: 'baseline', podSecurityReason: FUNCTIONS_REASON, labels: { [LABELS.partOf]: ctx.spec.name } });
  else ctx.namespace({ name: SYSTEM_NAMESPACES.openfaasFunctions, labels: { [LABELS.partOf]: ctx.spec.name } });

  const installChart = ctx.chart('platform', 'openfaas');
  const install = new OpenFaaSInstall(installChart, 'openfaas', {
    edition: ctx.env.openfaasEdition,
    namespace: ns.name,
    functionNamespace: SYSTEM_NAMESPACES.openfaasFunctions,
    gateway: size(profile.components.openfaasGateway),
    queueWorker: size(profile.components.openfaasQueueWorker),
    basicAuth: settings?.basicAuth === 'existing-secret' ? { existingSecret: 'basic-auth' } : { generate: true },
    functions: functions.map(timedFunction),
    timeouts: {
      gatewayUpstream: settings?.gateway?.upstreamTimeout,
      gatewayRead: settings?.gateway?.readTimeout,
      gatewayWrite: settings?.gateway?.writeTimeout,
      queueAckWait: settings?.queueWorker?.ackWait,
    },
    // The CE queue worker has neither (the spec's openfaas rule refuses maxInflight there).
    ...(pro && { maxInflight: settings?.queueWorker?.maxInflight }),
    autoscaler: resources(profile.components.openfaasAutoscaler.resources),
    nats: resources(profile.components.openfaasNats.resources),
    podDisruptionBudgets: profile.ha.podDisruptionBudgets,
    antiAffinity: profile.ha.antiAffinity,
  });
  return { install, installChart };
}

/**
 * A function's object in the function namespace (producers with their Kafka client settings):
 * Pro, the operator's Function; CE, the Deployment and Service faas-netes serves.
 */
function functionObject(
  ctx: ModuleContext,
  apps: Chart,
  install: OpenFaaSInstall,
  securityProfile: FunctionSecurityProfile | undefined,
  fn: FunctionSpec,
  kafka: KafkaBinding | undefined,
  spread: { readonly profile?: FunctionSpreadProfile; readonly spread: boolean },
): OpenFaaSFunction | OpenFaaSFunctionDeployment {
  const pro = install.edition === 'pro';
  const async = openfaasInvokedAsync(fn);
  // CE cannot scale to zero: a function that does not ask for it explicitly keeps one replica (the spec rule refuses an explicit request).
  const { min } = pro || fn.coldStart !== undefined || fn.scaling?.min !== undefined ? coldStartScale(fn) : { min: Math.max(1, coldStartScale(fn).min) };
  const metric = fn.scaling?.metric ?? 'concurrency';
  // Producers get their Kafka client settings; credentials stay Secret references.
  const producer = kafkaProducerFor(ctx, kafka, fn);
  const secretRefs = [...(fn.secrets ?? []), ...(producer?.secrets ?? [])];
  const env: Record<string, string> = { ...fn.env, ...producer?.env };
  // OpenFaaS mounts secrets as files, not variables: tell the code where each one is.
  for (const s of secretRefs) env[`${s.env}_FILE`] = `/var/openfaas/secrets/${s.key}`;
  const props: OpenFaaSFunctionProps = {
    name: fn.name,
    namespace: install.functionNamespace,
    image: fn.image!,
    tenant: fn.tenant,
    environment: env,
    timeoutSeconds: timedFunction(fn).timeoutSeconds,
    scaling: pro
      ? {
          min: Math.max(1, min),
          max: fn.scaling?.max ?? 10,
          ...(fn.scaling?.target !== undefined && { target: fn.scaling.target }),
          type: OPENFAAS_SCALE_TYPES[metric as keyof typeof OPENFAAS_SCALE_TYPES],
          ...(min === 0 && { zero: true, zeroDuration: fn.openfaas?.idleTimeout ?? '15m' }),
        }
      : // CE scales between min and max on its own rule: no target, type or scale to zero (refused by the spec rule).
        {
          min: Math.max(1, min),
          ...(fn.scaling?.max !== undefined && { max: fn.scaling.max }),
          ...(fn.scaling?.target !== undefined && { target: fn.scaling.target }),
          ...(fn.scaling?.metric !== undefined && { type: OPENFAAS_SCALE_TYPES[metric as keyof typeof OPENFAAS_SCALE_TYPES] }),
          ...(min === 0 && { zero: true }),
        },
    ...(async && pro && { retries: retriesOf(fn) }),
    ...(!pro && fn.delivery !== undefined && { retries: retriesOf(fn) }),
    annotations: fn.openfaas?.annotations,
    resources: functionResources(fn, ctx.env.profile.functionDefaults),
    secrets: [...new Set(secretRefs.map((s) => s.secret))],
    constraints: fn.openfaas?.constraints,
    readOnlyRootFilesystem: fn.openfaas?.readOnlyRootFilesystem ?? true,
    ...(securityProfile && { profile: [securityProfile.name, ...(spread.profile && Math.max(1, min) >= 2 ? [spread.profile.name] : [])].join(',') }),
  };
  if (pro) return new OpenFaaSFunction(apps, constructId(fn.name), props);
  const secretKeys: Record<string, string[]> = {};
  // Object.hasOwn: a Secret named "constructor" must not read Object.prototype's
  for (const s of secretRefs) secretKeys[s.secret] = [...(Object.hasOwn(secretKeys, s.secret) ? secretKeys[s.secret] : []), s.key];
  return new OpenFaaSFunctionDeployment(apps, constructId(fn.name), {
    ...props,
    serviceAccountName: openfaasTenantServiceAccount(fn.tenant),
    secretKeys,
    spreadAcrossNodes: spread.spread && Math.max(1, min) >= 2,
  });
}

/**
 * One kafka-connector per consumed topic (the group of its first subscriber), with the
 * credentials of that subscriber's Kafka user re-keyed for the chart.
 */
function kafkaConnectors(ctx: ModuleContext, installChart: Chart, install: OpenFaaSInstall, byTopic: ReadonlyMap<string, readonly FunctionSpec[]>, kafka: KafkaBinding | undefined): void {
  const ns = install.namespace;
  const brokerCredentials = new Map<string, KafkaConnectorCredentials>();
  for (const [topic, subscribers] of byTopic) {
    const first = subscribers[0];
    const trigger = (first.triggers ?? []).find((t) => t.type === 'kafka' && t.topic === topic);
    const group = (trigger?.type === 'kafka' && trigger.consumerGroup) || first.name;
    const path = ['functions', ctx.spec.functions.indexOf(first), 'triggers'];
    if (!kafka) {
      // A spec that skipped the rules; with a kafka section the kafka module reported why it built none.
      const problem = kafkaTriggerProblem(first, ctx.spec.kafka);
      if (problem && trigger) ctx.issues.add([...path, (first.triggers ?? []).indexOf(trigger)], trigger, problem);
      continue;
    }
    const auth = kafka.client(first, { read: [topic], group, namespace: ns });
    if (auth.secret.namespace !== ns || auth.caSecret.namespace !== ns) {
      ctx.issues.add(path, topic, `the kafka-connector runs in namespace "${ns}" but the Kafka credentials are in "${auth.secret.namespace}"/"${auth.caSecret.namespace}"`);
      continue;
    }
    if (auth.mechanism !== KAFKA_CONNECTOR_AUTHENTICATION || !auth.secretKeys.certificate || !auth.secretKeys.key) {
      ctx.issues.add(path, topic, `the kafka-connector authenticates with a TLS client certificate, but Kafka user "${auth.user}" uses ${auth.mechanism}`);
      continue;
    }
    // The chart reads fixed key names (broker-ca/-cert/-key); Strimzi's Secrets use others.
    const credentialsName = `${auth.user}-broker`;
    let credentials = brokerCredentials.get(credentialsName);
    if (!credentials) {
      credentials = new KafkaConnectorCredentials(installChart, `kafka-credentials-${auth.user}`, {
        namespace: ns,
        name: credentialsName,
        ca: { name: auth.caSecret.name, key: auth.caKey },
        certificate: { name: auth.secret.name, key: auth.secretKeys.certificate },
        key: { name: auth.secret.name, key: auth.secretKeys.key },
      });
      brokerCredentials.set(credentialsName, credentials);
    }
    const connectorAuth: KafkaConnectorAuth = { mechanism: 'tls', caSecret: credentials.secretName, certSecret: credentials.secretName, keySecret: credentials.secretName };
    const partitions = ctx.spec.kafka?.topics.find((t) => t.name === topic)?.partitions ?? 3;
    new KafkaConnector(installChart, `kafka-connector-${topic}`, {
      openfaas: install,
      topic,
      brokerHosts: auth.bootstrapServers,
      group,
      auth: connectorAuth,
      partitions,
      // One consumer per partition at most; HA profiles run up to three.
      replicas: ctx.env.profile.ha.antiAffinity ? Math.min(partitions, 3) : 1,
    });
  }
}

/** Requests the openfaas chart 15.0.6 sets where the module leaves a component's resources alone (its values.yaml). */
const OPENFAAS_CHART_DEFAULTS = {
  autoscaler: { cpu: '100m', memory: '128Mi' },
  nats: { cpu: '100m', memory: '120Mi' },
  faasnetes: { cpu: '100m', memory: '120Mi' },
  alertmanager: { cpu: '50m', memory: '25Mi' },
} as const;

/**
 * OpenFaaS's pods, from the chart values and objects the module wrote: the gateway pod
 * (gateway + operator containers on Pro, gateway + faas-netes on CE), queue worker,
 * autoscaler (Pro), Alertmanager (CE), NATS, the chart's Prometheus, the connectors, the
 * credentials CronJob and every function's minimum replicas.
 */
function recordFootprint(ctx: ModuleContext, install: OpenFaaSInstall, built: readonly IConstruct[]): void {
  const fp = ctx.footprint;
  const v = install.install.values;
  const ns = install.namespace;
  const release = [install.install.release];
  fp.record({
    component: 'openfaas/gateway',
    namespace: ns,
    pods: v.gateway.replicas,
    containers: [v.gateway.resources.requests, ...(v.operator.create ? [v.operator.resources?.requests] : [v.faasnetes?.resources?.requests ?? OPENFAAS_CHART_DEFAULTS.faasnetes])],
    source: v.operator.create
      ? 'openfaas values: gateway.replicas, gateway.resources + operator.resources (operator mode: a container in the gateway pod)'
      : 'openfaas values: gateway.replicas, gateway.resources + faasnetes.resources (CE: the provider is a container in the gateway pod)',
    objects: release,
  });
  fp.record({
    component: 'openfaas/queue-worker',
    namespace: ns,
    pods: v.queueWorker.replicas,
    containers: [v.queueWorker.resources.requests],
    source: 'openfaas values: queueWorker.replicas, queueWorker.resources',
    objects: release,
  });
  if (v.autoscaler?.enabled) {
    fp.record({
      component: 'openfaas/autoscaler',
      namespace: ns,
      pods: 1,
      containers: [v.autoscaler.resources?.requests ?? OPENFAAS_CHART_DEFAULTS.autoscaler],
      source: v.autoscaler.resources
        ? 'openfaas values: autoscaler.resources; chart default autoscaler.replicas 1 (a singleton)'
        : 'chart default: autoscaler.resources.requests 100m/128Mi, autoscaler.replicas 1 (a singleton)',
      objects: release,
    });
  }
  if (v.async) {
    fp.record({
      component: 'openfaas/nats',
      namespace: ns,
      pods: 1,
      containers: [v.nats?.resources?.requests ?? OPENFAAS_CHART_DEFAULTS.nats],
      source: v.nats?.resources ? 'openfaas values: nats.resources' : 'chart default: nats.resources.requests 100m/120Mi (one pod)',
      objects: release,
    });
  }
  if (v.prometheus.create) {
    fp.record({ component: 'openfaas/prometheus', namespace: ns, pods: 1, containers: [v.prometheus.resources?.requests], source: 'openfaas values: prometheus.resources', objects: release });
  }
  if (v.alertmanager?.create) {
    fp.record({
      component: 'openfaas/alertmanager',
      namespace: ns,
      pods: 1,
      containers: [v.alertmanager.resources?.requests ?? OPENFAAS_CHART_DEFAULTS.alertmanager],
      source: "openfaas values: alertmanager.resources (CE: scales functions on the chart Prometheus's alerts; one pod)",
      objects: release,
    });
  }
  // dashboard.enabled, ingressOperator.create and iam.enabled are false (and alertmanager.create on Pro): they run nothing.
  for (const c of built) {
    if (c instanceof CronConnector) {
      fp.record({
        component: 'openfaas/cron-connector',
        namespace: c.install.namespace,
        pods: 1,
        containers: [c.install.values.resources?.requests],
        source: 'cron-connector values: resources (the chart has no replicas value: one pod)',
        objects: [c.install.release],
      });
    } else if (c instanceof KafkaConnector) {
      const kv = c.install.values;
      fp.record({
        component: `openfaas/${c.install.releaseName}`,
        namespace: c.install.namespace,
        pods: kv.replicas,
        containers: [kv.resources?.requests],
        source: 'kafka-connector values: replicas, resources',
        objects: [c.install.release],
      });
    } else if (c instanceof KafkaConnectorCredentials) {
      const job = c.cronJob.toJson().spec.jobTemplate.spec.template.spec as { containers: { resources?: { requests?: { cpu?: string; memory?: string } } }[] };
      fp.record({
        component: `openfaas/${c.cronJob.metadata.name}`,
        namespace: c.cronJob.metadata.namespace!,
        // concurrencyPolicy Forbid: at most one Job pod at a time, for a few seconds every run.
        pods: 1,
        containers: job.containers.map((x) => x.resources?.requests),
        source: 'CronJob container resources; one pod at a time while it runs (concurrencyPolicy Forbid)',
        objects: [c.cronJob],
      });
    } else if (c instanceof OpenFaaSFunctionDeployment) {
      const spec = c.deployment.toJson().spec.template.spec as { containers: { resources?: { requests?: { cpu?: string; memory?: string } } }[] };
      fp.record({
        component: `fn/${c.name}`,
        namespace: c.namespace,
        // CE never scales to zero: at least com.openfaas.scale.min replicas run.
        pods: c.minReplicas,
        containers: spec.containers.map((x) => x.resources?.requests),
        source: `Deployment com.openfaas.scale.min ${c.minReplicas} (OpenFaaS CE keeps at least one replica); container requests`,
        objects: [c.deployment],
      });
    } else if (c instanceof OpenFaaSFunction) {
      const spec = c.resource.toJson().spec as { labels?: Record<string, string>; requests?: { cpu?: string; memory?: string } };
      const labels = spec.labels ?? {};
      const min = Number(labels['com.openfaas.scale.min'] ?? 1);
      const zero = labels['com.openfaas.scale.zero'] === 'true';
      fp.record({
        component: `fn/${c.name}`,
        namespace: c.namespace,
        pods: zero ? 0 : min,
        containers: [spec.requests],
        source: zero ? 'Function com.openfaas.scale.zero: scaled to zero while idle' : `Function com.openfaas.scale.min ${min}; spec.requests`,
        objects: [c.resource],
      });
    }
  }
}
