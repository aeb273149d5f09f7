import { LABELS } from '../../k8s/common/labels';
import { SYSTEM_NAMESPACES } from '../../k8s/common/namespaces';
import { CONNECTION_KEYS, KafkaClientUser, USER_SECRET_KEYS } from '../../k8s/kafka/kafka-client-user';
import { KAFKA_LISTENERS, KafkaCluster } from '../../k8s/kafka/kafka-cluster';
import { KafkaClusterTopic } from '../../k8s/kafka/kafka-cluster-topic';
import { SecretReflector } from '../../k8s/kafka/secret-reflector';
import { COPY_JOB_REQUESTS, ComposedSecret, type SecretKeyRef } from '../../k8s/kafka/composed-secret';
import { eventingBackendOf } from '../../spec/platform';
import { specEventingTenants } from '../../spec/rules/eventing';
import { StrimziOperator } from '../../k8s/kafka/strimzi-operator';
import type { KafkaListenerAuth } from '../../k8s/kafka/kafka-cluster';
import { KAFKA_CONNECTOR_AUTHENTICATION } from '../../k8s/openfaas/kafka-connector';
import type { FunctionSpec } from '../../spec/function';
import { CLUSTER_KAFKA_TARGETS, kafkaAccessByFunction, kafkaClusterName, type KafkaAccess } from '../../spec/kafka';
import { topicSizingIssues } from '../../spec/rules/kafka';
import type { KafkaBinding, KafkaClientAuth, KafkaEventingBinding } from '../bindings';
import type { ModuleContext } from './context';

type Requests = { requests?: { cpu?: string; memory?: string } } | undefined;

/** Strimzi's pods: the operator, Reflector, the node pools and the operands the `Kafka` CR runs. */
function recordFootprint(ctx: ModuleContext, operator: StrimziOperator, reflector: SecretReflector, cluster: KafkaCluster): void {
  const fp = ctx.footprint;
  const ns = cluster.namespace;
  const ov = operator.install.values;
  fp.record({
    component: 'strimzi/cluster-operator',
    namespace: ns,
    pods: ov.replicas,
    containers: [ov.resources.requests],
    source: 'strimzi values: replicas, resources',
    objects: [operator.install.release],
  });
  fp.record({
    component: 'reflector',
    namespace: ns,
    // The reflector chart (emberstack 9.1.34, not in ../shared/upstream) defaults replicaCount to 1; the module does not set it.
    pods: 1,
    containers: [reflector.install.values.resources.requests],
    source: 'reflector values: resources; chart default replicaCount: 1',
    objects: [reflector.install.release],
  });
  for (const pool of cluster.nodePools) {
    const p = pool.toJson().spec as { replicas: number; resources?: Requests };
    fp.record({
      component: `kafka/${pool.metadata.name}`,
      namespace: ns,
      pods: p.replicas,
      containers: [p.resources?.requests],
      source: 'KafkaNodePool spec.replicas, spec.resources',
      objects: [pool],
    });
  }
  const k = cluster.kafka.toJson().spec as { entityOperator?: { topicOperator?: { resources?: Requests }; userOperator?: { resources?: Requests } }; kafkaExporter?: { resources?: Requests } };
  if (k.entityOperator) {
    const eo = k.entityOperator;
    const containers = [eo.topicOperator, eo.userOperator].filter((c) => c !== undefined).map((c) => c!.resources?.requests);
    fp.record({
      component: 'kafka/entity-operator',
      namespace: ns,
      pods: 1,
      containers,
      source: 'Kafka spec.entityOperator.{topicOperator,userOperator}.resources (one pod, a container each)',
      objects: [cluster.kafka],
    });
  }
  if (k.kafkaExporter) {
    fp.record({ component: 'kafka/kafka-exporter', namespace: ns, pods: 1, containers: [k.kafkaExporter.resources?.requests], source: 'Kafka spec.kafkaExporter.resources', objects: [cluster.kafka] });
  }
}

const PLAIN_PORT = KAFKA_LISTENERS.find((l) => !l.tls)!.port;

/**
 * Where the spec's Kafka clients run and which listener port each uses: a function's
 * client namespace (see clientNamespace) and, for Knative consumers, knative-eventing, where
 * the KafkaSource dispatcher and controller connect with the function's credentials.
 */
function kafkaClients(ctx: ModuleContext, access: ReadonlyMap<string, KafkaAccess>, auth: KafkaListenerAuth, eventing: boolean): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (ns: string, a: KafkaListenerAuth) => {
    const port = KAFKA_LISTENERS.find((l) => l.tls && l.auth === a)!.port;
    const ports = out.get(ns) ?? [];
    if (!ports.includes(port)) ports.push(port);
    out.set(ns, ports.sort());
  };
  const byName = new Map(ctx.spec.functions.map((f) => [f.name, f]));
  for (const [name, a] of access) {
    const fn = byName.get(name)!;
    if (a.read.length > 0) {
      add(clientNamespace(fn, true), clientAuthentication(fn, true, auth));
      if (fn.target === 'knative') add(SYSTEM_NAMESPACES.knativeEventing, clientAuthentication(fn, true, auth));
    }
    if (a.write.length > 0) add(clientNamespace(fn, false), clientAuthentication(fn, false, auth));
  }
  // Kafka-backed eventing: the Kafka controller and the broker, channel and sink data planes.
  if (eventing) add(SYSTEM_NAMESPACES.knativeEventing, auth);
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Kafka principal (KafkaUser and Secret name) of a function. */
export const kafkaUserName = (fn: string): string => `kafka-${fn}`;

/**
 * Where a function's Kafka client runs by default: a Knative function's KafkaSource in its
 * tenant namespace; for OpenFaaS the kafka-connector (in `openfaas`) consumes and the function
 * itself (in `openfaas-fn`) produces.
 */
export function clientNamespace(fn: FunctionSpec, consumer: boolean): string {
  if (fn.target === 'openfaas') return consumer ? SYSTEM_NAMESPACES.openfaas : SYSTEM_NAMESPACES.openfaasFunctions;
  return fn.tenant;
}

/**
 * How a function's KafkaUser authenticates: the spec's `kafka.clientAuthentication`, except
 * for OpenFaaS consumers, whose client is the kafka-connector: it cannot do SCRAM (see
 * `KafkaConnectorAuth`), so their user gets a client certificate on the mTLS listener.
 */
export function clientAuthentication(fn: FunctionSpec, consumer: boolean, clusterDefault: KafkaListenerAuth): KafkaListenerAuth {
  return fn.target === 'openfaas' && consumer ? KAFKA_CONNECTOR_AUTHENTICATION : clusterDefault;
}

/**
 * Strimzi and the cluster's Kafka: the operator (platform layer), the KRaft cluster sized by
 * the environment's profile, the spec's topics and one KafkaUser per function that touches
 * Kafka (config layer). Returns the binding the backends take (undefined when the spec has no
 * `kafka` section, or its sizing does not hold for this environment: then an issue says why).
 */
export function buildKafka(ctx: ModuleContext): KafkaBinding | undefined {
  const spec = ctx.spec.kafka;
  if (!spec) return undefined;
  const env = ctx.env;
  const profile = env.profile;

  // parseSpec checked the spec's profiles; Pulumi config overrides arrive only here.
  const sizing = topicSizingIssues(spec, { name: env.name, profileName: env.profileName, profile });
  for (const i of sizing) ctx.issues.add(i.path, i.value, i.message);
  if (sizing.length > 0) return undefined;

  const namespace = SYSTEM_NAMESPACES.kafka;
  ctx.namespace({ name: namespace });
  const installs = ctx.chart('platform', 'kafka');
  const operator = new StrimziOperator(installs, 'strimzi', {
    namespace,
    replicas: profile.components.strimziOperator.replicas,
    resources: profile.components.strimziOperator.resources,
    podDisruptionBudgets: profile.ha.podDisruptionBudgets,
  });
  const reflector = new SecretReflector(installs, 'reflector', { namespace });

  const authentication = spec.clientAuthentication ?? 'scram-sha-512';
  const access = kafkaAccessByFunction(ctx.spec);
  // Kafka-backed Knative Eventing in this environment (brokers, channels, dead letters).
  const eventingOn = eventingBackendOf(ctx.spec, profile) === 'kafka' && specEventingTenants({ functions: ctx.functionsFor('knative'), knative: ctx.spec.knative }).size > 0;
  const clients = kafkaClients(ctx, access, authentication, eventingOn);
  const config = ctx.chart('config', 'kafka');
  const cluster = new KafkaCluster(config, 'cluster', {
    listenerClients: Object.fromEntries(KAFKA_LISTENERS.map((l) => [l.name, [...clients].filter(([, ports]) => ports.includes(l.port)).map(([ns]) => ns)])),
    name: kafkaClusterName(spec),
    namespace,
    sizing: profile.kafka,
    entityOperatorResources: profile.kafka.entityOperator,
    rack: spec.rack,
    antiAffinity: profile.ha.antiAffinity,
    podDisruptionBudget: profile.ha.podDisruptionBudgets,
  });
  recordFootprint(ctx, operator, reflector, cluster);
  const topics = new Set<string>();
  for (const t of spec.topics) {
    new KafkaClusterTopic(config, `topic-${t.name}`, { cluster, ...t });
    topics.add(t.name);
  }

  const users = new Map<string, KafkaClientUser>();
  const userOf = (fn: FunctionSpec) => {
    let u = users.get(fn.name);
    if (!u) {
      const consumer = (access.get(fn.name)?.read.length ?? 0) > 0 || (fn.triggers ?? []).some((t) => t.type === 'kafka');
      u = new KafkaClientUser(config, `user-${fn.name}`, {
        cluster,
        name: kafkaUserName(fn.name),
        authentication: clientAuthentication(fn, consumer, authentication),
        labels: { [LABELS.function]: fn.name, [LABELS.tenant]: fn.tenant },
      });
      users.set(fn.name, u);
    }
    return u;
  };

  // Every client the spec declares, so the ACLs are exact whichever backends run.
  const byName = new Map(ctx.spec.functions.map((f) => [f.name, f]));
  for (const [name, a] of access) {
    const fn = byName.get(name)!;
    const u = userOf(fn);
    a.read.forEach((t) => u.allowRead(t));
    a.groups.forEach((g) => u.allowGroup(g));
    a.write.forEach((t) => u.allowWrite(t));
    if (a.read.length > 0) u.shareWith(clientNamespace(fn, true));
    if (a.write.length > 0) u.shareWith(clientNamespace(fn, false));
  }

  const brokerPods = { 'strimzi.io/cluster': cluster.name, 'strimzi.io/kind': 'Kafka' };
  const net = ctx.network(namespace);
  // Strimzi's operator, entity operator and exporter, Reflector and the brokers talk to each other.
  net.allowWithinNamespace('Strimzi: the operator, entity operator and exporter managing and reading the brokers; brokers replicating among themselves');
  net.allowApiServer('Strimzi cluster and entity operators and Reflector watching their resources');
  for (const [ns, ports] of clients) {
    net.allowIngressFrom({ namespace: ns, pods: brokerPods, ports: [...ports], reason: `Kafka clients in ${ns} to their TLS listener (${ports.join(', ')}); never the plaintext ${PLAIN_PORT}` });
  }

  let eventing: KafkaEventingBinding | undefined;
  if (eventingOn) {
    const eventingNs = SYSTEM_NAMESPACES.knativeEventing;
    const eventingUsers = new Map<string, KafkaClientUser>();
    const authSecretJob = (namespace: string) => `kafka-auth-${namespace}`;
    eventing = {
      namespace: eventingNs,
      bootstrapServers: cluster.bootstrapServers(authentication),
      authentication,
      replicationFactor: cluster.sizing.replicationFactor,
      user(name, labels) {
        let u = eventingUsers.get(name);
        if (!u) {
          u = new KafkaClientUser(config, `eventing-user-${name}`, { cluster, name, authentication, labels: { ...labels, [LABELS.component]: 'knative-eventing' } });
          u.shareWith(eventingNs);
          eventingUsers.set(name, u);
        }
        return u;
      },
      authSecret(user, namespace, name) {
        const secret = (key: string) => ({ name: user.name, key });
        const connection = (key: string) => ({ name: user.connectionSecretName, key });
        const ca = { name: cluster.caSecretName, key: 'ca.crt' };
        const keys: Record<string, SecretKeyRef> =
          user.authentication === 'tls'
            ? { protocol: connection(CONNECTION_KEYS.securityProtocol), 'ca.crt': ca, 'user.crt': secret(USER_SECRET_KEYS.tls.certificate), 'user.key': secret(USER_SECRET_KEYS.tls.key) }
            : {
                protocol: connection(CONNECTION_KEYS.securityProtocol),
                'sasl.mechanism': connection(CONNECTION_KEYS.saslMechanism),
                user: connection(CONNECTION_KEYS.user),
                password: secret(USER_SECRET_KEYS['scram-sha-512'].password),
                'ca.crt': ca,
              };
        const composed = new ComposedSecret(config, `kafka-auth-${namespace}-${name}`, {
          namespace: eventingNs,
          targetNamespace: namespace,
          name,
          component: 'knative-kafka-credentials',
          jobName: authSecretJob(namespace),
          keys,
        });
        ctx.footprint.record({
          component: `knative-eventing/${composed.cronJob.metadata.name}`,
          namespace: eventingNs,
          // concurrencyPolicy Forbid: at most one Job pod at a time, for a few seconds every run.
          pods: 1,
          containers: [COPY_JOB_REQUESTS],
          source: 'CronJob container resources; one pod at a time while it runs (concurrencyPolicy Forbid)',
          objects: [composed.cronJob],
        });
      },
      authSecretJob,
      topic(name, options) {
        if (topics.has(name)) return;
        new KafkaClusterTopic(config, `topic-${name}`, { cluster, name, retentionHours: options.retentionHours, partitions: options.partitions });
        topics.add(name);
      },
    };
  }

  return {
    eventing,
    clusterName: cluster.name,
    namespace,
    clients,
    brokerPods,
    bootstrapServers: cluster.bootstrapServers(authentication),
    bootstrap: cluster.bootstrapAddress(authentication),
    access,
    client(fn, req): KafkaClientAuth {
      const index = ctx.spec.functions.indexOf(fn);
      const path = index >= 0 ? `functions[${index}]` : `function ${fn.name}`;
      if (!(CLUSTER_KAFKA_TARGETS as readonly string[]).includes(fn.target)) {
        ctx.issues.add(path, fn.target, `target "${fn.target}" cannot use the cluster's Kafka (Lambda reaches Kafka through kafka.msk)`);
      }
      for (const t of [...(req.read ?? []), ...(req.write ?? [])]) {
        if (!topics.has(t)) ctx.issues.add(path, t, `Kafka topic "${t}" is not in kafka.topics; defined topics: ${[...topics].join(', ') || '(none)'}`);
      }
      const u = userOf(fn);
      (req.read ?? []).forEach((t) => topics.has(t) && u.allowRead(t));
      (req.write ?? []).forEach((t) => topics.has(t) && u.allowWrite(t));
      if (req.group) u.allowGroup(req.group);
      const ns = req.namespace ?? clientNamespace(fn, (req.read?.length ?? 0) > 0 || req.group !== undefined);
      u.shareWith(ns);
      return {
        user: u.name,
        mechanism: u.authentication,
        secret: { namespace: ns, name: u.name },
        caSecret: { namespace: ns, name: cluster.caSecretName },
        bootstrapServers: cluster.bootstrapServers(u.authentication),
        secretKeys: USER_SECRET_KEYS[u.authentication],
        caKey: 'ca.crt',
        connectionSecret: { namespace: ns, name: u.connectionSecretName, keys: CONNECTION_KEYS },
      };
    },
  };
}
